/// What a target completes to, for the shell's Tab and the command line's completion scripts alike: the rule
/// and group names that start with what is typed, then output paths one folder level at a time (`build/` before
/// `build/a.webp`), so that a tree of 10,000 outputs completes as file names do.
package enum TargetCandidates {
    /// `outputs`: the outputs' paths relative to where the line is typed, sorted.
    package static func complete(names: [String], outputs: [String], current: String) -> [String] {
        var seen = Set<String>()
        var result = names.filter { $0.hasPrefix(current) && seen.insert($0).inserted }
        for path in outputs where path.hasPrefix(current) {
            let rest = path.dropFirst(current.count)
            let candidate = rest.firstIndex(of: "/").map { current + rest[...$0] } ?? path
            if seen.insert(candidate).inserted { result.append(candidate) }
        }
        return result
    }
}
