import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The build state under a hostile machine: a damaged output, a full `.imgmake/` (a small tmpfs), a read-only
/// log (as a non-root user: root ignores permission bits), a log that is a folder, damaged records, an input
/// whose mtime is in the future. Both pools.
@Suite(.serialized) struct StateFaultEndToEndTests {
    static let pools = ["thread", "process"]

    @Test(arguments: pools) func aTruncatedOutputIsRebuiltAndExplained(pool: String) throws {
        let box = try PhotoProject.make("damaged-\(pool)")
        let whole = try box.data("build/thumbs/a.webp")
        try box.writeData("build/thumbs/a.webp", whole.prefix(whole.count / 2))
        let explained = try box.imgmake("explain", "build/thumbs/a.webp", "build/thumbs/b.webp")
        #expect(
            explained.stdout == """
                build/thumbs/a.webp: stale: it changed since imgmake built it (size/mtime differ from the record)
                build/thumbs/b.webp: up to date

                """, "\(explained)")
        try box.expectBuild(["-j2", "--pool", pool], rebuilds: ["build/thumbs/a.webp", "build/sheet.jpg"])
        #expect(try box.data("build/thumbs/a.webp") == whole)
        try box.expectUpToDate(["-j2", "--pool", pool])
    }

    @Test(arguments: pools) func aFullStateFolderFailsTheRunWithOneClearError(pool: String) throws {
        let box = try PhotoProject.make("full-\(pool)", built: false)
        try FileManager.default.createDirectory(atPath: box.path(".imgmake"), withIntermediateDirectories: true)
        try #require(try runProgram("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", box.path(".imgmake")], in: box.root).status == 0)
        defer { _ = try? runProgram("umount", [box.path(".imgmake")], in: box.root) }
        // Fill it: dd stops at "No space left on device".
        _ = try runProgram("dd", ["if=/dev/zero", "of=" + box.path(".imgmake/filler"), "bs=4k"], in: box.root)

        let full = try box.imgmake("-j2", "--pool", pool)
        #expect(full.status == 74, "\(full)")
        #expect(Set(box.files(under: "build")) == PhotoProject.allOutputs, "\(full)")  // the outputs are fine
        let errors = full.stderr.split(separator: "\n").filter { $0.contains("build state") || $0.contains("build log") }
        #expect(errors.count == 1, "\(full)")
        #expect(
            errors.first?.hasPrefix(
                "imgmake: error: cannot save the build state: \(box.path(".imgmake/log")): No space left on device: "
                    + "10 outputs are not recorded (build/") == true, "\(full)")
        #expect(errors.first?.hasSuffix(" and 7 more); the files are fine, but the next run builds them again") == true, "\(full)")
        #expect(full.stdout.contains("10 built, 0 failed, 0 up to date in "), "\(full)")
        #expect(full.stdout.contains("; 10 not recorded: the build state could not be saved"), "\(full)")

        try box.remove(".imgmake/filler")
        let again = try box.expectBuild(["-j2", "--pool", pool], rebuilds: PhotoProject.allOutputs)
        #expect(!again.stderr.contains("build state"), "\(again)")
        try box.expectUpToDate(["-j2", "--pool", pool])
    }

    @Test func aReadOnlyLogFailsTheRunAsANonRootUser() throws {
        let box = try PhotoProject.make("readonly", built: false)
        try #require(try runProgram("chown", ["-R", "nobody:nogroup", box.base], in: box.root).status == 0)
        let first = try box.imgmakeAsNobody(["-j2"])
        try #require(first.status == 0, "\(first)")
        try #require(chmod(box.path(".imgmake/log"), 0o444) == 0)
        for (i, pool) in Self.pools.enumerated() {
            try box.image("photos/a.jpg", seed: 20 + i)  // new pixels: a's outputs and the sheet
            try #require(try runProgram("chown", ["nobody:nogroup", box.path("photos/a.jpg")], in: box.root).status == 0)
            let run = try box.imgmakeAsNobody(["-j2", "--pool", pool])
            #expect(run.status == 74, "\(run)")
            #expect(Set(run.builtOutputs) == PhotoProject.outputs(of: "a").union(["build/sheet.jpg"]), "\(run)")
            #expect(
                run.stderr.contains(
                    "imgmake: error: cannot save the build state: \(box.path(".imgmake/log")): Permission denied: "
                        + "4 outputs are not recorded"), "\(run)")
            #expect(run.stderr.components(separatedBy: "build state").count == 2, "\(run)")
        }
    }

    @Test func aLogThatIsAFolderFailsEveryRun() throws {
        let box = try PhotoProject.make("logfolder", built: false)
        try FileManager.default.createDirectory(atPath: box.path(".imgmake/log"), withIntermediateDirectories: true)
        for pool in Self.pools {
            let run = try box.imgmake("-j2", "--pool", pool)
            #expect(run.status == 74, "\(run)")
            #expect(run.summary?.built == 10, "\(run)")
            #expect(
                run.stderr.contains(
                    "imgmake: error: cannot save the build state: \(box.path(".imgmake/log")): Is a directory: "
                        + "10 outputs are not recorded"), "\(run)")
        }
    }

    @Test func damagedRecordsAreWarnedAboutOnce() throws {
        let box = try PhotoProject.make("damagedrecords")
        let log = try box.data(".imgmake/log")
        try box.writeData(".imgmake/log", log + Data("R\t1\tbuild/x.webp\tgarbage\n".utf8))
        let first = try box.expectBuild(rebuilds: [])
        #expect(first.stderr.contains("skipped 1 damaged record"), "\(first)")
        let second = try box.expectBuild(rebuilds: [])
        #expect(second.stderr == "", "\(second)")
    }

    @Test(arguments: pools) func anInputFromTheFutureIsBuiltOnceWithAWarning(pool: String) throws {
        let box = try PhotoProject.make("future-\(pool)")
        box.setModificationTime("photos/b.png", seconds: Int(Date().timeIntervalSince1970) + 7200)
        let warning = "imgmake: warning: clock skew detected: photos/b.png has a modification time "
        // Its outputs come out as they were (same pixels): the sheet is not rebuilt (early cutoff).
        let first = try box.expectBuild(["-j2", "--pool", pool], rebuilds: PhotoProject.outputs(of: "b"))
        #expect(first.stderr.components(separatedBy: warning).count == 2, "\(first)")
        let second = try box.expectBuild(["-j2", "--pool", pool], rebuilds: [])
        #expect(second.stderr.contains(warning), "\(second)")
    }
}

extension Sandbox {
    /// Runs imgmake as `nobody` (setpriv: no capabilities, so permission bits count), in `root`.
    func imgmakeAsNobody(_ arguments: [String], timeout: Double = 300) throws -> RunResult {
        try imgmake(
            wrappedIn: ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"],
            arguments: arguments, timeout: timeout)
    }
}
