import ImgmakeRecipe

/// Whether a path has the shape of a rule's outputs (its output pattern, placeholders taken as wildcards),
/// whether or not an input makes it now. `clean` uses it to tell outputs from sources.
enum OutputCoverage {
    static func covers(rule: CheckedRule, path: String) -> Bool {
        guard let rel = PathName.relative(path, to: rule.syntax.directory) else { return false }
        var pattern = ""
        for piece in rule.output.pieces {
            switch piece {
            case let .literal(text): pattern += escape(text)
            case let .placeholder(placeholder):
                switch placeholder.name {
                case "path": pattern += "**/*"
                case "dir": pattern += "**"
                default: pattern += "*"
                }
            }
        }
        return Glob.expandBraces(pattern).contains { (try? Glob($0))?.matches(PathName.normalize(rel)) ?? false }
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            if "*?[]{},\\".contains(character) { out += "[\(character)]" } else { out.append(character) }
        }
        return out
    }
}
