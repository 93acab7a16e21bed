import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Faults around signals and the output streams: a thread limit, stdout or stderr on a full disk, a closed
/// pipe, SIGHUP, SIGTERM to a whole process group (and its workers, as a cgroup stop does), a report on a full
/// disk, and the shell on SIGTERM. Each stop must be clean: no temporary left, the state saved, 128 + the
/// signal as exit status (the process exits; it is not killed by the signal).
@Suite struct SignalFaultTests {
    static let pools = ["thread", "process"]

    /// A project of `count` photos (copies of a few), thumbnails and a sheet.
    static func project(_ name: String, count: Int = 120) throws -> Sandbox {
        try InterruptTests.project(name, count: count)
    }

    // MARK: item 7: a thread limit

    /// Under a thread limit the thread that receives signals cannot start: a clear error and exit 71 at once,
    /// where it hung (libdispatch retrying its signal source's thread forever, with SIGINT already ignored).
    /// Run as a user of its own (RLIMIT_NPROC counts that user's threads; root ignores it), limited to one.
    @Test func aThreadLimitIsAnErrorNotAHang() throws {
        let box = try Self.project("threadlimit", count: 4)
        let uid = "64999"
        #expect(try runProgram("chown", ["-R", "\(uid):\(uid)", box.base], in: box.base).status == 0)
        let result = try runProgram(
            "setpriv",
            [
                "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups",
                "prlimit", "--nproc=1", Imgmake.binary, "-j2",
            ], in: box.root, timeout: 60)
        #expect(result.signal == nil && result.status == 71, "\(result)")
        #expect(
            result.stderr.contains("imgmake: error: cannot start a thread for signals: Resource temporarily unavailable"),
            "\(result)")
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
        #expect(box.files(under: "build").isEmpty, "nothing was built: \(result)")
    }

    // MARK: item 8: stdout, stderr on a full disk

    enum Full: String, CaseIterable, Sendable { case stdout, stderr, both }

    /// Progress, errors and the summary written to `/dev/full` are lost; the build is not (it trapped in
    /// `FileHandle.write`: exit 132, temporaries left). A bad photo makes an error to write on stderr.
    @Test(arguments: Full.allCases, pools)
    func aFullStdoutOrStderrDoesNotStopTheBuild(_ full: Full, _ pool: String) throws {
        let box = try Self.project("full\(full.rawValue)\(pool)", count: 12)
        try box.write("photos/broken.jpg", "not a jpeg")
        let process = try box.start(
            arguments: ["-k", "-j2", "--pool", pool],
            stdout: full == .stderr ? nil : "/dev/full", stderr: full == .stdout ? nil : "/dev/full")
        let result = try process.wait(timeout: 120)
        #expect(result.signal == nil && result.status == 1, "one job failed, nothing else: \(result)")
        #expect(Set(box.files(under: "build/thumbs")).count == 12, "\(result)")
        #expect(box.exists("build/sheet.jpg") == false, "the sheet's input failed: \(result)")
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
        let again = try box.imgmake("-k", "-j2")
        #expect(again.summary?.built == 0 && again.summary?.failed == 1, "the state was saved: \(again)")
    }

    // MARK: item 12: a closed pipe, SIGHUP

    /// `imgmake | head -1`: once the reader is gone, the first write that fails with EPIPE stops the build
    /// like SIGTERM (running jobs end, temporaries removed, state saved) and imgmake exits 141; it died of
    /// SIGPIPE, leaving a temporary. stdout goes to a FIFO that the test reads a line of, then closes.
    @Test(arguments: pools)
    func aClosedPipeOnStdoutStopsTheBuildCleanly(_ pool: String) throws {
        let box = try Self.project("pipe\(pool)")
        let fifo = box.base + "/logs/stdout.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)  // imgmake must not hold a reader itself
        #expect(reader >= 0)
        let process = try box.start(arguments: ["-j2", "--pool", pool], stdout: fifo)
        // Read up to the end of the first progress line, as `head -1` does, then close the pipe.
        var seen: [UInt8] = []
        try waitUntil("a line on the pipe", seen: { String(decoding: seen, as: UTF8.self) }) {
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = read(reader, &buffer, buffer.count)
            if n > 0 { seen += buffer[0..<n] }
            return seen.contains(UInt8(ascii: "\n"))
        }
        close(reader)
        #expect(String(decoding: seen, as: UTF8.self).hasPrefix("[1/"), "\(String(decoding: seen, as: UTF8.self))")
        let result = try process.wait(timeout: 120)
        #expect(result.signal == nil && result.status == 141, "\(result)")
        #expect(!result.stderr.contains("error"), "\(result)")
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
        let built = Set(box.files(under: "build"))
        #expect(!built.contains("build/sheet.jpg") && built.count < 121, "stopped in the middle: \(result)")
        // The state was saved: the next run builds only the rest.
        let rest = try box.imgmake("-j2")
        #expect(rest.status == 0 && rest.summary?.built == 121 - built.count, "\(rest)")
    }

    /// SIGHUP (the terminal or the ssh session closed) to the build's process group: a clean stop, exit 129
    /// (it was killed like `kill -9`). The process pool's workers are in process groups of their own, so the
    /// terminal's SIGHUP does not reach them: their jobs end and count as built.
    @Test(arguments: pools)
    func sighupToTheProcessGroupStopsTheBuildCleanly(_ pool: String) throws {
        let box = try Self.project("hup\(pool)")
        let process = try box.start(arguments: ["-j2", "--pool", pool], ownProcessGroup: true)
        try process.waitForProgress()
        kill(-process.pid, SIGHUP)
        let result = try process.wait(timeout: 120)
        #expect(result.signal == nil && result.status == 129, "\(result)")
        #expect(result.stdout.contains("interrupted (SIGHUP)"), "\(result)")
        #expect(!result.stderr.contains("error"), "\(result)")
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
        let rest = try box.imgmake("-j2")
        let built = result.summary?.built ?? -1
        #expect(rest.status == 0 && rest.summary?.built == 121 - built, "only the rest is built: \(result)\n\(rest)")
    }

    // MARK: item 13: SIGTERM to the process group and every process (a CI runner, a cgroup stop)

    /// SIGTERM to the group and to each worker at once (what stopping a cgroup does): jobs whose worker died of
    /// it are "interrupted", not failed, and nothing is skipped; exit 143. It reported them as failed ("worker
    /// process killed by signal 15") and skipped their dependents, and exited 130.
    @Test(arguments: pools)
    func sigtermToEveryProcessReportsInterruptedJobsAsInterrupted(_ pool: String) throws {
        let box = try Self.project("term\(pool)")
        let process = try box.start(
            arguments: ["-j2", "--pool", pool, "--report", "report.json", "--junit", "junit.xml"],
            ownProcessGroup: true)
        try process.waitForProgress()
        let workers = Processes.children(of: process.pid)
        if pool == "process" { #expect(workers.count == 2, "\(workers)") }
        kill(-process.pid, SIGTERM)
        for worker in workers { kill(worker, SIGTERM) }
        let result = try process.wait(timeout: 120)
        #expect(result.signal == nil && result.status == 143, "\(result)")
        #expect(
            !result.stderr.contains("failed") && !result.stderr.contains("killed by signal") && !result.stderr.contains("skipped"),
            "\(result)")
        #expect(result.stdout.contains("interrupted (SIGTERM)") && result.stdout.contains(" 0 failed"), "\(result)")
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")

        let report = try JSONSerialization.jsonObject(with: box.data("report.json")) as! [String: Any]
        let statuses = Set((report["outputs"] as! [[String: Any]]).map { $0["status"] as! String })
        #expect(statuses.isSubset(of: ["built", "interrupted"]), "\(statuses)")
        if pool == "process" { #expect(statuses.contains("interrupted"), "the workers' jobs were stopped: \(result)") }
        let summary = report["summary"] as! [String: Any]
        #expect(summary["interrupted"] as? Bool == true && summary["failed"] as? Int == 0 && summary["skipped"] as? Int == 0)
        let junit = try box.read("junit.xml")
        #expect(!junit.contains("<failure"), "\(junit)")
    }

    // MARK: item 16: a report on a full disk

    /// `--report` and `--junit` on a full file system: `imgmake: error: cannot write report FILE: No space
    /// left on device`, exit 74, and the report there before is intact (written through a temporary and a
    /// rename). It printed an NSCocoaErrorDomain dump and left a 0-byte file.
    @Test func aReportOnAFullDiskIsAClearErrorAndLeavesTheOldReport() throws {
        let box = try Self.project("fullreport", count: 4)
        let mount = box.path("reports")
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        #expect(try runProgram("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount], in: box.root).status == 0)
        defer { _ = try? runProgram("umount", [mount], in: box.root) }
        try box.write("reports/report.json", "old report\n")
        try box.write("reports/junit.xml", "old junit\n")
        // Fill what is left.
        _ = try runProgram("dd", ["if=/dev/zero", "of=\(mount)/filler", "bs=4k"], in: box.root)

        let result = try box.imgmake("-j2", "--report", "reports/report.json", "--junit", "reports/junit.xml")
        #expect(result.status == 74, "\(result)")
        #expect(result.stderr.contains("imgmake: error: cannot write report reports/report.json: No space left on device"), "\(result)")
        #expect(result.stderr.contains("imgmake: error: cannot write report reports/junit.xml: No space left on device"), "\(result)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("Error Domain"), "\(result)")
        #expect(try box.read("reports/report.json") == "old report\n")
        #expect(try box.read("reports/junit.xml") == "old junit\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: mount).sorted()
        #expect(left == ["filler", "junit.xml", "report.json"], "no temporary left: \(left)")
        #expect(result.summary?.built == 5, "the build itself went on: \(result)")
    }

    // MARK: item 12: the shell on SIGTERM

    /// `imgmake shell -c build` on SIGTERM: the build winds down, exit 143 (it was 130).
    @Test func theShellScriptEndsOnSIGTERMWith143() throws {
        let box = try Self.project("shellterm")
        let process = try box.start(arguments: ["shell", "-c", "build -j2"])
        try process.waitForProgress()
        process.send(SIGTERM)
        let result = try process.wait(timeout: 120)
        #expect(result.signal == nil && result.status == 143, "\(result)")
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
    }

    /// The interactive shell ended never on SIGTERM (it took it for Ctrl-C); now it ends with 143, at the
    /// prompt, and with its terminal settings restored (the pane's shell prints the status).
    @Test(.enabled(if: Tmux.available))
    func theInteractiveShellEndsOnSIGTERM() throws {
        let box = try Self.project("shelltermtty", count: 4)
        let tmux = try Tmux([Imgmake.binary, "shell"], in: box.root)
        let screen = try tmux.waitForPrompt()
        #expect(screen.contains("imgmake>"), "\(screen)")
        // The imgmake shell process: its cwd is the sandbox and its argv is [binary, "shell"].
        let pids = (try FileManager.default.contentsOfDirectory(atPath: "/proc")).compactMap { pid_t($0) }.filter { pid in
            let argv = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            let words = argv.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) ?? ""
            return words == [Imgmake.binary, "shell"] && cwd == box.root
        }
        #expect(pids.count == 1, "\(pids)")
        for pid in pids { kill(pid, SIGTERM) }
        let after = try tmux.wait { $0.contains("EXITED") }
        #expect(after.contains("EXITED 143"), "\(after)")
    }
}
