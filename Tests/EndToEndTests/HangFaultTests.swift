import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Faults that used to hang a build or crash it: a full disk under the JPEG 2000 saver, a limit on threads,
/// an address-space limit, the parent killed under its workers. Root only (tmpfs mounts, another user).
@Suite(.enabled(if: getuid() == 0, "needs root: tmpfs mounts, setpriv, prlimit"))
struct HangFaultTests {
    /// libvips' JPEG 2000 saver retries a failed `write()` forever: on a 1 MiB tmpfs the build used to spin
    /// until killed. Now the job fails after `--stall-timeout` s, naming the disk error, in both pools.
    @Test(arguments: ["thread", "process"])
    func aFullDiskEndsAJPEG2000Job(pool: String) throws {
        let box = try Sandbox("fulldisk-\(pool)")
        try box.image("photos/a.jpg", width: 1200, height: 1200, seed: 4)
        try box.write(
            "Imgmakefile",
            """
            j2: out/{name}.jp2 <- photos/*.jpg
                thumbnail width=1200
                save lossless=true

            """)
        try box.mountTmpfs("out", size: "1m")
        defer { box.unmount("out") }
        let result = try box.imgmake("-k", "-j2", "--pool", pool, "--stall-timeout", "2", timeout: 120)
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stderr.contains("imgmake: error: out/a.jp2 (rule j2, from photos/a.jpg): worker: no progress for 2 s (writing "),
            "\(result)")
        #expect(result.stderr.contains("/out/a.jp2: No space left on device)"), "\(result)")
        #expect(result.summary == Summary(failed: 1), "\(result)")
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
    }

    /// The thread pool's `.jp2` jobs run in a worker process: on a disk with room they build, byte for byte as
    /// the process pool builds them, and are recorded (the next run is a no-op).
    @Test
    func theThreadPoolsJPEG2000JobsBuild() throws {
        let box = try Sandbox(
            "jp2-thread", recipe: "j2: out/{name}.jp2 <- photos/*.jpg\n    thumbnail width=48\n",
            images: [("photos/a.jpg", 96, 64, 8), ("photos/b.jpg", 64, 96, 9)])
        let threads = try box.imgmake("-j2", "--pool", "thread")
        #expect(threads.status == 0 && threads.summary == Summary(built: 2), "\(threads)")
        let bytes = try [box.data("out/a.jp2"), box.data("out/b.jp2")]
        let again = try box.imgmake("-j2", "--pool", "thread")
        #expect(again.stdout.contains("everything is up to date"), "\(again)")
        let processes = try box.imgmake("-B", "-j2", "--pool", "process")
        #expect(processes.status == 0, "\(processes)")
        #expect(try [box.data("out/a.jp2"), box.data("out/b.jp2")] == bytes)
    }

    /// Under a limit on threads (RLIMIT_NPROC, for a user of its own) the pools' threads could not start and
    /// the build waited for them forever. Now each job fails with the cause. (The limits are such that
    /// imgmake's other threads start: libdispatch, which the interrupt handler uses, retries forever below.)
    @Test(arguments: [("thread", 6), ("thread", 8), ("process", 8)])
    func aThreadLimitFailsTheJobs(pool: String, threads: Int) throws {
        let box = try Sandbox("nproc-\(pool)-\(threads)")
        for n in 1...4 { try box.image("photos/p\(n).png", seed: n) }
        try box.write("Imgmakefile", "web: out/{name}.png <- photos/*.png\n    resize 0.5\n")
        try box.openToEveryone()
        let user = String(61_000 + threads + (pool == "thread" ? 0 : 100))  // no other process counts against it
        let result = try box.imgmake(
            wrappedIn: [
                "setpriv", "--reuid=\(user)", "--regid=\(user)", "--clear-groups",
                "prlimit", "--nproc=\(threads)",
            ],
            arguments: ["-j4", "--pool", pool], timeout: 60)
        #expect(result.status == 1, "\(result)")
        // Which start fails depends on the limit: a pool's thread, a worker process, a worker's thread, libvips'.
        #expect(
            result.stderr.contains("cannot start a thread") || result.stderr.contains("Resource temporarily unavailable"),
            "\(result)")
        #expect(result.summary?.failed == 4, "\(result)")
        #expect(!result.stderr.contains("[test harness: killed"), "\(result)")
        // No worker is left behind, waiting for a request its reader thread will never read.
        let uid = uid_t(user)!
        _ = eventually { Processes.owned(by: uid).isEmpty }
        let left = Processes.owned(by: uid)
        for pid in left { kill(pid, SIGKILL) }
        #expect(left.isEmpty, "processes left: \(left)")
    }

    /// Under an address-space limit the thread pool died (SIGABRT or SIGSEGV: GLib on a failed allocation) on a
    /// 6000×4000 photo. The default pool is now the process pool there, each worker under the limit on its
    /// own: at 400 MiB the small photo builds (the big one builds or fails alone, as out of memory); at 250 MiB
    /// the big one, and mostly the small one too, fail as out of memory, and the build still ends with its summary.
    @Test
    func anAddressSpaceLimitFailsOnlyTheJobsThatNeedMore() throws {
        let box = try Sandbox(
            "rlimit-as", recipe: "web: out/{name}.png <- photos/*.jpg\n    resize 0.9\n    gaussblur sigma=2\n",
            images: [("photos/big.jpg", 6000, 4000, 6), ("photos/small.jpg", 64, 64, 7)])
        let roomy = try box.imgmake(wrappedIn: ["prlimit", "--as=\(400 << 20)"], arguments: ["-k", "-j2"], timeout: 120)
        // The small photo builds; the big one builds too, or fails alone as out of memory (as much as it needs
        // depends on libvips' threads and the machine).
        #expect(roomy.status == 0 || roomy.status == 1, "\(roomy)")
        #expect(box.exists("out/small.png"), "\(roomy)")
        #expect(
            roomy.summary?.built == 2
                || (roomy.summary == Summary(built: 1, failed: 1)
                    && roomy.stderr.contains("imgmake: error: out/big.png (rule web, from photos/big.jpg): ")),
            "\(roomy)")
        let tight = try box.imgmake(wrappedIn: ["prlimit", "--as=\(250 << 20)"], arguments: ["-k", "-j2", "-B"], timeout: 120)
        #expect(tight.status == 1, "\(tight)")
        // Each job fails alone, of the limit: its worker died of it ("out of memory (...): worker process killed
        // by signal 11"), or a thread could not start under it (a stack is address space too): the worker's own
        // ("cannot start a thread: ... (the address space is limited to 250 MiB)") or one of libvips' ("glib:
        // Error creating thread"), or libvips' own allocation failed and the job failed with its message
        // ("vips_tracked: out of memory"). Which one depends on where the memory runs out; never the whole build.
        // The small photo's job may also just fit (how much a worker maps depends on how many threads libvips
        // starts): it then builds, and only the big one fails.
        let smallBuilt = tight.summary == Summary(built: 1, failed: 1) && box.exists("out/small.png")
        for output in smallBuilt ? ["big"] : ["big", "small"] {
            let line = tight.stderr.split(separator: "\n").first {
                $0.hasPrefix("imgmake: error: out/\(output).png (rule web, from photos/\(output).jpg): ")
            }
            #expect(
                line.map {
                    $0.contains("out of memory (the address space is limited to 250 MiB): worker process killed by signal")
                        || $0.hasSuffix("cannot start a thread: Resource temporarily unavailable (the address space is limited to 250 MiB)")
                        || $0.hasSuffix("glib: Error creating thread: Resource temporarily unavailable")
                        || $0.contains(": vips_tracked: out of memory")
                } == true,
                "\(tight)")
        }
        #expect(tight.summary == Summary(failed: 2) || smallBuilt, "\(tight)")
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
    }

    /// `kill -9` of imgmake during a process-pool build: its workers end too (their stdin closes, and the
    /// kernel sends them the parent-death signal), within a deadline.
    @Test
    func workersDieWithTheirParent() throws {
        let box = try Sandbox("orphans")
        for n in 1...2 { try box.image("photos/p\(n).png", seed: n) }
        try box.write("Imgmakefile", "web: out/{name}.png <- photos/*.png\n    resize 0.5\n")
        let build = try box.start(arguments: ["-j2", "--pool", "process"], environment: ["IMGMAKE_WORKER_SLEEP_ON": "p"])
        _ = try build.sleepingWorkers(2)
        let workers = Processes.children(of: build.pid)
        try #require(workers.count == 2, "\(build.stderrSoFar)")
        build.send(SIGKILL)
        _ = try build.wait(timeout: 10)
        _ = eventually { !workers.contains(where: Processes.isAlive) }
        #expect(!workers.contains(where: Processes.isAlive), "workers left: \(workers)")
    }
}

extension Sandbox {
    /// Mounts a tmpfs of `size` (`1m`) at `relative`; undo with `unmount`, in a `defer`.
    func mountTmpfs(_ relative: String, size: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
        let result = try runProgram("mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path(relative)], in: root)
        try #require(result.status == 0, "\(result)")
    }

    func unmount(_ relative: String) {
        _ = try? runProgram("umount", ["-l", path(relative)], in: root)
    }

    /// Makes the sandbox readable and writable by any user (for runs as another user).
    func openToEveryone() throws {
        _ = chmod(base, 0o777)
        for file in [""] + files(under: "") {
            _ = chmod(path(file), 0o777)
        }
        for directory in (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? [] {
            _ = chmod(path(directory), 0o777)
        }
        _ = chmod(root, 0o777)
    }
}
