/// "Did you mean …?" suggestions for misspelt names: variables here, and operations, arguments and
/// targets in the checker.
public enum Suggestions {
    /// The candidate closest to `word`, or nil when none is close enough to be a plausible typo.
    ///
    /// Closeness is the optimal-string-alignment distance (insertions, deletions, substitutions and
    /// swaps of neighbours each cost 1) between the lowercased strings, so a difference in case alone
    /// always qualifies. A candidate qualifies when that distance is at most `max(1, word.count / 3)`
    /// and smaller than the longer of the two names (so `w` never suggests `h`). Ties go to the
    /// smaller case-sensitive distance, then to the alphabetically first name. `word` itself is never
    /// suggested.
    public static func closest<Candidates: Sequence>(to word: String, in candidates: Candidates) -> String?
    where Candidates.Element == String {
        let lowered = Array(word.lowercased())
        let exact = Array(word)
        let limit = max(1, exact.count / 3)
        var best: (name: String, distance: Int, caseDistance: Int)?
        for candidate in candidates where candidate != word {
            let candidateCharacters = Array(candidate)
            let distance = editDistance(lowered, Array(candidate.lowercased()))
            guard distance <= limit, distance < max(exact.count, candidateCharacters.count) else { continue }
            let caseDistance = editDistance(exact, candidateCharacters)
            if let current = best,
                (current.distance, current.caseDistance, current.name) <= (distance, caseDistance, candidate)
            {
                continue
            }
            best = (candidate, distance, caseDistance)
        }
        return best?.name
    }

    /// The note to attach to an error about `word`: `["did you mean 'X'?"]`, or `[]` when nothing is close.
    public static func notes<Candidates: Sequence>(for word: String, in candidates: Candidates) -> [String]
    where Candidates.Element == String {
        closest(to: word, in: candidates).map { ["did you mean '\($0)'?"] } ?? []
    }

    /// Optimal-string-alignment distance between two strings, counting characters (case-sensitive).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        editDistance(Array(a), Array(b))
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Three rolling rows: the one before the previous is needed for swaps.
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, beforePrevious[j - 2] + 1)
                }
                current[j] = value
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
