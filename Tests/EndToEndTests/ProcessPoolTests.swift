import Foundation
import Testing

/// `--pool process` end to end (issue 3): the built `imgmake` runs recipes on small images made with the `vips`
/// command; the worker's test hooks (`IMGMAKE_WORKER_CRASH_ON`, `IMGMAKE_WORKER_SLEEP_ON`) crash or stall it.
@Suite(.serialized)
struct ProcessPoolTests {
    private typealias Support = ProcessPoolTestSupport

    @Test(arguments: [1, 2, 8])
    func sameBytesAsTheThreadPool(jobs: Int) throws {
        let folder = try Support.folder()
        try folder.noiseImages(12)
        try folder.write(
            "Imgmakefile",
            """
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
        let folder = try Support.thumbnails(ofNoiseImages: 8)
        let crashed = try folder.run(
            ["-k", "-j2", "--pool", "process"],
            environment: ["IMGMAKE_WORKER_CRASH_ON": "p05"])
        #expect(crashed.status == 1)
        #expect(crashed.stderr.contains("photos/p05.png"), "\(crashed.stderr)")
        #expect(crashed.stderr.contains("worker process killed by signal 6 (SIGABRT)"), "\(crashed.stderr)")
        let others = (1...8).filter { $0 != 5 }.map { Support.name($0, "webp") }
        #expect(try folder.contents(of: "build").keys.sorted() == others)
        #expect(folder.temporaries().isEmpty)
        let rerun = try folder.run(["-j2", "--pool", "process"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("1 built, 0 failed, 7 up to date"), "\(rerun.stdout)")
    }

    /// A worker that writes something that is not a message fails that job, named with the worker and what
    /// it sent (not a raw DecodingError), is replaced, and the build goes on to the end.
    @Test
    func workerSendingGarbageFailsOnlyItsJob() throws {
        let folder = try Support.thumbnails(ofNoiseImages: 8)
        let noisy = try folder.run(
            ["-k", "-j2", "--pool", "process"],
            environment: ["IMGMAKE_WORKER_GARBAGE_ON": "p05"])
        #expect(noisy.status == 1, "\(noisy.stderr)")
        let pattern =
            #"build/p05\.webp \(rule thumbs, from photos/p05\.png\): worker: worker [12] \(pid \d+\) sent a line that is not a message: 'garbage from a test hook' \(expected a JSON job result\)"#
        #expect(noisy.stderr.range(of: pattern, options: .regularExpression) != nil, "\(noisy.stderr)")
        #expect(!noisy.stderr.contains("DecodingError") && !noisy.stderr.contains("dataCorrupted"), "\(noisy.stderr)")
        #expect(noisy.stdout.contains("7 built, 1 failed"), "\(noisy.stdout)")
        #expect(folder.temporaries().isEmpty)
    }

    @Test
    func killedWorkerFailsOnlyItsJob() throws {
        let folder = try Support.folder()
        try folder.copies(300)
        try folder.thumbnailRecipe()
        let build = try folder.start(
            ["-k", "-j2", "--pool", "process"],
            environment: ["IMGMAKE_WORKER_SLEEP_ON": "p100"])
        let worker = try #require(try build.sleepingWorkers(1).first)
        #expect(Processes.children(of: build.pid).contains(worker))
        kill(worker, SIGKILL)
        let killed = try build.wait()
        #expect(killed.status == 1, "\(killed.stderr)")
        let report = "build/p100.webp (rule thumbs, from photos/p100.png): worker: worker process killed by signal 9 (SIGKILL)"
        #expect(killed.stderr.contains(report), "\(killed.stderr)")
        #expect(killed.stdout.contains("299 built, 1 failed"), "\(killed.stdout)")
        #expect(folder.temporaries().isEmpty)
        let rerun = try folder.run(["-j2", "--pool", "process"])
        #expect(rerun.stdout.contains("1 built, 0 failed, 299 up to date"), "\(rerun.stdout)")
    }

    @Test
    func recycledWorkersBuildEverything() throws {
        let folder = try Support.thumbnails(ofNoiseImages: 9)
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
        let folder = try Support.thumbnails(ofNoiseImages: 4)
        let start = Date()
        // 5 s: far above what the other jobs take on a loaded machine (a debug build's first job in a worker can
        // take over 1 s there), far below the sleeping job's sleep.
        let late = try folder.run(
            ["-k", "-j2", "--pool", "process", "--job-timeout", "5"],
            environment: ["IMGMAKE_WORKER_SLEEP_ON": "p03"])
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(late.status == 1)
        let report = "build/p03.webp (rule thumbs, from photos/p03.png): worker: timed out after 5 s"
        #expect(late.stderr.contains(report), "\(late.stderr)")
        #expect(late.stdout.contains("3 built, 1 failed"), "\(late.stdout)")
        #expect(folder.temporaries().isEmpty)
    }

    @Test
    func secondInterruptStopsTheWorkers() throws {
        let folder = try Support.thumbnails(ofNoiseImages: 2)
        let build = try folder.start(["-j2", "--pool", "process"], environment: ["IMGMAKE_WORKER_SLEEP_ON": "p01"])
        let worker = try #require(try build.sleepingWorkers(1).first)
        build.send(SIGINT)
        // The parent has seen the Ctrl-C when it says it waits for the running jobs.
        try build.waitForOutput("the first Ctrl-C seen") { $0.contains("interrupted: waiting for") }
        #expect(Processes.isAlive(worker), "a Ctrl-C reaches the parent only; the job in flight goes on")
        build.send(SIGINT)
        let stopped = try build.wait()
        #expect(stopped.status == 130)
        _ = eventually(timeout: 5) { !Processes.isAlive(worker) }
        #expect(!Processes.isAlive(worker), "the worker exits when the parent is gone")
        #expect(folder.temporaries().isEmpty)
    }
}

/// The pool tests' photos and recipe, in a `Sandbox`.
private enum ProcessPoolTestSupport {
    /// `p07.png`
    static func name(_ n: Int, _ ext: String) -> String { String(format: "p%02d.", n) + ext }

    static func folder() throws -> Sandbox { try Sandbox("pool") }

    /// A sandbox with `count` noise photos and the thumbnail recipe.
    static func thumbnails(ofNoiseImages count: Int) throws -> Sandbox {
        let folder = try folder()
        try folder.noiseImages(count)
        try folder.thumbnailRecipe()
        return folder
    }
}

extension Sandbox {
    /// `photos/p01.png`...: noise of varied sizes, each different.
    fileprivate func noiseImages(_ count: Int) throws {
        for n in 1...count {
            try image("photos/" + ProcessPoolTestSupport.name(n, "png"), width: 40 + 7 * n, height: 64 - 2 * n, seed: n)
        }
    }

    /// `photos/p001.png`...: `count` copies of one small image.
    fileprivate func copies(_ count: Int) throws {
        for n in 1...count { try image(String(format: "photos/p%03d.png", n), width: 24, height: 24, seed: 1) }
    }

    /// `thumbs: build/{name}.webp <- photos/*.png`, a thumbnail, sharpened, saved at Q 80.
    fileprivate func thumbnailRecipe() throws {
        try write(
            "Imgmakefile",
            """
            thumbs: build/{name}.webp <- photos/*.png
                thumbnail 32
                sharpen sigma=0.5
                save Q=80
            """)
    }

    /// Runs imgmake here and waits for it.
    fileprivate func run(_ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
        try imgmake(arguments: arguments, environment: environment)
    }

    /// Starts imgmake here without waiting.
    fileprivate func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Spawned {
        try start(arguments: arguments, environment: environment)
    }

    /// The files below `directory` (paths relative to it) and their bytes; hidden files included.
    fileprivate func contents(of directory: String) throws -> [String: Data] {
        Dictionary(uniqueKeysWithValues: try contents(under: directory).map { (String($0.key.dropFirst(directory.count + 1)), $0.value) })
    }
}
