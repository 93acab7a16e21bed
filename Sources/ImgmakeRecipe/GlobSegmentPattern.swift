/// A piece of a wildcard segment, as written (before `GlobSegmentPattern` lays it out flat).
enum GlobToken: Sendable {
    case literal([UInt8])
    /// `?`: one character (one Unicode scalar, whatever its UTF-8 length).
    case anyCharacter
    /// `*`: any run of characters, possibly empty.
    case anySequence
    /// `[...]`: one character in (or, negated, not in) the set.
    case characterSet(GlobCharacterSet)
}

/// The members of a `[...]` class, as Unicode scalar value ranges.
struct GlobCharacterSet: Sendable {
    var negated: Bool
    var ranges: [ClosedRange<UInt32>]

    func contains(_ scalar: UInt32) -> Bool {
        ranges.contains { $0.contains(scalar) } != negated
    }

    /// The class of a letter in both its cases (`[aA]`), or nil for a character with one case (a digit, `.`,
    /// `ß`, whose capital is two letters).
    static func cases(of character: Character) -> GlobCharacterSet? {
        let text = String(character)
        let scalars = Set(
            [text, text.lowercased(), text.uppercased()].compactMap { variant -> UInt32? in
                let scalars = variant.unicodeScalars
                return scalars.count == 1 ? scalars.first?.value : nil
            })
        guard scalars.count > 1, character.unicodeScalars.count == 1 else { return nil }
        return GlobCharacterSet(negated: false, ranges: scalars.sorted().map { $0...$0 })
    }

    /// The same class with every letter in both cases (`[a-c]` holds `A`-`C` too; `[!a]` excludes `A`).
    var ignoringCase: GlobCharacterSet {
        var added: [ClosedRange<UInt32>] = []
        for range in ranges {
            // ASCII letters by range arithmetic (a class like `[!a-z]` can be wide); other scalars one by one.
            for (from, to) in [(UInt32(0x61), UInt32(0x41)), (UInt32(0x41), UInt32(0x61))] {
                let low = max(range.lowerBound, from)
                let high = min(range.upperBound, from + 25)
                if low <= high { added.append((low - from + to)...(high - from + to)) }
            }
            guard range.count <= 256 else { continue }
            for value in range where value >= 0x80 {
                guard let scalar = Unicode.Scalar(value), let set = Self.cases(of: Character(scalar)) else { continue }
                added += set.ranges
            }
        }
        return GlobCharacterSet(negated: negated, ranges: ranges + added)
    }
}

/// A segment with wildcards. The literal runs at both ends (`head`, `tail`) are compared directly;
/// the tokens between them are matched with the classic single-backtrack-point algorithm (correct for
/// several `*` because every other token has a fixed length at any position). Tokens are plain values
/// pointing into `literals` and `sets`, and the pattern is a class so that reading it out of a segment
/// costs one reference count, not one per array.
final class GlobSegmentPattern: Sendable {
    /// A token laid out flat: a literal is `literals[start..<start + count]`, a set is `sets[start]`.
    struct Step: Sendable {
        enum Kind: Sendable { case literal, anyCharacter, anySequence, characterSet }
        var kind: Kind
        var start = 0
        var count = 0
    }

    /// True when the pattern starts with a literal `.`: only then may it match a hidden name.
    let allowsHidden: Bool
    /// The literal bytes the segment must start with and end with (empty when the pattern starts,
    /// or ends, with a wildcard).
    let head: [UInt8]
    let tail: [UInt8]
    /// The tokens between `head` and `tail`.
    let steps: [Step]
    let literals: [UInt8]
    let sets: [GlobCharacterSet]

    init(tokens: [GlobToken], allowsHidden: Bool) {
        self.allowsHidden = allowsHidden
        var middle = tokens[...]
        if case .literal(let bytes) = middle.first {
            head = bytes
            middle = middle.dropFirst()
        } else {
            head = []
        }
        if case .literal(let bytes) = middle.last {
            tail = bytes
            middle = middle.dropLast()
        } else {
            tail = []
        }
        var steps: [Step] = []
        var literals: [UInt8] = []
        var sets: [GlobCharacterSet] = []
        for token in middle {
            switch token {
            case .literal(let bytes):
                steps.append(Step(kind: .literal, start: literals.count, count: bytes.count))
                literals += bytes
            case .anyCharacter:
                steps.append(Step(kind: .anyCharacter))
            case .anySequence:
                steps.append(Step(kind: .anySequence))
            case .characterSet(let set):
                steps.append(Step(kind: .characterSet, start: sets.count))
                sets.append(set)
            }
        }
        (self.steps, self.literals, self.sets) = (steps, literals, sets)
    }

    func matches(_ path: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        if start < end, path[start] == GlobBytes.dot {
            guard allowsHidden, !GlobBytes.isDotOrDotDot(path, start, end) else { return false }
        }
        guard end - start >= head.count + tail.count,
            GlobBytes.equal(path, start, head), GlobBytes.equal(path, end - tail.count, tail)
        else { return false }
        return literals.withUnsafeBufferPointer { literals in
            matchSteps(path, start + head.count, end - tail.count, literals)
        }
    }

    private func matchSteps(
        _ path: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
        _ literals: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        var step = 0
        var position = start
        var starStep = -1
        var starPosition = start
        while position < end {
            if step < steps.count {
                let current = steps[step]
                switch current.kind {
                case .anySequence:
                    if step == steps.count - 1 { return true }
                    starStep = step
                    starPosition = position
                    step += 1
                    continue
                case .anyCharacter:
                    position = GlobBytes.nextScalar(path, position, end)
                    step += 1
                    continue
                case .literal:
                    let bytes = UnsafeBufferPointer(rebasing: literals[current.start..<(current.start + current.count)])
                    if end - position >= bytes.count, GlobBytes.equal(path, position, bytes) {
                        position += bytes.count
                        step += 1
                        continue
                    }
                case .characterSet:
                    let next = GlobBytes.nextScalar(path, position, end)
                    if sets[current.start].contains(GlobBytes.scalar(path, position, next)) {
                        position = next
                        step += 1
                        continue
                    }
                }
            }
            guard starStep >= 0 else { return false }
            starPosition = GlobBytes.nextScalar(path, starPosition, end)
            position = starPosition
            step = starStep + 1
        }
        while step < steps.count, steps[step].kind == .anySequence { step += 1 }
        return step == steps.count
    }
}
