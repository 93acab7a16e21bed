import Foundation
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCLI
@testable import ImgmakeCore

/// The process pool's progress watchdog, on hand-made samples of a worker's counters.
struct WatchdogTests {
    typealias Sample = Watchdog.Sample
    let second: UInt64 = 1_000_000_000

    /// Feeds one sample a second; returns the verdict after each.
    func verdicts(_ samples: [Sample], limit: Double = 3) -> [Watchdog.Stall?] {
        var watchdog = Watchdog(limit: limit, now: 0)
        return samples.enumerated().map { watchdog.check($0.element, now: UInt64($0.offset) * second) }
    }

    @Test
    func computingOrWritingIsProgress() {
        let computing = (0..<10).map { Sample(cpuTicks: UInt64($0) * 100, bytesRead: 5, bytesWritten: 7, writeCalls: 2) }
        #expect(verdicts(computing).allSatisfy { $0 == nil })
        let writing = (0..<10).map { Sample(cpuTicks: 0, bytesRead: 5, bytesWritten: UInt64($0) << 20, writeCalls: UInt64($0)) }
        #expect(verdicts(writing).allSatisfy { $0 == nil })
    }

    /// libvips' JPEG 2000 saver on a full disk: CPU spins, write calls go on, no byte is written.
    @Test
    func failingWritesAreNoProgress() {
        let spinning = (0..<6).map { Sample(cpuTicks: UInt64($0) * 100, bytesRead: 5, bytesWritten: 77, writeCalls: UInt64($0) * 1000) }
        let result = verdicts(spinning)
        #expect(result.prefix(3).allSatisfy { $0 == nil })
        #expect(result[3] == .failingWrites && result[5] == .failingWrites)
    }

    @Test
    func aBlockedWorkerIsNoProgressAndWorkResetsTheClock() {
        let idle = Sample(cpuTicks: 40, bytesRead: 5, bytesWritten: 7, writeCalls: 2)
        var busy = idle
        busy.cpuTicks += 1
        let result = verdicts([idle, idle, idle, busy, busy, busy, busy, busy])
        #expect(result.prefix(6).allSatisfy { $0 == nil }, "\(result)")
        #expect(result[6] == .blocked && result[7] == .blocked)
    }

    @Test
    func theMessageNamesTheDiskError() throws {
        let directory = NSTemporaryDirectory() + "imgmake-watchdog-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(
            Watchdog.message(.failingWrites, seconds: 5, output: directory + "/a.jp2")
                == "no progress for 5 s (writing \(directory)/a.jp2: write calls keep failing)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "the probe is removed")
        #expect(
            Watchdog.message(.failingWrites, seconds: 2.5, output: directory + "/missing/a.jp2")
                == "no progress for 2.5 s (writing \(directory)/missing/a.jp2: No such file or directory)")
        #expect(
            Watchdog.message(.blocked, seconds: 60, output: "a.jp2")
                == "no progress for 60 s (no CPU time used, nothing read or written)")
    }
}
