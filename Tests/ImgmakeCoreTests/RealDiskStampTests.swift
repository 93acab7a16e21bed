import Foundation
import Testing

@testable import ImgmakeCore

/// `RealDisk.stamps(inDirectory:names:)` (one open folder, each name stat'ed relative to it) says what
/// `stamp(_:)` says of each joined path: regular files and links to them have stamps; missing names, folders,
/// dangling links and FIFOs have none; a folder that cannot be opened still gets the per-path answers.
@Suite struct RealDiskStampTests {
    @Test func stampsInADirectoryAreThoseOfEachPath() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "imgmake-stamps-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("abc".utf8).write(to: URL(fileURLWithPath: folder + "/a.png"))
        try Data("defgh".utf8).write(to: URL(fileURLWithPath: folder + "/b c.png"))
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.png", withDestinationPath: "a.png")
        try FileManager.default.createSymbolicLink(atPath: folder + "/dangling.png", withDestinationPath: "nothing.png")
        #expect(mkfifo(folder + "/fifo.png", 0o600) == 0)
        let names = ["a.png", "b c.png", "link.png", "dangling.png", "fifo.png", "missing.png", "sub"]
        let disk = RealDisk()
        let expected = names.map { disk.stamp(folder + "/" + $0) }
        #expect(expected.map { $0 != nil } == [true, true, true, false, false, false, false])
        #expect(expected[0]?.size == 3 && expected[1]?.size == 5 && expected[2] == expected[0])
        func stamps(in directory: String) -> [FileStamp?] {
            let copies = names.map { strdup($0) }
            defer { for copy in copies { free(copy) } }
            return disk.stamps(inDirectory: directory, names: copies.compactMap { $0.map { UnsafePointer($0) } })
        }
        #expect(stamps(in: folder) == expected)
        #expect(stamps(in: folder + "/no-such-folder") == names.map { _ in nil })
    }

    /// `RealDisk.fileNames`: the regular files with UTF-8 names, hidden ones too (in byte order once sorted); anything else
    /// (a folder, links, a FIFO, a name that is not UTF-8) only sets `hasOthers`. The same as the listing says.
    @Test func fileNamesAreTheRegularFilesInByteOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "imgmake-names-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try FileManager.default.createDirectory(atPath: folder + "/plain", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/mixed/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plain = ["b.png", "a.png", ".hidden.png", "a.png.png", "A.png", "é.png", "a b.png", "a"]
        for name in plain { try Data(name.utf8).write(to: URL(fileURLWithPath: folder + "/plain/" + name)) }
        let disk = RealDisk()
        func names(_ directory: String) throws -> (names: [String], hasOthers: Bool) {
            var listing = try #require(disk.fileNames(directory))
            listing.sort()
            let names = (0..<listing.count).map { String(decoding: listing.bytes[listing.name($0)], as: UTF8.self) }
            return (names, listing.hasOthers)
        }
        let sorted = plain.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(try names(folder + "/plain") == (sorted, false))

        try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/mixed/z.png"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/mixed/c.png"))
        try FileManager.default.createSymbolicLink(atPath: folder + "/mixed/link.png", withDestinationPath: "z.png")
        #expect(mkfifo(folder + "/mixed/fifo.png", 0o600) == 0)
        // "café" in Latin-1: no String can name it.
        let latin1 = (Array((folder + "/mixed/caf").utf8) + [0xE9, 0]).map { CChar(bitPattern: $0) }
        let fd = latin1.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { open($0, O_CREAT | O_WRONLY, 0o644) } ?? -1 }
        #expect(fd >= 0)
        close(fd)
        #expect(try names(folder + "/mixed") == (["c.png", "z.png"], true))
        // The listing says the same of which names are plain files.
        let entries = try #require(disk.list(folder + "/mixed"))
        let files = entries.filter { !$0.isDirectory && !$0.isSymbolicLink && $0.special == nil && !$0.hasInvalidName }
        #expect(files.map(\.name).sorted() == ["c.png", "z.png"])
        #expect(disk.fileNames(folder + "/no-such-folder") == nil)
    }

    /// `FileNames.sort()` is byte order (`lexicographicallyPrecedes` on the UTF-8 bytes), whatever the names
    /// share: long common prefixes (the 8-byte keys tie), names shorter than 8 bytes, one name the start of
    /// another, bytes above 0x7F.
    @Test func fileNamesSortInByteOrder() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["img", "img0000", "img00001", "IMG", "a", "ab", "a.png", "a b", "é", "ü.jpg", "zz", "0", "9", "_", "-", "~"]
        for round in 0..<200 {
            var unique: Set<String> = []
            for _ in 0..<(round % 40 + 1) {
                let parts = (0..<Int.random(in: 1...4, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }
                unique.insert(parts.joined())
            }
            var names = FileNames()
            for name in unique { names.append(Array(name.utf8)) }
            names.sort()
            let sorted = (0..<names.count).map { String(decoding: names.bytes[names.name($0)], as: UTF8.self) }
            let expected = unique.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            #expect(sorted == expected)
        }
    }
}
