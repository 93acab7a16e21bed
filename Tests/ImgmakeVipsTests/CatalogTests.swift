import ImgmakeJob
import Testing

@testable import ImgmakeVips

@Suite struct CatalogTests {
    let catalog = VipsCatalog.shared

    @Test func operationNamesAreSortedConcreteAndCurrent() {
        let names = catalog.operationNames
        #expect(names == names.sorted())
        #expect(Set(names).count == names.count)
        for expected in ["thumbnail", "sharpen", "rotate", "arrayjoin", "composite2", "webpsave", "jpegload"] {
            #expect(names.contains(expected))
        }
        #expect(!names.contains("foreign"))  // abstract
        #expect(!names.contains("fileload"))  // abstract
        #expect(names.count > 200)
    }

    @Test func thumbnailArguments() throws {
        let info = try #require(catalog.operation(named: "thumbnail"))
        #expect(info.nickname == "thumbnail")
        #expect(info.description == "generate thumbnail from file")
        #expect(info.requiredInputs.map(\.name) == ["filename", "width"])
        #expect(info.outputs.map(\.name) == ["out"])
        #expect(info.arguments.prefix(3).map(\.name) == ["filename", "out", "width"])
        let width = try #require(info.argument(named: "width"))
        #expect(width.type == .int(min: 1, max: 10_000_000))
        #expect(width.defaultText == "1")
        #expect(width.description == "Size to this width")
        let crop = try #require(info.argument(named: "crop"))
        #expect(
            crop.type
                == .enumeration(
                    typeName: "VipsInteresting",
                    nicks: ["none", "centre", "entropy", "attention", "low", "high", "all"]))
        #expect(crop.defaultText == "none")
        #expect(!crop.isRequired && crop.isInput)
        #expect(info.argument(named: "no_rotate")?.type == .bool)
        #expect(info.argument(named: "filename")?.type == .string)
        #expect(info.argument(named: "out")?.type == .image)
    }

    @Test func argumentTypesOfOtherOperations() throws {
        let rotate = try #require(catalog.operation(named: "rotate"))
        #expect(rotate.argument(named: "angle")?.type == .double(min: -10_000_000, max: 10_000_000))
        #expect(rotate.argument(named: "interpolate")?.type == .interpolate)
        #expect(rotate.argument(named: "background")?.type == .arrayDouble)
        #expect(catalog.operation(named: "arrayjoin")?.argument(named: "in")?.type == .arrayImage)
        let png = try #require(catalog.operation(named: "pngsave"))
        guard case .flags(let name, let nicks)? = png.argument(named: "filter")?.type else {
            Issue.record("pngsave filter is not flags")
            return
        }
        #expect(name == "VipsForeignPngFilter")
        #expect(nicks.contains("paeth"))
    }

    @Test func unknownOperationIsNil() {
        #expect(catalog.operation(named: "thumbnale") == nil)
        #expect(catalog.operation(named: "foreign") == nil)  // abstract
        #expect(catalog.operation(named: "") == nil)
    }

    @Test func saversFollowTheExtension() {
        #expect(catalog.saverNickname(forPath: "out/a.webp") == "webpsave")
        #expect(catalog.saverNickname(forPath: "a.jpg") == "jpegsave")
        #expect(catalog.saverNickname(forPath: "a.JPEG") == "jpegsave")
        #expect(catalog.saverNickname(forPath: "a.avif") == "heifsave")
        #expect(catalog.saverNickname(forPath: "a.png") == "pngsave")
        #expect(catalog.saverNickname(forPath: "a.tiff") == "tiffsave")
        #expect(catalog.saverNickname(forPath: "a.xyz") == nil)
        #expect(catalog.saverNickname(forPath: "noextension") == nil)
    }

    @Test func impliedSaveOptions() {
        #expect(catalog.saveOptions(impliedByPath: "a.avif") == [ResolvedArgument(name: "compression", value: .enumeration("av1"))])
        #expect(catalog.saveOptions(impliedByPath: "a.pgm") == [ResolvedArgument(name: "format", value: .enumeration("pgm"))])
        #expect(catalog.saveOptions(impliedByPath: "a.heic").isEmpty)
        #expect(catalog.saveOptions(impliedByPath: "a.webp").isEmpty)
    }

    @Test func loaderSniffsContent() throws {
        let folder = try TestFolder()
        let png = try folder.image("really-png.jpg", width: 20, height: 10, saver: "pngsave")
        #expect(try catalog.loaderNickname(forFile: png) == "pngload")
        let jpeg = try folder.image("photo].jpg", width: 20, height: 10)
        #expect(try catalog.loaderNickname(forFile: jpeg) == "jpegload")
    }

    @Test func versionWithoutStartingTwice() {
        #expect(VipsRuntime.version.hasPrefix("vips-8."))
        #expect(catalog.libraryVersion == VipsRuntime.version)
        VipsRuntime.start()
        VipsRuntime.start()
    }
}
