import Foundation
import ImgmakeCore
import ImgmakeRecipe

/// Tells whether a worker process running a job is getting anywhere, from what the kernel counts for it:
/// CPU time (`/proc/PID/stat`) and I/O (`/proc/PID/io`: bytes read and written, write calls).
///
/// A job makes progress when it reads or writes bytes, or uses CPU time without writes failing. Write calls
/// that write nothing while the CPU spins are no progress: that is libvips' JPEG 2000 saver on a full disk,
/// which retries a failed `write()` forever. A worker that uses no CPU and moves no bytes (blocked for good)
/// makes none either. After `limit` seconds without progress the pool kills the worker and fails the job.
struct Watchdog {
    /// What the kernel has counted for a process so far.
    struct Sample: Equatable {
        var cpuTicks: UInt64
        var bytesRead: UInt64?
        var bytesWritten: UInt64?
        var writeCalls: UInt64?

        /// The process' counters now; nil when it is gone.
        static func of(_ pid: pid_t) -> Sample? {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // After "PID (COMM) ": field 3 is the first; utime (14) and stime (15) are the 12th and 13th.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
            var sample = Sample(cpuTicks: user + system)
            if let io = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8) {
                for line in io.split(separator: "\n") {
                    let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2, let value = UInt64(parts[1]) else { continue }
                    switch parts[0] {
                    case "rchar": sample.bytesRead = value
                    case "wchar": sample.bytesWritten = value
                    case "syscw": sample.writeCalls = value
                    default: break
                    }
                }
            }
            return sample
        }
    }

    /// What a stalled job was doing.
    enum Stall {
        /// Write calls kept failing (no byte written).
        case failingWrites
        /// No CPU time and no I/O at all.
        case blocked
    }

    let limit: Double
    private var last: Sample?
    private var lastProgress: UInt64
    private var failingWrites = false

    init(limit: Double, now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        self.limit = limit
        lastProgress = now
    }

    /// Takes a sample of `pid`; returns how the job is stalled once it has made no progress for `limit` s.
    mutating func check(_ pid: pid_t, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Stall? {
        guard let sample = Sample.of(pid) else { return nil }
        return check(sample, now: now)
    }

    /// The same, for a given sample (unit tests).
    mutating func check(_ sample: Sample, now: UInt64) -> Stall? {
        defer { last = sample }
        guard let last else {
            lastProgress = now
            return nil
        }
        let moved = grew(last.bytesRead, sample.bytesRead) || grew(last.bytesWritten, sample.bytesWritten)
        let failed = !moved && grew(last.writeCalls, sample.writeCalls)
        let computed = sample.cpuTicks > last.cpuTicks && !failed
        if moved || computed {
            lastProgress = now
            failingWrites = false
            return nil
        }
        if failed { failingWrites = true }
        guard Double(now - lastProgress) / 1e9 >= limit else { return nil }
        return failingWrites ? .failingWrites : .blocked
    }

    private func grew(_ before: UInt64?, _ after: UInt64?) -> Bool {
        guard let before, let after else { return false }
        return after > before
    }

    /// Why writing in `directory` fails, found by writing a probe file there as the job would (1 MiB in one
    /// call, libvips' JPEG 2000 chunk), then removing it: "No space left on device", or nil when it works.
    static func writeError(in directory: String) -> String? {
        let probe = PathName.join(directory.isEmpty ? "." : directory, ".imgmake-probe-\(getpid()).tmp")
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        defer {
            close(fd)
            unlink(probe)
        }
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 { return String(cString: strerror(errno)) }
        if written < chunk.count {
            let more = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - written) }
            if more < 0 { return String(cString: strerror(errno)) }
        }
        if fsync(fd) != 0 { return String(cString: strerror(errno)) }
        return nil
    }

    /// The message of a job stopped for want of progress: "no progress for 5 s (writing OUTPUT: No space left
    /// on device)".
    static func message(_ stall: Stall, seconds: Double, output: String) -> String {
        let limit = seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
        switch stall {
        case .failingWrites:
            let cause = writeError(in: PathName.directory(of: output)) ?? "write calls keep failing"
            return "no progress for \(limit) s (writing \(output): \(cause))"
        case .blocked:
            return "no progress for \(limit) s (no CPU time used, nothing read or written)"
        }
    }
}
