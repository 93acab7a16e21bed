/// One brace-free glob compiled into segments, matched segment by segment against path bytes.
struct GlobAlternative: Sendable {
    /// The pattern started with `/`; it then only matches absolute paths.
    let isAbsolute: Bool
    /// Segments with empty and `.` parts dropped and runs of `**` collapsed.
    let segments: [GlobSegment]
    /// The leading literal segments, never including the last one (which names files).
    let literalDirectories: [String]
    /// `literalDirectories` with their slashes (`photos/` for `photos/**/*.jpg`, `/` first when absolute):
    /// every match starts with it.
    private let prefix: [UInt8]
    /// Literal bytes every match ends with (`.jpg` for `photos/**/*.jpg`), for a quick reject.
    private let suffix: [UInt8]

    /// Index of the last `**`: past it the pattern has a fixed number of segments, which must match the
    /// path's last segments.
    private let lastGlobstar: Int?

    /// `ignoringCase`: letters in the segments after the literal directories match in either case.
    init(_ pattern: [Character], ignoringCase: Bool = false) throws(GlobError) {
        isAbsolute = pattern.first == "/"
        var segments: [GlobSegment] = []
        var parts: [ArraySlice<Character>] = []
        for part in pattern.split(separator: "/") where part != ["."] {
            if part.elementsEqual("**") {
                if case .globstar = segments.last { continue }
                segments.append(.globstar)
            } else {
                segments.append(try GlobSegment(part))
            }
            parts.append(part)
        }
        let literalDirectories = segments.dropLast().map(\.literalText).prefix { $0 != nil }.compactMap { $0 }
        if ignoringCase {
            for index in literalDirectories.count..<segments.count {
                if case .globstar = segments[index] { continue }
                segments[index] = try GlobSegment(parts[index], ignoringCase: true)
            }
        }
        self.segments = segments
        lastGlobstar = segments.lastIndex { if case .globstar = $0 { true } else { false } }
        self.literalDirectories = literalDirectories
        prefix = Array(((isAbsolute ? "/" : "") + literalDirectories.map { $0 + "/" }.joined()).utf8)
        switch segments.last {
        case .literal(let bytes): suffix = bytes
        case .pattern(let pattern): suffix = pattern.tail
        case .globstar, nil: suffix = []
        }
    }

    /// True when no segment has a wildcard.
    var isLiteral: Bool { segments.allSatisfy { $0.literalText != nil } }

    /// The whole pattern as a path (meaningful when `isLiteral`).
    var path: String {
        (isAbsolute ? "/" : "") + segments.compactMap(\.literalText).joined(separator: "/")
    }

    func matches(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        guard path.count >= prefix.count + suffix.count, GlobBytes.equal(path, 0, prefix),
            GlobBytes.equal(path, path.count - suffix.count, suffix),
            firstSegment(of: path) != nil
        else { return false }
        return match(segment: literalDirectories.count, at: prefix.count, in: path)
    }

    func mayMatchBelow(_ directory: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let start = firstSegment(of: directory) else { return false }
        return matchPrefix(segment: 0, at: start, in: directory)
    }

    /// Where the first path segment starts, or nil when the path is absolute and the pattern is not (or
    /// the other way round).
    private func firstSegment(of path: UnsafeBufferPointer<UInt8>) -> Int? {
        let pathIsAbsolute = path.first == GlobBytes.slash
        guard pathIsAbsolute == isAbsolute else { return nil }
        return pathIsAbsolute ? 1 : 0
    }

    /// Whether `segments[segment...]` matches the path's segments from byte `position` to the end.
    private func match(segment: Int, at position: Int, in path: UnsafeBufferPointer<UInt8>) -> Bool {
        var segment = segment
        var position = position
        while segment < segments.count {
            guard position < path.count else {
                return segments[segment...].allSatisfy { if case .globstar = $0 { true } else { false } }
            }
            let end = GlobBytes.segmentEnd(path, from: position)
            if segment == lastGlobstar { return matchAfterLastGlobstar(segment, at: position, in: path) }
            if case .globstar = segments[segment] {
                if match(segment: segment + 1, at: position, in: path) { return true }
                if path[position] == GlobBytes.dot { return false }
                position = end + 1
                continue
            }
            guard segments[segment].matches(path, position, end) else { return false }
            segment += 1
            position = end + 1
        }
        return position >= path.count
    }

    /// Matches the last `**` (`segments[globstar]`) at `position` without trying every split: the segments after it must match
    /// the path's last segments, and the ones `**` spans before them must not be hidden.
    private func matchAfterLastGlobstar(_ globstar: Int, at position: Int, in path: UnsafeBufferPointer<UInt8>) -> Bool {
        var fixedSegments = segments.count - globstar - 1
        var fixedStart = path.count
        while fixedSegments > 0 {
            guard fixedStart > position else { return false }
            fixedStart -= 1
            while fixedStart > position, path[fixedStart - 1] != GlobBytes.slash { fixedStart -= 1 }
            fixedSegments -= 1
        }
        var spanned = position
        while spanned < fixedStart {
            if path[spanned] == GlobBytes.dot { return false }
            spanned = GlobBytes.segmentEnd(path, from: spanned) + 1
        }
        return match(segment: globstar + 1, at: fixedStart, in: path)
    }

    /// Whether the directory's segments from `position` can be the start of a match for
    /// `segments[segment...]` with at least one more path segment below the directory.
    private func matchPrefix(segment: Int, at position: Int, in directory: UnsafeBufferPointer<UInt8>) -> Bool {
        guard position < directory.count else { return segment < segments.count }
        guard segment < segments.count else { return false }
        let end = GlobBytes.segmentEnd(directory, from: position)
        if case .globstar = segments[segment] {
            return matchPrefix(segment: segment + 1, at: position, in: directory)
                || (directory[position] != GlobBytes.dot && matchPrefix(segment: segment, at: end + 1, in: directory))
        }
        return segments[segment].matches(directory, position, end)
            && matchPrefix(segment: segment + 1, at: end + 1, in: directory)
    }
}
