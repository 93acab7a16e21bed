/// Pure string operations on `/`-separated paths. No file-system access.
public enum PathName {
    /// Joins a directory and a relative path; an absolute `path` is returned as it is.
    public static func join(_ directory: String, _ path: String) -> String {
        if path.hasPrefix("/") || directory.isEmpty { return path }
        if path.isEmpty { return directory }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    /// Removes `.` and empty segments and folds `x/..`; keeps a leading `/` and leading `..` of relative paths.
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if let last = parts.last, last != ".." { parts.removeLast(); continue }
                if absolute { continue }
            }
            parts.append(segment)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The directory part (`a/b` of `a/b/c.jpg`), `/` for a top-level absolute path, "" for a bare name.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last segment (`c.jpg`).
    public static func fileName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The extension without the dot (`jpg`), "" when none. A leading dot (hidden file) is not an extension.
    public static func fileExtension(_ path: String) -> String {
        let name = fileName(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }

    /// The path without its extension.
    public static func removingExtension(_ path: String) -> String {
        let ext = fileExtension(path)
        return ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
    }

    /// `path` relative to `base` when it lies below it (both normalised, absolute), else nil.
    public static func relative(_ path: String, to base: String) -> String? {
        if path == base { return "" }
        if base == "/" { return path.hasPrefix("/") ? String(path.dropFirst()) : nil }
        guard path.hasPrefix(base), path.utf8.dropFirst(base.utf8.count).first == UInt8(ascii: "/") else { return nil }
        return String(path.dropFirst(base.count + 1))
    }

    /// A path for people to read: relative to `base` when below it, else as it is.
    public static func display(_ path: String, from base: String) -> String {
        guard let rel = relative(path, to: base) else { return path }
        return rel.isEmpty ? "." : rel
    }
}
