/// Why an output must be built (README's *How staleness works*). The first reason of an output is the one printed in a line;
/// `--explain` prints them all.
package enum StaleReason: Equatable, Sendable, CustomStringConvertible {
    case alwaysMake
    case missing
    /// The output's size or mtime differs from the ones recorded when imgmake wrote it (truncated, replaced,
    /// written by something else), and with `--check hash` its content differs too (or was not recorded).
    case outputChanged
    /// An input is made by another job of this build.
    case inputRebuilt(String)
    case inputNewer(String)
    /// An input's size or mtime differs from the ones recorded when the output was built (it was replaced
    /// by an older file, say): what make misses and redo catches.
    case inputReplaced(String)
    case inputMissing(String)
    case noRecord
    case recipeChanged
    case inputSetChanged(added: [String], removed: [String])
    /// `--check hash`: an input's content differs from the recorded one.
    case contentChanged(String)

    package var description: String {
        switch self {
        case .alwaysMake: return "-B/--always-make"
        case .missing: return "the output is missing"
        case .outputChanged: return "it changed since imgmake built it (size/mtime differ from the record)"
        case .inputRebuilt(let input): return "its input \(input) is rebuilt first"
        case .inputNewer(let input): return "its input \(input) is newer"
        case .inputReplaced(let input): return "its input \(input) changed since the last build (size or time differs)"
        case .inputMissing(let input): return "its input \(input) is missing"
        case .noRecord: return "no record of a previous build in .imgmake/"
        case .recipeChanged: return "its recipe changed (the rule's steps, or the imgmake/libvips version)"
        case .inputSetChanged(let added, let removed):
            var parts: [String] = []
            if !added.isEmpty { parts.append("added " + Self.list(added)) }
            if !removed.isEmpty { parts.append("removed " + Self.list(removed)) }
            return "its input set changed: " + parts.joined(separator: "; ")
        case .contentChanged(let input): return "the content of its input \(input) changed"
        }
    }

    private static func list(_ paths: [String]) -> String {
        paths.count <= 3 ? paths.joined(separator: ", ") : paths.prefix(3).joined(separator: ", ") + " and \(paths.count - 3) more"
    }
}
