/// Whether two globs can match the same path, decided on the patterns alone (no files): each brace-free
/// alternative becomes a small automaton over Unicode scalars, and the product of two automata is searched
/// breadth first for a path both accept. The rules of `Glob.matches` hold: `*`, `?` and classes stay within
/// a segment, `**` spans whole segments, and a wildcard never matches a segment that starts with `.`.
extension Glob {
    /// A shortest path that both globs match (`out/x.jpg` for `out/**/*.jpg` and `**/*.jpg`), or nil
    /// when no path matches both.
    public func commonMatch(with other: Glob) -> String? {
        var best: String?
        for left in compiled.map(GlobAutomaton.init) {
            for right in other.compiled.map(GlobAutomaton.init) {
                if let found = GlobAutomaton.commonWord(left, right),
                    found.unicodeScalars.count < best?.unicodeScalars.count ?? .max
                {
                    best = found
                }
            }
        }
        return best
    }

    /// The text of a glob that matches exactly `text` (wildcard and brace characters escaped).
    public static func escaping(_ text: String) -> String {
        var out = ""
        for character in text {
            if "*?[]{},\\".contains(character) { out += "\\" }
            out.append(character)
        }
        return out
    }
}

/// A nondeterministic automaton for one brace-free glob. State 0 is the start.
struct GlobAutomaton {
    /// What one step consumes: scalars in `ranges` (sorted, disjoint).
    struct Label {
        var ranges: [ClosedRange<UInt32>]
    }

    private(set) var moves: [[(label: Label, to: Int)]] = [[]]
    private(set) var epsilons: [[Int]] = [[]]
    private(set) var accepting: Set<Int> = []

    static let slash = UInt32(UInt8(ascii: "/"))
    static let dot = UInt32(UInt8(ascii: "."))
    static let everything: ClosedRange<UInt32> = 0...0x10FFFF

    /// Any scalar but `/` (and but `.` when `noDot`).
    static func anyInSegment(noDot: Bool) -> Label {
        Label(ranges: subtract(noDot ? [dot, slash] : [slash], from: [everything]))
    }

    init(_ alternative: GlobAlternative) {
        var state = 0
        if alternative.isAbsolute { state = step(from: state, Label(ranges: [Self.slash...Self.slash])) }
        var afterGlobstar = false
        for (index, segment) in alternative.segments.enumerated() {
            if index > 0 && !afterGlobstar { state = step(from: state, Label(ranges: [Self.slash...Self.slash])) }
            afterGlobstar = false
            switch segment {
            case .literal(let bytes):
                for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
                    state = step(from: state, Label(ranges: [scalar.value...scalar.value]))
                }
            case .globstar:
                // (segment "/")* — and when `**` is last, one more segment that ends the path.
                let inside = addState()
                add(from: state, Self.anyInSegment(noDot: true), to: inside)
                add(from: inside, Self.anyInSegment(noDot: false), to: inside)
                add(from: inside, Label(ranges: [Self.slash...Self.slash]), to: state)
                if index == alternative.segments.count - 1 {
                    accepting.insert(inside)
                    return
                }
                afterGlobstar = true
            case .pattern(let pattern):
                state = addPattern(pattern, from: state)
            }
        }
        accepting.insert(state)
    }

    private mutating func addState() -> Int {
        moves.append([])
        epsilons.append([])
        return moves.count - 1
    }

    private mutating func add(from: Int, _ label: Label, to: Int) { moves[from].append((label, to)) }

    private mutating func step(from: Int, _ label: Label) -> Int {
        let to = addState()
        add(from: from, label, to: to)
        return to
    }

    /// One wildcard segment from `start`; returns the state after it. Unless the pattern starts with a
    /// literal `.`, the segment's first scalar is never `.`.
    private mutating func addPattern(_ pattern: GlobSegmentPattern, from start: Int) -> Int {
        var state = start
        let any = Self.anyInSegment(noDot: false)
        for scalar in String(decoding: pattern.head, as: UTF8.self).unicodeScalars {
            state = step(from: state, Label(ranges: [scalar.value...scalar.value]))
        }
        for item in pattern.steps {
            switch item.kind {
            case .literal:
                let bytes = Array(pattern.literals[item.start..<(item.start + item.count)])
                for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
                    state = step(from: state, Label(ranges: [scalar.value...scalar.value]))
                }
            case .anyCharacter:
                state = step(from: state, any)
            case .characterSet:
                let set = pattern.sets[item.start]
                let members = set.negated ? Self.subtract(set.ranges, from: [Self.everything]) : Self.normalized(set.ranges)
                state = step(from: state, Label(ranges: Self.subtract([Self.slash], from: members)))
            case .anySequence:
                let after = addState()
                epsilons[state].append(after)
                add(from: state, any, to: after)
                add(from: after, any, to: after)
                state = after
            }
        }
        for scalar in String(decoding: pattern.tail, as: UTF8.self).unicodeScalars {
            state = step(from: state, Label(ranges: [scalar.value...scalar.value]))
        }
        if !pattern.allowsHidden {
            // The segment's first scalar leaves from `start` or a state reached from it without consuming
            // (after a `*` that matched nothing). Those states get a copy whose moves exclude `.`, entered
            // only from `start`; the originals keep every move for the scalars after the first.
            var copies: [Int: Int] = [start: start]
            var pending = [start]
            while let next = pending.popLast() {
                for target in epsilons[next] where copies[target] == nil {
                    copies[target] = addState()
                    pending.append(target)
                }
            }
            for (original, copy) in copies {
                moves[copy] = moves[original].map { (Label(ranges: Self.subtract([Self.dot], from: $0.label.ranges)), $0.to) }
                epsilons[copy] = epsilons[original].map { target in
                    guard let copied = copies[target] else { preconditionFailure("`copies` is closed under epsilon moves") }
                    return copied
                }
            }
        }
        return state
    }

    /// A shortest word both automata accept, found breadth first over pairs of states.
    static func commonWord(_ a: GlobAutomaton, _ b: GlobAutomaton) -> String? {
        struct Pair: Hashable { var a: Int, b: Int }
        struct Item { var pair: Pair, from: Pair?, scalar: UInt32? }
        var parent: [Pair: (from: Pair, scalar: UInt32?)] = [:]
        // Layer by layer (one layer per scalar consumed), moves that consume nothing staying in the layer,
        // a pair settled when first taken out: the first accepting pair taken ends a shortest word.
        var layer = [Item(pair: Pair(a: 0, b: 0), from: nil, scalar: nil)]
        var settled: Set<Pair> = []
        while !layer.isEmpty {
            var next: [Item] = []
            var head = 0
            while head < layer.count {
                let item = layer[head]
                head += 1
                let pair = item.pair
                guard settled.insert(pair).inserted else { continue }
                if let from = item.from { parent[pair] = (from, item.scalar) }
                if a.accepting.contains(pair.a) && b.accepting.contains(pair.b) {
                    var scalars: [UInt32] = []
                    var current = pair
                    while let link = parent[current] {
                        if let scalar = link.scalar { scalars.append(scalar) }
                        current = link.from
                    }
                    var text = String.UnicodeScalarView()
                    for value in scalars.reversed() { text.append(Unicode.Scalar(value) ?? "?") }
                    return String(text)
                }
                for target in a.epsilons[pair.a] where !settled.contains(Pair(a: target, b: pair.b)) {
                    layer.append(Item(pair: Pair(a: target, b: pair.b), from: pair, scalar: nil))
                }
                for target in b.epsilons[pair.b] where !settled.contains(Pair(a: pair.a, b: target)) {
                    layer.append(Item(pair: Pair(a: pair.a, b: target), from: pair, scalar: nil))
                }
                for left in a.moves[pair.a] {
                    for right in b.moves[pair.b] where !settled.contains(Pair(a: left.to, b: right.to)) {
                        guard let scalar = witness(intersect(left.label.ranges, right.label.ranges)) else { continue }
                        next.append(Item(pair: Pair(a: left.to, b: right.to), from: pair, scalar: scalar))
                    }
                }
            }
            layer = next
        }
        return nil
    }

    /// A readable member of `ranges`: `x`, else `a`, else the first one.
    private static func witness(_ ranges: [ClosedRange<UInt32>]) -> UInt32? {
        for preferred in (["x", "a", "0"] as [Unicode.Scalar]).map(\.value)
        where ranges.contains(where: { $0.contains(preferred) }) {
            return preferred
        }
        return ranges.first { Unicode.Scalar($0.lowerBound) != nil }?.lowerBound
    }

    static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound &+ 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    static func intersect(_ a: [ClosedRange<UInt32>], _ b: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        for x in a {
            for y in b where x.overlaps(y) { result.append(max(x.lowerBound, y.lowerBound)...min(x.upperBound, y.upperBound)) }
        }
        return result
    }

    /// `ranges` without the scalars in `removed` (ranges, or single scalars).
    static func subtract(_ removed: [ClosedRange<UInt32>], from ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result = normalized(ranges)
        for cut in normalized(removed) {
            result = result.flatMap { range -> [ClosedRange<UInt32>] in
                guard range.overlaps(cut) else { return [range] }
                var parts: [ClosedRange<UInt32>] = []
                if range.lowerBound < cut.lowerBound { parts.append(range.lowerBound...(cut.lowerBound - 1)) }
                if range.upperBound > cut.upperBound { parts.append((cut.upperBound + 1)...range.upperBound) }
                return parts
            }
        }
        return result
    }

    static func subtract(_ scalars: [UInt32], from ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        subtract(scalars.map { $0...$0 }, from: ranges)
    }
}
