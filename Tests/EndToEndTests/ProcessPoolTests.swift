import Foundation
import Testing

/// `--pool process` end to end (issue 3): the built `imgmake` runs recipes on small images made with the `vips`
/// command; the worker's test hooks (`IMGMAKE_WORKER_CRASH_ON`, `IMGMAKE_WORKER_SLEEP_ON`) crash or stall it.
@Suite(.serialized)
struct ProcessPoolTests {
    private typealias Support = ProcessPoolTestSupport

    @Test(arguments: [1, 2, 8])
    func sameBytesAsTheThreadPool(jobs: Int) throws {
        let folder = try Support.Folder()
        try folder.noiseImages(12)
        try folder.write("Imgmakefile", """
            all: thumbs sheet
            thumbs: build/thumbs/{name}.webp <- photos/*.png
                thumbnail 48
                sharpen sigma=0.5
                save Q=80
            sheet: build/sheet.png <- build/thumbs/*.webp
                arrayjoin across=4 shim=2
            """)
        let thread = try folder.run(["-B", "-j\(jobs)", "--pool", "thread"])
        #expect(thread.status == 0, "\(thread.stderr)")
        let byThreads = try folder.contents(of: "build")
        #expect(byThreads.count == 13)
        let process = try folder.run(["-B", "-j\(jobs)", "--pool", "process"])
        #expect(process.status == 0, "\(process.stderr)")
        #expect(process.stdout.contains("13 built, 0 failed"))
        #expect(try folder.contents(of: "build") == byThreads)
    }

    @Test
    func crashedWorkerFailsOnlyItsJob() throws {
        let folder = try Support.Folder()
        try folder.noiseImages(8)
        try folder.thumbnailRecipe()
        let crashed = try folder.run(["-k", "-j2", "--pool", "process"],
                                     environment: ["IMGMAKE_WORKER_CRASH_ON": "p05"])
        #expect(crashed.status == 1)
        #expect(crashed.stderr.contains("photos/p05.png"), "\(crashed.stderr)")
        #expect(crashed.stderr.contains("worker process killed by signal 6 (SIGABRT)"), "\(crashed.stderr)")
        let others = (1...8).filter { $0 != 5 }.map { Support.name($0, "webp") }
        #expect(try folder.contents(of: "build").keys.sorted() == others)
        #expect(try folder.temporaries(in: "build").isEmpty)
        let rerun = try folder.run(["-j2", "--pool", "process"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("1 built, 0 failed, 7 up to date"), "\(rerun.stdout)")
    }

    /// A worker that writes something that is not a message fails that job, named with the worker and what
    /// it sent (not a raw DecodingError), is replaced, and the build goes on to the end.
    @Test
    func workerSendingGarbageFailsOnlyItsJob() throws {
        let folder = try Support.Folder()
        try folder.noiseImages(8)
        try folder.thumbnailRecipe()
        let noisy = try folder.run(["-k", "-j2", "--pool", "process"],
                                   environment: ["IMGMAKE_WORKER_GARBAGE_ON": "p05"])
        #expect(noisy.status == 1, "\(noisy.stderr)")
        let pattern = #"build/p05\.webp \(rule thumbs, from photos/p05\.png\): worker: worker [12] \(pid \d+\) sent a line that is not a message: 'garbage from a test hook' \(expected a JSON job result\)"#
        #expect(noisy.stderr.range(of: pattern, options: .regularExpression) != nil, "\(noisy.stderr)")
        #expect(!noisy.stderr.contains("DecodingError") && !noisy.stderr.contains("dataCorrupted"), "\(noisy.stderr)")
        #expect(noisy.stdout.contains("7 built, 1 failed"), "\(noisy.stdout)")
        #expect(try folder.temporaries(in: "build").isEmpty)
    }

    @Test
    func killedWorkerFailsOnlyItsJob() throws {
        let folder = try Support.Folder()
        try folder.copies(300)
        try folder.thumbnailRecipe()
        let build = try folder.start(["-k", "-j2", "--pool", "process"],
                                     environment: ["IMGMAKE_WORKER_SLEEP_ON": "p100"])
        let worker = try build.sleepingWorker()
        #expect(Support.children(of: build.process.processIdentifier).contains(worker))
        kill(worker, SIGKILL)
        let killed = try build.finish()
        #expect(killed.status == 1, "\(killed.stderr)")
        let report = "build/p100.webp (rule thumbs, from photos/p100.png): worker: worker process killed by signal 9 (SIGKILL)"
        #expect(killed.stderr.contains(report), "\(killed.stderr)")
        #expect(killed.stdout.contains("299 built, 1 failed"), "\(killed.stdout)")
        #expect(try folder.temporaries(in: "build").isEmpty)
        let rerun = try folder.run(["-j2", "--pool", "process"])
        #expect(rerun.stdout.contains("1 built, 0 failed, 299 up to date"), "\(rerun.stdout)")
    }

    @Test
    func recycledWorkersBuildEverything() throws {
        let folder = try Support.Folder()
        try folder.noiseImages(9)
        try folder.thumbnailRecipe()
        let recycled = try folder.run(["-j2", "--pool", "process", "--max-jobs-per-worker", "2"])
        #expect(recycled.status == 0, "\(recycled.stderr)")
        #expect(recycled.stdout.contains("9 built, 0 failed"), "\(recycled.stdout)")
        let byProcesses = try folder.contents(of: "build")
        #expect(byProcesses.count == 9)
        _ = try folder.run(["-B", "-j2", "--pool", "thread"])
        #expect(try folder.contents(of: "build") == byProcesses)
    }

    @Test
    func jobTimeoutKillsTheJob() throws {
        let folder = try Support.Folder()
        try folder.noiseImages(4)
        try folder.thumbnailRecipe()
        let start = Date()
        let late = try folder.run(["-k", "-j2", "--pool", "process", "--job-timeout", "1"],
                                  environment: ["IMGMAKE_WORKER_SLEEP_ON": "p03"])
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(late.status == 1)
        let report = "build/p03.webp (rule thumbs, from photos/p03.png): worker: timed out after 1 s"
        #expect(late.stderr.contains(report), "\(late.stderr)")
        #expect(late.stdout.contains("3 built, 1 failed"), "\(late.stdout)")
        #expect(try folder.temporaries(in: "build").isEmpty)
    }

    @Test
    func secondInterruptStopsTheWorkers() throws {
        let folder = try Support.Folder()
        try folder.noiseImages(2)
        try folder.thumbnailRecipe()
        let build = try folder.start(["-j2", "--pool", "process"], environment: ["IMGMAKE_WORKER_SLEEP_ON": "p01"])
        let worker = try build.sleepingWorker()
        kill(build.process.processIdentifier, SIGINT)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(Support.isRunning(worker), "a Ctrl-C reaches the parent only; the job in flight goes on")
        kill(build.process.processIdentifier, SIGINT)
        let stopped = try build.finish()
        #expect(stopped.status == 130)
        let deadline = Date().addingTimeInterval(5)
        while Support.isRunning(worker) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!Support.isRunning(worker), "the worker exits when the parent is gone")
        #expect(try folder.temporaries(in: "build").isEmpty)
    }
}

/// Runs the built `imgmake` in throw-away folders (private to these tests; the shared E2E harness is separate).
private enum ProcessPoolTestSupport {
    /// `IMGMAKE_BIN`, else the `imgmake` beside the test bundle (or in a folder above it).
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["IMGMAKE_BIN"], !path.isEmpty { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("imgmake").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        return "imgmake"
    }()

    /// `p07.png`
    static func name(_ n: Int, _ ext: String) -> String { String(format: "p%02d.", n) + ext }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A build started in the background, its output going to files.
    struct Running {
        let process: Process
        let stdout: String
        let stderr: String

        /// Waits (at most 60 s) for a worker to announce that it sleeps on a job (`IMGMAKE_WORKER_SLEEP_ON`);
        /// its pid.
        func sleepingWorker() throws -> pid_t {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                let text = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
                if let line = text.split(separator: "\n").first(where: { $0.contains("sleeping") }),
                   let pid = line.split(separator: " ").dropFirst(2).first.flatMap({ pid_t($0.dropLast()) }) {
                    return pid
                }
                guard process.isRunning else { break }
                Thread.sleep(forTimeInterval: 0.02)
            }
            throw SupportError(message: "no worker slept: \((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")")
        }

        func finish() throws -> Result {
            process.waitUntilExit()
            return Result(status: process.terminationStatus, stdout: try String(contentsOfFile: stdout, encoding: .utf8),
                          stderr: try String(contentsOfFile: stderr, encoding: .utf8))
        }
    }

    struct SupportError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// A fresh folder under the temporary directory, removed when the test ends.
    final class Folder {
        let path: String
        private var runs = 0

        init() throws {
            path = NSTemporaryDirectory() + "imgmake-pool-tests-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path + "/photos", withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
        }

        /// `photos/p01.png`...: noise of varied sizes, each different.
        func noiseImages(_ count: Int) throws {
            for n in 1...count {
                let file = "photos/" + ProcessPoolTestSupport.name(n, "png")
                try vips(["gaussnoise", file, String(40 + 7 * n), String(64 - 2 * n), "--seed", String(n)])
            }
        }

        /// `photos/p001.png`...: `count` copies of one small image.
        func copies(_ count: Int) throws {
            try vips(["gaussnoise", "seed.png", "24", "24"])
            for n in 1...count {
                let copy = path + String(format: "/photos/p%03d.png", n)
                try FileManager.default.copyItem(atPath: path + "/seed.png", toPath: copy)
            }
        }

        /// `thumbs: build/{name}.webp <- photos/*.png`, a thumbnail, sharpened, saved at Q 80.
        func thumbnailRecipe() throws {
            try write("Imgmakefile", """
                thumbs: build/{name}.webp <- photos/*.png
                    thumbnail 32
                    sharpen sigma=0.5
                    save Q=80
                """)
        }

        private func vips(_ arguments: [String]) throws {
            let result = try launch("/usr/bin/env", ["vips"] + arguments).finish()
            guard result.status == 0 else { throw SupportError(message: "vips \(arguments): \(result.stderr)") }
        }

        /// Runs imgmake here and waits for it.
        func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
            try launch(ProcessPoolTestSupport.binary, arguments, environment: environment).finish()
        }

        /// Starts imgmake here without waiting.
        func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
            try launch(ProcessPoolTestSupport.binary, arguments, environment: environment)
        }

        private func launch(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Running {
            runs += 1
            let stdout = path + "/.stdout-\(runs)", stderr = path + "/.stderr-\(runs)"
            try #require(FileManager.default.createFile(atPath: stdout, contents: nil), "cannot create \(stdout)")
            try #require(FileManager.default.createFile(atPath: stderr, contents: nil), "cannot create \(stderr)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: path)
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = FileHandle(forWritingAtPath: stdout)
            process.standardError = FileHandle(forWritingAtPath: stderr)
            try process.run()
            return Running(process: process, stdout: stdout, stderr: stderr)
        }

        /// The files below `directory` (relative paths) and their bytes; hidden files included.
        func contents(of directory: String) throws -> [String: Data] {
            let base = path + "/" + directory
            var files: [String: Data] = [:]
            for relative in FileManager.default.subpaths(atPath: base) ?? [] {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                    files[relative] = try Data(contentsOf: URL(fileURLWithPath: base + "/" + relative))
                }
            }
            return files
        }

        /// Leftover temporary files (`.NAME.imgmake-PID-N.tmp`) below `directory`.
        func temporaries(in directory: String) throws -> [String] {
            try contents(of: directory).keys.filter { $0.hasSuffix(".tmp") }
        }
    }

    /// The children of a process, from `/proc/PID/task/*/children`.
    static func children(of pid: pid_t) -> [pid_t] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task -> [pid_t] in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return text.split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    /// Whether `pid` is a live process (not gone, not a zombie).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = status.lastIndex(of: ")") else { return false }
        return !status[status.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
