/// Pure string operations on `/`-separated paths, for the recipe language and everything above it: no
/// file-system access, symbolic links not resolved.
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
        return directory.utf8.last == slash ? String(concatenating: [directory, path]) : String(concatenating: [directory, "/", path])
    }

    /// `path` made absolute against `directory` (an absolute path) when relative, then normalised.
    public static func absolute(_ path: String, from directory: String) -> String {
        normalize(join(directory, path))
    }

    /// Removes `.` and empty segments and folds `x/..`; keeps a leading `/` and leading `..` of relative paths.
    public static func normalize(_ path: String) -> String {
        isNormal(path) ? path : normalizeBySegments(path)
    }

    /// The definition of `normalize`, segment by segment (what `isNormal` short-cuts for paths already normal).
    static func normalizeBySegments(_ path: String) -> String {
        let absolute = path.utf8.first == slash
        var parts: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                    continue
                }
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
        withBytes(path) { isNormal(bytes: $0) }
    }

    /// `isNormal` of a path given as UTF-8 bytes.
    public static func isNormal(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var previousSlash = false
        var segmentLength = 0
        var segmentDots = 0
        for byte in bytes {
            if byte == slash {
                if segmentLength > 0 || previousSlash {
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
        }
        if bytes.isEmpty { return false }
        if previousSlash { return bytes.count == 1 }
        if segmentLength == segmentDots, segmentDots <= 2 { return bytes.count == 1 }  // "." alone is normal
        return true
    }

    /// Runs `body` on the UTF-8 bytes of `string` (no copy for a native string).
    @inline(__always)
    static func withBytes<Result>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var string = string
        return string.withUTF8(body)
    }

    /// The byte offset of the last `/`, if any.
    private static func lastSlash(_ path: String) -> Int? {
        withBytes(path) { bytes in
            var index = bytes.count
            while index > 0 {
                index -= 1
                if bytes[index] == slash { return index }
            }
            return nil
        }
    }

    /// The `String.Index` of a byte offset (constant time for native strings).
    @inline(__always)
    private static func index(_ path: String, _ offset: Int) -> String.Index {
        path.utf8.index(path.utf8.startIndex, offsetBy: offset)
    }

    /// The directory part (`a/b` of `a/b/c.jpg`), `/` for a top-level absolute path, "" for a bare name.
    public static func directory(of path: String) -> String {
        guard let offset = lastSlash(path) else { return "" }
        if offset == 0 { return "/" }
        return String(path[..<index(path, offset)])
    }

    /// The last segment (`c.jpg`).
    public static func fileName(_ path: String) -> String {
        guard let offset = lastSlash(path) else { return path }
        return String(path[index(path, offset + 1)...])
    }

    /// The extension without the dot (`jpg`), "" when none. A leading dot (hidden file) is not an extension.
    public static func fileExtension(_ path: String) -> String {
        guard let offset = extensionDot(path) else { return "" }
        return String(path[index(path, offset + 1)...])
    }

    /// The path without its extension.
    public static func removingExtension(_ path: String) -> String {
        guard let offset = extensionDot(path) else { return path }
        return String(path[..<index(path, offset)])
    }

    /// The byte offset of the dot that starts the last segment's extension.
    private static func extensionDot(_ path: String) -> Int? {
        withBytes(path) { bytes in
            var index = bytes.count
            while index > 0 {
                index -= 1
                switch bytes[index] {
                case slash: return nil
                case dot:
                    // A dot that opens the name (hidden file) is not an extension.
                    if index == 0 || bytes[index - 1] == slash { return nil }
                    return index
                default: continue
                }
            }
            return nil
        }
    }

    /// `path` relative to `base` when it lies below it (both normalised, absolute), else nil.
    public static func relative(_ path: String, to base: String) -> String? {
        guard let start = offsetBelow(path, base) else { return nil }
        return start == path.utf8.count ? "" : String(path[index(path, start)...])
    }

    /// Whether `path` is `base` or lies below it (both normalised, absolute); allocates nothing.
    public static func isWithin(_ path: String, _ base: String) -> Bool {
        offsetBelow(path, base) != nil
    }

    /// Where the part of `path` below `base` starts (its byte count when the two are equal), or nil when
    /// `path` is not `base` and not below it.
    private static func offsetBelow(_ path: String, _ base: String) -> Int? {
        if base == "/" { return path.utf8.first == slash ? 1 : nil }
        return withBytes(path) { bytes in
            withBytes(base) { head in
                guard bytes.count >= head.count else { return nil }
                for offset in 0..<head.count where bytes[offset] != head[offset] { return nil }
                if bytes.count == head.count { return head.count }
                return bytes[head.count] == slash ? head.count + 1 : nil
            }
        }
    }

    /// `paths` sorted; a list already in order (the usual case for a second look) is returned after one pass.
    public static func sorted(_ paths: [String]) -> [String] {
        for offset in paths.indices.dropFirst() where paths[offset] < paths[offset - 1] {
            return paths.sorted()
        }
        return paths
    }

    /// Whether a relative path has a segment starting with a dot (a hidden file or folder, or `..`).
    package static func hasHiddenSegment(_ relativePath: String) -> Bool {
        withBytes(relativePath) { bytes in
            var atSegmentStart = true
            for byte in bytes {
                if atSegmentStart, byte == dot { return true }
                atSegmentStart = byte == slash
            }
            return false
        }
    }

    /// A path for people to read: relative to `base` when below it, else as it is.
    public static func display(_ path: String, from base: String) -> String {
        guard let rel = relative(path, to: base) else { return path }
        return rel.isEmpty ? "." : rel
    }

    /// A path for people to read that may climb: relative to `directory` (with `..` where needed) when the two
    /// share more than `/`, else `path` itself (error locations of recipe files). Both absolute and normalised.
    public static func displayClimbing(_ path: String, from directory: String) -> String {
        let pathParts = path.split(separator: "/")
        let directoryParts = directory.split(separator: "/")
        let shared = zip(pathParts, directoryParts).prefix { $0 == $1 }.count
        guard shared > 0 else { return path }
        let parts = Array(repeating: "..", count: directoryParts.count - shared) + pathParts[shared...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// A file name's bytes as text for messages: valid UTF-8 as it is, each byte that is not part of a
    /// valid sequence as `\xHH` (`caf\xe9.jpg` for Latin-1 `café.jpg`).
    public static func escapingInvalidUTF8(_ bytes: [UInt8]) -> String {
        var text = ""
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead & 0xE0 == 0xC0 ? 2 : lead & 0xF0 == 0xE0 ? 3 : lead & 0xF8 == 0xF0 ? 4 : 0
            if length > 0, index + length <= bytes.count,
                let scalar = String(validating: bytes[index..<(index + length)], as: UTF8.self)
            {
                text += scalar
                index += length
            } else {
                let hex = String(lead, radix: 16)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                index += 1
            }
        }
        return text
    }
}
