import ImgmakeJob
import ImgmakeRecipe

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte-level path helpers for the graph's hot loops (the `PathName` operations on interned bytes).
enum GraphBytes {
    static let slash = UInt8(ascii: "/")
    static let dot = UInt8(ascii: ".")

    /// `PathName.relative`'s offset: where the part of `path` below `base` starts (`path.count` when they are
    /// equal), or nil when `path` is neither `base` nor below it.
    static func offsetBelow(_ path: UnsafeBufferPointer<UInt8>, _ base: String) -> Int? {
        var base = base
        return base.withUTF8 { head in
            if head.count == 1, head[0] == slash { return path.first == slash ? 1 : Int?.none }
            guard path.count >= head.count else { return nil }
            if head.count > 0, let p = path.baseAddress, let h = head.baseAddress, memcmp(p, h, head.count) != 0 { return nil }
            if path.count == head.count { return head.count }
            return path[head.count] == slash ? head.count + 1 : nil
        }
    }

    /// Whether two byte runs are equal (memcmp).
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0, let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }

    /// Whether `a` equals `b` (memcmp).
    static func equal(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.withUnsafeBufferPointer { equal($0, b) }
    }

    /// Where the last segment starts.
    static func fileNameStart(_ path: UnsafeBufferPointer<UInt8>) -> Int {
        var index = path.count
        while index > 0 {
            if path[index - 1] == slash { return index }
            index -= 1
        }
        return 0
    }

    /// `PathName.hasHiddenSegment` of bytes.
    static func hasHiddenSegment(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        var atSegmentStart = true
        for byte in path {
            if atSegmentStart, byte == dot { return true }
            atSegmentStart = byte == slash
        }
        return false
    }

    /// Where the extension's dot of the last segment is (`PathName.fileExtension`'s rule: a dot that opens
    /// the name is none), searching `path[start...]` only.
    static func extensionDot(_ path: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = path.count
        while index > start {
            index -= 1
            switch path[index] {
            case slash: return nil
            case dot: return index == start || path[index - 1] == slash ? nil : index
            default: continue
            }
        }
        return nil
    }
}

/// A per-input rule's output pattern, turned into bytes once, expanded for each input without building the
/// placeholder dictionary or any `String` (`{path}`, `{name}`, `{dir}`, `{ext}` are cut from the input's
/// path below its glob's base, as `InputPlaceholder.values` defines them).
struct OutputTemplate {
    private enum Piece {
        case literal([UInt8])
        case input(InputPlaceholder)
        /// A `with` name: its value in each combination.
        case matrix([[UInt8]])
    }

    private let pieces: [Piece]
    /// The rule's directory (outputs are relative to it), and the same with a trailing `/`.
    private let directory: [UInt8]
    private let directoryWithSlash: [UInt8]

    init(rule: CheckedRule, combinations: [[String: String]]) {
        pieces = rule.output.pieces.map { piece in
            switch piece {
            case .literal(let text): return .literal(Array(text.utf8))
            case .placeholder(let placeholder):
                if let input = InputPlaceholder(rawValue: placeholder.name) { return .input(input) }
                return .matrix(combinations.map { Array(($0[placeholder.name] ?? "").utf8) })
            }
        }
        directory = Array(rule.syntax.directory.utf8)
        directoryWithSlash = directory.isEmpty || directory.last == GraphBytes.slash ? directory : directory + [GraphBytes.slash]
    }

    /// The output (interned) that `input` makes in `combination`, `below` the byte offset of the input's
    /// path below its glob's base: `PathName.normalize(PathName.join(directory, expanded pattern))`.
    func output(
        for input: PathTable.ID, below: Int, combination: Int, in paths: PathTable, scratch: inout [UInt8]
    ) -> PathTable.ID? {
        scratch.removeAll(keepingCapacity: true)
        paths.withBytes(input) { path in
            let end = path.count
            let nameStart = max(below, GraphBytes.fileNameStart(path))
            let dot = GraphBytes.extensionDot(path, from: below)
            for piece in pieces {
                switch piece {
                case .literal(let bytes): scratch.append(contentsOf: bytes)
                case .matrix(let values): scratch.append(contentsOf: values[combination])
                case .input(.path): scratch.append(contentsOf: path[below..<(dot ?? end)])
                case .input(.name): scratch.append(contentsOf: path[nameStart..<(dot ?? end)])
                case .input(.ext): if let dot { scratch.append(contentsOf: path[(dot + 1)..<end]) }
                case .input(.dir):
                    // `PathName.directory(of:)` of the part below the base: "" for a bare name.
                    if nameStart > below { scratch.append(contentsOf: path[below..<(nameStart - 1 == below ? nameStart : nameStart - 1)]) }
                }
            }
        }
        if scratch.first != GraphBytes.slash, !directory.isEmpty {
            if scratch.isEmpty {
                scratch = directory
            } else {
                scratch.insert(contentsOf: directoryWithSlash, at: 0)
            }
        }
        let normal = scratch.withUnsafeBufferPointer { PathName.isNormal(bytes: $0) }
        if normal { return scratch.withUnsafeBufferPointer { paths.intern($0) } }
        return paths.intern(PathName.normalize(String(decoding: scratch, as: UTF8.self)))
    }
}

/// The jobs of one rule that its edges share: when no argument of the rule uses a placeholder, an edge's
/// job differs from another's only by its sources and by what the output's extension picks (the saver and
/// its implied options), so it is expanded once per extension, not once per edge.
struct SharedJobs {
    private let shareable: Bool
    /// (extension bytes, job index) pairs met so far.
    private var known: [([UInt8], Int32)] = []

    init(rule: CheckedRule) {
        if let program = rule.program {
            // `{in}`, `{out}` and `{inputs}` are filled in from the edge's own sources when its job runs.
            let filledLater: Set<String> = [ProgramSteps.input, ProgramSteps.output, ProgramSteps.inputs]
            let words = program.words + program.arguments.map(\.value)
            shareable = !words.contains { $0.template.names.contains { !filledLater.contains($0) } }
            return
        }
        let plans = rule.loadArguments + rule.steps.flatMap(\.arguments) + rule.saveArguments
        shareable = !plans.contains { $0.template.hasPlaceholders }
    }

    /// The job already made for an output like this one, if the rule's jobs are shared.
    func job(for output: PathTable.ID, in paths: PathTable) -> Int32? {
        guard shareable, !known.isEmpty else { return nil }
        return paths.withBytes(output) { path in
            let suffix = Self.suffix(path)
            return known.first { GraphBytes.equal($0.0, suffix) }?.1
        }
    }

    mutating func remember(_ job: Int32, for output: PathTable.ID, in paths: PathTable) {
        guard shareable else { return }
        paths.withBytes(output) { known.append((Array(Self.suffix($0)), job)) }
    }

    /// The output's last segment from its extension's dot on ("" without one): what the saver depends on.
    private static func suffix(_ path: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let start = GraphBytes.fileNameStart(path)
        guard let dot = GraphBytes.extensionDot(path, from: start) else { return UnsafeBufferPointer(rebasing: path[path.count...]) }
        return UnsafeBufferPointer(rebasing: path[dot...])
    }
}
