import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 17, point 14: imgmake as a GNU make jobserver client (`MAKEFLAGS`'s `--jobserver-auth=fifo:PATH` and the
/// pipe form), so that `make -j2` over several imgmake lines runs 2 jobs in all; `-l LOAD` as make's.
/// Concurrency is counted, not timed: each job notes how many jobs run when it starts.
@Suite struct JobserverTests {
    /// A tree whose jobs (a `run` step) each record how many jobs of `running` (a folder shared by several trees)
    /// run when it starts, in `counts`.
    func tree(_ box: Sandbox, _ folder: String, photos: Int, running: String, counts: String) throws {
        for n in 1...photos { try box.image("\(folder)/photos/p\(n).png", width: 16, height: 16, seed: n) }
        try box.write(
            "\(folder)/tools/job.sh",
            """
            mkdir -p '\(running)'
            touch '\(running)'/$$
            ls '\(running)' | wc -l >> '\(counts)'
            sleep 0.3
            rm '\(running)'/$$
            cp "$1" "$2"

            """)
        try box.write("\(folder)/Imgmakefile", "copy: out/{name}.png <- photos/*.png\n    run sh tools/job.sh {in} {out}\n")
    }

    func maxCount(_ path: String) throws -> Int {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .max() ?? 0
    }

    @Test func theFifoJobserverLimitsTheJobsAndGetsEveryTokenBack() throws {
        let box = try Sandbox("jobserver-fifo")
        let counts = box.base + "/counts"
        try tree(box, "t", photos: 6, running: box.base + "/running", counts: counts)
        let fifo = box.base + "/jobserver"
        try #require(mkfifo(fifo, 0o600) == 0)
        let descriptor = open(fifo, O_RDWR | O_NONBLOCK)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        #expect(write(descriptor, "++", 2) == 2, "two tokens: with imgmake's own, three jobs at once")
        let run = try box.imgmake(
            arguments: ["-C", "t", "-v"], environment: ["MAKEFLAGS": " -j3 --jobserver-auth=fifo:\(fifo)"])
        #expect(run.status == 0 && run.summary == Summary(built: 6), "\(run)")
        #expect(run.stdout.contains("make's jobserver: up to 3 jobs, one per token"), "\(run)")
        let most = try maxCount(counts)
        #expect(most <= 3, "at most 3 jobs at once: \(most)")
        var tokens = [UInt8](repeating: 0, count: 8)
        #expect(read(descriptor, &tokens, 8) == 2 && tokens.prefix(2) == [43, 43], "both tokens are back, as they were")

        // No token free: one job at a time (imgmake's own token), whatever the cores.
        try "".write(toFile: counts, atomically: true, encoding: .utf8)
        try box.remove("t/out")
        let serial = try box.imgmake(arguments: ["-C", "t"], environment: ["MAKEFLAGS": " -j3 --jobserver-auth=fifo:\(fifo)"])
        #expect(serial.status == 0 && serial.summary == Summary(built: 6), "\(serial)")
        #expect(try maxCount(counts) == 1)
        // An explicit -j is the user's: the jobserver is not used (as a sub-make given -j does not).
        try box.remove("t/out")
        let explicit = try box.imgmake(
            arguments: ["-C", "t", "-j2", "-v"], environment: ["MAKEFLAGS": " -j3 --jobserver-auth=fifo:\(fifo)"])
        #expect(explicit.status == 0 && !explicit.stdout.contains("jobserver"), "\(explicit)")
    }

    @Test func underMakeJ2TwoImgmakeLinesRunTwoJobsInAll() throws {
        let box = try Sandbox("jobserver-make")
        let counts = box.base + "/counts"
        for folder in ["a", "b"] { try tree(box, folder, photos: 4, running: box.base + "/running", counts: counts) }
        try box.write(
            "Makefile",
            """
            all: a b
            a:
            \t+\(Imgmake.binary) -C a
            b:
            \t+\(Imgmake.binary) -C b
            .PHONY: all a b

            """)
        let make = try box.spawn("make", ["-j2"], environment: ["MAKEFLAGS": ""]).wait(timeout: 300)
        #expect(make.status == 0, "\(make)")
        #expect(make.stdout.components(separatedBy: "4 built").count == 3, "\(make)")
        let most = try maxCount(counts)
        #expect(most >= 1 && most <= 2, "make -j2 allows 2 jobs in all, not 2 per imgmake: \(most)")

        // A line make does not know to be recursive gets no jobserver: imgmake says so, and runs alone.
        try box.write("Makefile", "all:\n\t\(Imgmake.binary) -C a -B\n")
        let plain = try box.spawn("make", ["-j2"], environment: ["MAKEFLAGS": ""]).wait(timeout: 300)
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.stderr.contains("is not open in this process: make passes it only to recipe lines marked recursive"), "\(plain)")
    }

    @Test func aLoadLimitIsAcceptedAndChecked() throws {
        let box = try Sandbox("load-average")
        try tree(box, "t", photos: 2, running: box.base + "/running", counts: box.base + "/counts")
        #expect(try box.imgmake("-C", "t", "-l", "1000").summary == Summary(built: 2))
        let bad = try box.imgmake("-C", "t", "-l", "0")
        #expect(bad.status == 2 && bad.stderr.contains("-l needs a load average above 0"), "\(bad)")
    }
}
