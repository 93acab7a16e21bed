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
}
