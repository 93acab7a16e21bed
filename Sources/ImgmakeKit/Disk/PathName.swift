/// Pure string operations on `/`-separated paths. No file-system access.
///
/// Paths are compared and cut as UTF-8 bytes (never as `Character`s: a path is bytes, and grapheme breaking
/// cost a no-op build of 10,000 inputs a third of its instructions). Every separator is the ASCII `/`, so
/// an index found in the UTF-8 view is always a valid place to cut the `String`.
public enum PathName {
    private static let slash = UInt8(ascii: "/")
    private static let dot = UInt8(ascii: ".")

    /// Joins a directory and a relative path; an absolute `path` is returned as it is.
    public static func join(_ directory: String, _ path: String) -> String {
        if path.utf8.first == slash || directory.isEmpty { return path }
        if path.isEmpty { return directory }
        return directory.utf8.last == slash ? directory + path : directory + "/" + path
    }

    /// Removes `.` and empty segments and folds `x/..`; keeps a leading `/` and leading `..` of relative paths.
    public static func normalize(_ path: String) -> String {
        if isNormal(path) { return path }
        let absolute = path.utf8.first == slash
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

    /// Whether `normalize` would return `path` unchanged: no empty, `.` or `..` segment and no trailing `/`
    /// (`/` itself and `.` are normal). One pass over the bytes, no allocation.
    static func isNormal(_ path: String) -> Bool {
        var length = 0
        var previousSlash = false
        var segmentLength = 0
        var segmentDots = 0
        for byte in path.utf8 {
            if byte == slash {
                if length > 0 {
                    if previousSlash { return false }
                    if segmentLength == segmentDots, segmentDots <= 2 { return false }
                }
                previousSlash = true
                segmentLength = 0
                segmentDots = 0
            } else {
                previousSlash = false
                segmentLength += 1
                if byte == dot { segmentDots += 1 }
            }
            length += 1
        }
        if length == 0 { return false }
        if previousSlash { return length == 1 }
        if segmentLength == segmentDots, segmentDots <= 2 { return length == 1 }  // "." alone is normal
        return true
    }

    /// The directory part (`a/b` of `a/b/c.jpg`), `/` for a top-level absolute path, "" for a bare name.
    public static func directory(of path: String) -> String {
        guard let slashIndex = path.utf8.lastIndex(of: slash) else { return "" }
        if slashIndex == path.startIndex { return "/" }
        return String(path[..<slashIndex])
    }

    /// The last segment (`c.jpg`).
    public static func fileName(_ path: String) -> String {
        guard let slashIndex = path.utf8.lastIndex(of: slash) else { return path }
        return String(path[path.utf8.index(after: slashIndex)...])
    }

    /// The extension without the dot (`jpg`), "" when none. A leading dot (hidden file) is not an extension.
    public static func fileExtension(_ path: String) -> String {
        guard let dotIndex = extensionDot(path) else { return "" }
        return String(path[path.utf8.index(after: dotIndex)...])
    }

    /// The path without its extension.
    public static func removingExtension(_ path: String) -> String {
        guard let dotIndex = extensionDot(path) else { return path }
        return String(path[..<dotIndex])
    }

    /// The index of the dot that starts the last segment's extension.
    private static func extensionDot(_ path: String) -> String.Index? {
        let bytes = path.utf8
        var index = bytes.endIndex
        while index > bytes.startIndex {
            let previous = bytes.index(before: index)
            switch bytes[previous] {
            case slash: return nil
            case dot:
                // A dot that opens the name (hidden file) is not an extension.
                if previous == bytes.startIndex || bytes[bytes.index(before: previous)] == slash { return nil }
                return previous
            default: index = previous
            }
        }
        return nil
    }

    /// `path` relative to `base` when it lies below it (both normalised, absolute), else nil.
    public static func relative(_ path: String, to base: String) -> String? {
        let bytes = path.utf8
        let baseBytes = base.utf8
        if base == "/" { return bytes.first == slash ? String(path[bytes.index(after: bytes.startIndex)...]) : nil }
        guard hasBytePrefix(path, base) else { return nil }
        let end = bytes.index(bytes.startIndex, offsetBy: baseBytes.count)
        if end == bytes.endIndex { return "" }
        guard bytes[end] == slash else { return nil }
        return String(path[bytes.index(after: end)...])
    }

    /// Whether the bytes of `string` begin with those of `prefix` (no Unicode equivalence: paths are bytes).
    static func hasBytePrefix(_ string: String, _ prefix: String) -> Bool {
        var string = string
        var prefix = prefix
        return string.withUTF8 { bytes in
            prefix.withUTF8 { head in
                guard bytes.count >= head.count else { return false }
                for index in 0..<head.count where bytes[index] != head[index] { return false }
                return true
            }
        }
    }

    /// Whether a relative path has a segment starting with a dot (a hidden file or folder, or `..`).
    static func hasHiddenSegment(_ relativePath: String) -> Bool {
        var atSegmentStart = true
        for byte in relativePath.utf8 {
            if atSegmentStart, byte == dot { return true }
            atSegmentStart = byte == slash
        }
        return false
    }

    /// A path for people to read: relative to `base` when below it, else as it is.
    public static func display(_ path: String, from base: String) -> String {
        guard let rel = relative(path, to: base) else { return path }
        return rel.isEmpty ? "." : rel
    }
}
