import Foundation
import ImgmakeRecipe

/// The memory limit this process runs under, if any: an address-space limit (`ulimit -v`, `prlimit --as`) or
/// a cgroup v2 `memory.max` below the machine's memory.
///
/// Under such a limit a failed allocation inside libvips or GLib ends the whole process (GLib aborts on a
/// failed `g_malloc` by design, and code that does not check may crash first), so a job cannot fail alone in
/// the thread pool. The process pool contains it: the worker dies, its job fails as "out of memory", the
/// build goes on. So under a limit the default pool is the process pool (`PoolKind.default`).
package struct MemoryLimit: Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable { case addressSpace, cgroup }
    var kind: Kind
    var bytes: UInt64

    /// "the address space is limited to 250 MiB", "the cgroup's memory.max is 512 MiB".
    package var description: String {
        let size = bytes >= 1 << 30 && bytes % (1 << 30) == 0 ? "\(bytes >> 30) GiB" : "\(bytes >> 20) MiB"
        switch kind {
        case .addressSpace: return "the address space is limited to \(size)"
        case .cgroup: return "the cgroup's memory.max is \(size)"
        }
    }

    /// The limit in force now, the address space first.
    package static var current: MemoryLimit? {
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max {
            return MemoryLimit(kind: .addressSpace, bytes: UInt64(limit.rlim_cur))
        }
        if let bytes = cgroupMax(), bytes < ProcessInfo.processInfo.physicalMemory {
            return MemoryLimit(kind: .cgroup, bytes: bytes)
        }
        return nil
    }

    /// The smallest memory limit of this process' cgroup and its ancestors: `memory.max` (v2) or
    /// `memory.limit_in_bytes` (v1, whose "no limit" is a huge number), nil when none is set. In a container the
    /// own cgroup is often mounted as the root, so the root's file counts too.
    static func cgroupMax() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return nil }
        var smallest: UInt64?
        let lines = text.split(separator: "\n")
        let places: [(line: Substring.SubSequence?, root: String, file: String)] = [
            (lines.first { $0.hasPrefix("0::") }?.dropFirst(3), "/sys/fs/cgroup", "memory.max"),
            (
                lines.first { $0.split(separator: ":").dropFirst().first?.split(separator: ",").contains("memory") == true }
                    .map { $0.split(separator: ":", maxSplits: 2).last ?? "/" }, "/sys/fs/cgroup/memory", "memory.limit_in_bytes"
            ),
        ]
        for place in places {
            guard let line = place.line else { continue }
            var path = String(line)
            while true {
                let file = place.root + (path == "/" ? "" : path) + "/" + place.file
                if let value = try? String(contentsOfFile: file, encoding: .utf8),
                    let bytes = UInt64(value.trimmingCharacters(in: .whitespacesAndNewlines))
                {
                    smallest = min(smallest ?? .max, bytes)
                }
                guard path != "/", !path.isEmpty else { break }
                path = PathName.directory(of: path)
                if path.isEmpty { path = "/" }
            }
        }
        return smallest
    }

    /// Whether a worker that ended with this wait status probably died for want of memory: a crash (SIGSEGV,
    /// SIGBUS, SIGABRT, SIGTRAP from GLib's g_error, SIGILL from a Swift trap) or SIGKILL (the OOM killer)
    /// while a limit is in force.
    package static func diedOfIt(_ status: Int32) -> Bool {
        guard !WaitStatus.exited(status) else { return false }
        return [SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGILL, SIGKILL].contains(status & 0x7f)
    }
}
