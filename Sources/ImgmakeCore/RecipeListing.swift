import Foundation

/// The text of `list` (shared with the shell).
package enum RecipeListing {
    package static func text(_ session: Session) -> String {
        let graph = session.graph
        let (_, checker) = session.staleness(of: Array(graph.edges.indices))
        let width = max(8, session.recipe.targetNames.map(\.count).max() ?? 0)
        var text = "rules:\n"
        for rule in session.recipe.rules {
            let edges = graph.edgesByRule[rule.index]
            let stale = edges.filter { checker.isStale($0) }.count
            let counts = "\(edges.count) output\(edges.count == 1 ? "" : "s"), \(stale) stale"
            let shape = "\(rule.syntax.outputPattern.value) <- \(rule.syntax.inputGlobs.map(\.value).joined(separator: " "))"
            text +=
                "  \(rule.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(counts.padding(toLength: 24, withPad: " ", startingAt: 0))  \(shape)\n"
        }
        if !session.recipe.groups.isEmpty {
            text += "groups:\n"
            for group in session.recipe.groups {
                text +=
                    "  \(group.name.value.padding(toLength: width, withPad: " ", startingAt: 0))  \(group.targets.map(\.value).joined(separator: " "))\n"
            }
        }
        if let target = session.recipe.recipe.defaultTarget { text += "default target: \(target)\n" }
        return text
    }
}
