import Foundation
import ImgmakeJob
import ImgmakeSync
import ImgmakeTestSupport
import ImgmakeVips
import Testing

@testable import ImgmakeCore

/// `.imgmake/catalog.json` is written by `JSONEncoder` and read by `JSONValue` (cheap at start-up): the reader
/// must give what `JSONDecoder` gives for every value the file can hold, and nothing for a damaged file.
@Suite struct CatalogFileTests {
    private typealias Stored = CachedCatalog.Stored

    private func encoded(_ stored: Stored) throws -> [UInt8] { Array(try JSONEncoder().encode(stored)) }

    private func decodedByFoundation(_ bytes: [UInt8]) -> Stored? { try? JSONDecoder().decode(Stored.self, from: Data(bytes)) }

    /// Every case of `ArgumentType` and `OperationValue`, optional values missing and present, odd strings.
    private var everyKind: Stored {
        var stored = Stored(key: "imgmake 0.1.0 (123 1.5) (/usr/lib/libvips.so.42 9 2.25)")
        stored.version = "vips-8.14.1"
        let types: [ArgumentType] = [
            .int(min: -2_147_483_648, max: 10_000_000), .double(min: -1.7976931348623157e308, max: 0.1), .bool, .string,
            .enumeration(typeName: "VipsInteresting", nicks: ["none", "attention"]), .flags(typeName: "VipsForeignKeep", nicks: []),
            .arrayDouble, .arrayInt, .image, .arrayImage, .interpolate, .unsupported(typeName: "VipsSource"),
        ]
        let arguments = types.enumerated().map { index, type in
            ArgumentInfo(
                name: "arg-\(index)", description: "quote \" backslash \\ slash / tab \t é 🌈 \u{1}", type: type,
                isRequired: index % 2 == 0, isInput: index % 3 == 0, isOutput: index % 3 == 1, isDeprecated: index == 4,
                defaultText: index == 1 ? "" : "\(index)")
        }
        stored.operations = [
            "thumbnail": OperationInfo(nickname: "thumbnail", description: "make a thumbnail", arguments: arguments),
            "old": OperationInfo(nickname: "old", description: "", arguments: [], isDeprecated: true),
            "nosuch": nil,
        ]
        stored.savers = ["png": "pngsave", "xyz": nil, "jpg": "jpegsave"]
        let values: [OperationValue] = [
            .int(-3), .double(0.1), .double(1e300), .bool(true), .string("a \"b\"\n"), .enumeration("av1"), .flags("a|b"),
            .arrayDouble([1, 2.5, -0.0]), .arrayInt([]), .imageFile("/p/a.png"), .imageFiles(["/a", "/b c"]),
            .interpolate("bicubic"),
        ]
        stored.implied = [
            "avif": values.map { ResolvedArgument(name: "compression", value: $0) },
            "pgm": [ResolvedArgument(name: "format", value: .enumeration("pgm"), origin: "Imgmakefile:2:17")], "none": [],
        ]
        stored.keepsAlpha = ["jpegsave": false, "pngsave": true]
        stored.names = ["add", "thumbnail"]
        return stored
    }

    @Test func everyKindOfValueReadsAsFoundationReadsIt() throws {
        let stored = everyKind
        let bytes = try encoded(stored)
        #expect(decodedByFoundation(bytes) == stored, "the synthesized form round-trips")
        #expect(Stored(json: bytes) == stored)
        var sparse = Stored(key: "k")
        sparse.operations = ["a": nil]
        #expect(Stored(json: try encoded(sparse)) == sparse, "no version, no names")
    }

    /// libvips' own answers, for all its operations and savers.
    @Test func libvipsAnswersReadAsFoundationReadsThem() throws {
        let catalog = VipsCatalog.shared
        var stored = Stored(key: "k")
        stored.version = VipsRuntime.version
        // Bounds JSON cannot hold (`deviate`'s -inf) make the whole file unwritable: those are left out here.
        for name in catalog.operationNames {
            let info = catalog.operation(named: name)
            guard (try? JSONEncoder().encode(info)) != nil else { continue }
            stored.operations[name] = .some(info)
        }
        for ext in ["png", "jpg", "webp", "avif", "tif", "pgm", "v", "gif", "nope"] {
            let saver = catalog.saverNickname(forPath: "x." + ext)
            stored.savers[ext] = .some(saver)
            stored.implied[ext] = catalog.saveOptions(impliedByPath: "x." + ext)
            if let saver { stored.keepsAlpha[saver] = catalog.saverKeepsAlpha(saver) }
        }
        stored.names = catalog.operationNames
        let bytes = try encoded(stored)
        #expect(stored.operations.count > 100)
        #expect(Stored(json: bytes) == decodedByFoundation(bytes))
        #expect(Stored(json: bytes) == stored)
    }

    /// What another writer makes of the same values (`JSONSerialization`, as a hand-edited or forged file):
    /// escaped slashes, `\u` escapes, white space.
    @Test func otherWritersJSONReads() throws {
        let text = """
             { "key" : "k\\/1", "version": null, "operations" : { },
              "savers": {"png": "png\\u0073ave", "x": null, "emoji": "\\ud83c\\udf08"}, "implied": {}, "keepsAlpha": {"pngsave": true} }

            """
        let stored = try #require(Stored(json: Array(text.utf8)))
        #expect(stored.key == "k/1")
        #expect(stored.version == nil)
        #expect(stored.savers == ["png": "pngsave", "x": nil, "emoji": "🌈"])
        #expect(stored.keepsAlpha == ["pngsave": true])
        #expect(stored == decodedByFoundation(Array(text.utf8)))
    }

    /// A file cut short anywhere, or with a wrong value, is damage: nothing of it is used.
    @Test func aDamagedFileIsNotRead() throws {
        let bytes = try encoded(everyKind)
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(Stored(json: Array(bytes[..<length])) == nil, "cut at \(length)")
        }
        for damaged in [
            #"{"key":"k","savers":{"png":7}}"#, #"{"key":"k","operations":{"a":{"nickname":"a"}}}"#, #"{"key":1}"#,
            #"{"key":"k"} x"#, #"{"key":"k","keepsAlpha":{"a":"yes"}}"#, #"{"key":"\ud800"}"#, "[" + String(repeating: "[", count: 100),
            #"{"key":"k","implied":{"avif":[{"name":"q","value":{"int":{"_0":1.5}}}]}}"#, "{\"key\":\"a\u{1}\"}",
        ] {
            #expect(Stored(json: Array(damaged.utf8)) == nil, "\(damaged)")
        }
        #expect(Stored(json: [0x7B, 0x22, 0x6B, 0x65, 0x79, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]) == nil, "not UTF-8")
    }

    /// Through the catalog: a damaged file, or one under another key, is not trusted: libvips is asked.
    @Test func aDamagedFileOrAnotherKeyAsksLibvips() throws {
        let disk = MemoryDisk()
        let asked = Mutex(0)
        let library = ImageLibrary(
            version: { "vips-8.14.1" }, libraryFile: "/lib/libvips.so.42 1 2.0",
            catalog: {
                asked.withLock { $0 += 1 }
                return FakeCatalog()
            })
        let key = CachedCatalog.key(library: library)
        var good = Stored(key: key)
        good.savers = ["png": "fromfile"]
        for (bytes, trusted) in [
            (try encoded(good), true), (Array(try encoded(good).dropLast()), false),
            (try encoded(Stored(key: key + "x")).map { $0 }, false),
        ] {
            disk.write("/t/.imgmake/catalog.json", bytes: bytes)
            let cached = CachedCatalog(directory: "/t/.imgmake", disk: disk, library: library)
            let before = asked.withLock { $0 }
            let saver = cached.saverNickname(forPath: "a.png")
            #expect((saver == "fromfile") == trusted, "\(String(decoding: bytes, as: UTF8.self))")
            #expect((asked.withLock { $0 } == before) == trusted)
        }
    }

    /// The key names the running executable by the file `/proc/self/exe` links to (the same file).
    @Test func theKeyNamesTheRunningExecutable() throws {
        var status = stat()
        try #require(stat("/proc/self/exe", &status) == 0)
        #expect(CachedCatalog.executableIdentity == "\(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)")
    }
}
