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
    /// What changed (`thumbnail width 200 → 120`), when the state kept what the recorded fingerprint stood for.
    case recipeChanged(String?)
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
        case .recipeChanged(let change?): return "its recipe changed: " + change
        case .recipeChanged(nil): return "its recipe changed (the rule's steps, or the imgmake/libvips version)"
        case .inputSetChanged(let added, let removed):
            var parts: [String] = []
            if !added.isEmpty { parts.append("added " + Self.list(added)) }
            if !removed.isEmpty { parts.append("removed " + Self.list(removed)) }
            return "its input set changed: " + parts.joined(separator: "; ")
        case .contentChanged(let input): return "the content of its input \(input) changed"
        }
    }

    /// Every reason of an output, in one line (`--explain`, `explain`, the shell's `status` and `show`): the
    /// reasons about single inputs, when several are of one kind, as one count with the first few names (an
    /// aggregate of 3,060 photos: `222 of its 3060 inputs are newer (a.jpg, b.jpg, c.jpg and 219 more)`).
    /// `inputs`: how many inputs the output has.
    package static func explain(_ reasons: [StaleReason], inputs: Int) -> String {
        var order: [(reason: StaleReason, kind: String?)] = []
        var byKind: [String: [String]] = [:]
        for reason in reasons {
            guard let (kind, input) = reason.perInput else {
                order.append((reason, nil))
                continue
            }
            if byKind[kind] == nil { order.append((reason, kind)) }
            byKind[kind, default: []].append(input)
        }
        return order.map { reason, kind in
            guard let kind, let paths = byKind[kind], paths.count > 1 else { return reason.description }
            return "\(paths.count) of its \(max(inputs, paths.count)) inputs \(kind) (\(list(paths)))"
        }.joined(separator: "; ")
    }

    /// For a reason about one input: the plural phrase of its kind, and the input.
    private var perInput: (kind: String, input: String)? {
        switch self {
        case .inputRebuilt(let input): return ("are rebuilt first", input)
        case .inputNewer(let input): return ("are newer", input)
        case .inputReplaced(let input): return ("changed since the last build (size or time differs)", input)
        case .inputMissing(let input): return ("are missing", input)
        case .contentChanged(let input): return ("changed content", input)
        default: return nil
        }
    }

    private static func list(_ paths: [String]) -> String { Listing.names(paths) }
}
