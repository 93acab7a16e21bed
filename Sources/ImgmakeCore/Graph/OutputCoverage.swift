import ImgmakeRecipe

/// The shape of a rule's outputs as a glob, whether or not an input makes them now: its output pattern with
/// `{path}` as `**/?*`, `{dir}` as `**`, `{name}` and `{ext}` as `?*`, and each `with` name as the
/// alternatives of its values; absolute, so that rules of different folders compare. The graph uses it
/// to refuse rules that read their own outputs (or feed each other) before any file exists, and to tell a
/// current rule's left-over outputs from sources; `clean` to tell outputs from sources.
enum OutputCoverage {
    static func covers(rule: CheckedRule, path: String) -> Bool {
        glob(of: rule)?.matches(path) ?? false
    }

    /// The rule's outputs as an absolute glob (nil in the unlikely case the text does not compile).
    static func glob(of rule: CheckedRule) -> Glob? {
        var pattern = ""
        for piece in rule.output.pieces {
            switch piece {
            case .literal(let text): pattern += Glob.escaping(text)
            case .placeholder(let placeholder):
                switch InputPlaceholder(rawValue: placeholder.name) {
                case .path: pattern += "**/?*"
                case .dir: pattern += "**"
                case .name, .ext: pattern += "?*"
                case nil:
                    let values = rule.matrix.first { $0.name == placeholder.name }?.values ?? []
                    pattern +=
                        values.count == 1
                        ? Glob.escaping(values[0])
                        : values.isEmpty ? "?*" : "{" + values.map(Glob.escaping).joined(separator: ",") + "}"
                }
            }
        }
        return try? Glob(absolute(pattern, in: rule.syntax.directory))
    }

    /// A glob of the rule's directory made absolute, `.` and `..` segments of its literal part resolved.
    /// A `(?i)` prefix stays in front.
    static func absolute(_ pattern: String, in directory: String) -> String {
        if pattern.hasPrefix(Glob.ignoreCasePrefix) {
            return Glob.ignoreCasePrefix + absolute(String(pattern.dropFirst(Glob.ignoreCasePrefix.count)), in: directory)
        }
        if pattern.hasPrefix("/") { return pattern }
        var segments: [Substring] = Glob.escaping(directory).split(separator: "/", omittingEmptySubsequences: true)
        for segment in pattern.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == "..", let last = segments.last, last != "..", !last.contains(where: { "*?[{\\".contains($0) }) {
                segments.removeLast()
                continue
            }
            segments.append(segment)
        }
        return "/" + segments.joined(separator: "/")
    }
}
