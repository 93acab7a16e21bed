import Foundation
import Testing

@testable import ImgmakeCore

/// The core's own SHA-256 (it links no C library for it) against the FIPS 180-4 examples and `sha256sum`.
@Suite struct ContentDigestTests {
    @Test func knownDigests() {
        #expect(ContentDigest.sha256(bytes: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentDigest.sha256(bytes: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            ContentDigest.sha256(bytes: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            ContentDigest.sha256(bytes: [UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every length around the block and padding boundaries, and a file read in several blocks, as `sha256sum` says.
    @Test func filesAgreeWithSha256sum() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func bytes(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
        }
        let lengths = [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, (1 << 20) - 1, (1 << 20) + 1, 3 * (1 << 20) + 17]
        var paths: [String] = []
        for length in lengths {
            let path = folder.appendingPathComponent("f\(length)").path
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes(length))))
            paths.append(path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = paths
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = output.split(separator: "\n").map { String($0.prefix(64)) }
        #expect(expected.count == paths.count, "\(output)")
        for (path, digest) in zip(paths, expected) {
            #expect(ContentDigest.sha256(ofFile: path) == digest, "\(path)")
            let data = try #require(FileManager.default.contents(atPath: path))
            #expect(ContentDigest.sha256(bytes: [UInt8](data)) == digest, "\(path) in memory")
        }
        #expect(ContentDigest.sha256(ofFile: folder.appendingPathComponent("missing").path) == nil)
    }
}
