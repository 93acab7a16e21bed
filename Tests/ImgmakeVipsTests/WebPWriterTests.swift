import CVips
import CVipsLoader
import Foundation
import ImgmakeJob
import Testing

@testable import ImgmakeVips

/// imgmake's own webpsave (libwebp on the job's thread) writes the file libvips' webpsave writes, once
/// imgmake has removed the metadata libvips 8.14.1 adds despite `strip`.
@Suite struct WebPWriterTests {
    let folder: TestFolder
    init() throws { folder = try TestFolder() }

    /// A colour photo-like source (three different noise bands, smoothed), with an alpha band that varies when
    /// `alpha`, as a PNG.
    private func source(alpha: Bool, width: Int = 75, height: Int = 49) throws -> String {
        func noise(_ seed: Int) throws -> VipsImageHandle {
            var call = VipsOperationCall("gaussnoise")
            call.set("width", .value(.int(width)))
            call.set("height", .value(.int(height)))
            call.set("mean", .value(.double(128)))
            call.set("sigma", .value(.double(50)))
            call.set("seed", .value(.int(seed)))
            return try vips("gaussblur", try #require(try call.run()["out"]), ("sigma", .double(1.2)))
        }
        var join = VipsOperationCall("bandjoin")
        join.set("in", .images(try (1...(alpha ? 4 : 3)).map(noise)))
        let joined = try #require(try join.run()["out"])
        let image = try vips("cast", joined, ("format", .enumeration("uchar")))
        let path = folder.file("source-\(alpha)-\(width)x\(height).png")
        var save = VipsOperationCall("pngsave")
        save.set("in", .image(image))
        save.set("filename", .value(.string(path)))
        _ = try save.run()
        return path
    }

    static let optionSets: [[(String, OperationValue)]] = [
        [], [("Q", .int(50))], [("Q", .int(95)), ("effort", .int(6))], [("effort", .int(0))],
        [("reduction_effort", .int(2))], [("lossless", .bool(true))], [("lossless", .bool(true)), ("Q", .int(10))],
        [("near_lossless", .bool(true)), ("Q", .int(60))], [("smart_subsample", .bool(true))],
        [("alpha_q", .int(30))], [("preset", .enumeration("text"))], [("preset", .enumeration("photo")), ("Q", .int(70))],
    ]

    @Test(arguments: [false, true], 0..<optionSets.count)
    func theFileIsWebpsavesByteForByte(alpha: Bool, set: Int) throws {
        let path = try source(alpha: alpha)
        let save =
            Self.optionSets[set].map { ResolvedArgument(name: $0.0, value: $0.1) } + [ResolvedArgument(name: "strip", value: .bool(true))]
        let theJob = job([path], steps: [], saver: "webpsave", save: save)
        try #require(WebPWriter.options(for: theJob) != nil)
        try #require(WebPWriter.takes(try ImageLoader.open(path)))

        let ours = folder.file("ours-\(alpha)-\(set).webp")
        let summary = try ImageRunner.run(theJob, writingTo: ours)

        // libvips' webpsave on the same image with the same options, then imgmake's removal of its metadata.
        let reference = folder.file("libvips-\(alpha)-\(set).webp")
        var call = VipsOperationCall("webpsave")
        call.set("in", .image(try ImageLoader.open(path)))
        call.set("filename", .value(.string(reference)))
        for option in save { call.set(option.name, .value(option.value)) }
        _ = try call.run()
        try MetadataStrip.finish(reference, for: theJob)

        let written = try Data(contentsOf: URL(fileURLWithPath: ours))
        #expect(written == (try Data(contentsOf: URL(fileURLWithPath: reference))), "options \(Self.optionSets[set])")
        #expect(summary.bytes == written.count && summary.width == 75 && summary.bands == (alpha ? 4 : 3))
        #expect(try ImageLoader.open(ours).bands == (alpha ? 4 : 3))
    }

    /// The writer takes only what it writes as webpsave would: stripped, known options, 8-bit sRGB in one page.
    @Test func theWriterTakesOnlyTheJobsItWritesExactly() throws {
        func options(_ save: [(String, OperationValue)]) -> cvips_webp_options? {
            WebPWriter.options(
                for: job(["a.png"], steps: [], saver: "webpsave", save: save.map { ResolvedArgument(name: $0.0, value: $0.1) }))
        }
        let q = try #require(options([("Q", .int(80)), ("strip", .bool(true))]))
        #expect(q.quality == 80 && q.effort == 4 && q.alpha_quality == 100 && !q.lossless)
        #expect(options([("Q", .int(80))]) == nil)  // metadata kept: libvips writes the chunks
        #expect(options([("strip", .bool(true)), ("strip", .bool(false))]) == nil)
        #expect(options([("strip", .bool(true)), ("page-height", .int(10))]) == nil)  // an option it does not know
        #expect(options([("strip", .bool(true)), ("kmax", .int(10)), ("profile", .string("srgb"))]) != nil)
        #expect(
            WebPWriter.options(
                for: job(["a.png"], steps: [], saver: "pngsave", save: [ResolvedArgument(name: "strip", value: .bool(true))])) == nil)

        let rgb = try ImageLoader.open(try source(alpha: false))
        #expect(WebPWriter.takes(rgb))
        #expect(!WebPWriter.takes(try vips("colourspace", rgb, ("space", .enumeration("b-w")))))
        #expect(!WebPWriter.takes(try vips("cast", rgb, ("format", .enumeration("ushort")))))
        #expect(!WebPWriter.takes(try ImageLoader.open(try source(alpha: false, width: 16384, height: 2))))
    }

    /// Once its metadata chunks are gone, a WebP whose VP8X chunk announces nothing else is written in the
    /// simple format (what libwebp writes for an image without metadata); one with an alpha chunk keeps VP8X.
    @Test(arguments: [false, true])
    func aFileWithoutMetadataIsInTheSimpleFormat(alpha: Bool) throws {
        let photo = try MetadataPhoto(in: folder, bands: alpha ? 4 : 3)
        let output = folder.file("kept-\(alpha).webp")
        var call = VipsOperationCall("webpsave")
        call.set("in", .image(try ImageLoader.open(photo.path)))
        call.set("filename", .value(.string(output)))
        _ = try call.run()
        let before = try Data(contentsOf: URL(fileURLWithPath: output))
        try #require(Self.chunks(before).contains("EXIF"))
        let after = try #require(WebPChunks.removingMetadata(from: before))
        #expect(Self.chunks(after) == (alpha ? ["VP8X", "ALPH", "VP8 "] : ["VP8 "]))
        try after.write(to: URL(fileURLWithPath: output))
        let reread = try ImageLoader.open(output)
        #expect(reread.bands == (alpha ? 4 : 3) && reread.fieldNames.filter { $0.hasPrefix("exif") }.isEmpty)
    }

    static func chunks(_ data: Data) -> [String] {
        let bytes = [UInt8](data)
        var codes: [String] = []
        var offset = 12
        while offset + 8 <= bytes.count {
            codes.append(String(decoding: bytes[offset..<offset + 4], as: UTF8.self))
            let size = bytes[offset + 4..<offset + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            offset += 8 + size + size % 2
        }
        return codes
    }
}

/// A copy to memory computed on the calling thread (one libvips thread per job) has the pixels and fields of
/// libvips' own copy, and a damaged source fails it the same way.
@Suite struct ComputedHereTests {
    let folder: TestFolder
    init() throws { folder = try TestFolder() }

    @Test(arguments: ["uchar", "ushort", "float"])
    func theCopyIsLibvipsCopy(format: String) throws {
        let source = try ImageLoader.open(try folder.image("noise.png", width: 131, height: 203, bands: 4))
        let image = try vips("rotate", try vips("cast", source, ("format", .enumeration(format))), ("angle", .double(30)))
        let here = try image.copiedToMemory(for: "test", onThisThread: true)
        let pooled = try image.copiedToMemory(for: "test", onThisThread: false)
        #expect((here.width, here.height, here.bands, here.format) == (pooled.width, pooled.height, pooled.bands, format))
        #expect(here.interpretation == pooled.interpretation && here.fieldNames == pooled.fieldNames)
        let bytes = here.width * here.height * here.bands * ["uchar": 1, "ushort": 2, "float": 4][format, default: 0]
        let a = Data(bytes: try #require(cvips_image_data(here.pointer)), count: bytes)
        let b = Data(bytes: try #require(cvips_image_data(pooled.pointer)), count: bytes)
        #expect(a == b)
    }

    @Test func aDamagedSourceFailsTheCopy() throws {
        let cut = try folder.truncated(try folder.image("whole.jpg", width: 600, height: 400), to: "cut.jpg", keeping: 0.4)
        let image = try ImageLoader.load(cut, options: [ResolvedArgument(name: "fail-on", value: .enumeration("truncated"))]).image
        #expect(throws: VipsError.self) { try image.copiedToMemory(for: "webpsave", onThisThread: true) }
    }
}
