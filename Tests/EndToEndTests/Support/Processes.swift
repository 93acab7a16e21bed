import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Processes seen through /proc.
enum Processes {
    /// The PIDs whose parent is `pid` (a build's workers).
    static func children(of pid: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(pid_t.init).filter { stat(of: $0)?.parent == pid }
    }

    /// The live processes of user `uid`.
    static func owned(by uid: uid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(pid_t.init).filter { pid in
            let owner = (try? FileManager.default.attributesOfItem(atPath: "/proc/\(pid)"))?[.ownerAccountID] as? NSNumber
            return owner?.uint32Value == uid && isAlive(pid)
        }
    }

    /// The live processes whose working directory is `directory`.
    static func working(in directory: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(pid_t.init).filter { pid in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) == directory && isAlive(pid)
        }
    }

    /// Whether `pid` runs (a zombie does not).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let info = stat(of: pid) else { return false }
        return info.state != "Z" && info.state != "X"
    }

    private static func stat(of pid: pid_t) -> (state: Character, parent: pid_t)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let state = fields[0].first, let parent = pid_t(fields[1]) else { return nil }
        return (state, parent)
    }
}
