/// Lexical POSIX path helpers for recipe files: no file-system access, symbolic links not resolved.
enum RecipePath {
    /// `path` made absolute against `directory` (an absolute path) when relative, then normalised.
    static func absolute(_ path: String, from directory: String) -> String {
        normalize(path.hasPrefix("/") ? path : directory + "/" + path)
    }

    /// An absolute path without empty or `.` segments and with `..` resolved (`/..` stays `/`).
    static func normalize(_ absolutePath: String) -> String {
        var parts: [Substring] = []
        for part in absolutePath.split(separator: "/") where part != "." {
            if part == ".." {
                _ = parts.popLast()
            } else {
                parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The directory holding `absolutePath` (normalised): `/a/b` for `/a/b/c`, `/` for `/c`.
    static func directory(of absolutePath: String) -> String {
        normalize(absolutePath + "/..")
    }

    /// `path` as shown to the user: relative to `directory` (with `..` where needed) when the two share
    /// more than `/`, else `path` itself. Both are absolute and normalised.
    static func display(_ path: String, relativeTo directory: String) -> String {
        let pathParts = path.split(separator: "/"), directoryParts = directory.split(separator: "/")
        let shared = zip(pathParts, directoryParts).prefix { $0 == $1 }.count
        guard shared > 0 else { return path }
        let parts = Array(repeating: "..", count: directoryParts.count - shared) + pathParts[shared...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
