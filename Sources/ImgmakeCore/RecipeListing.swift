import Foundation

/// The text of `list` (shared with the shell), and its JSON (`list --json`).
package enum RecipeListing {
    /// `list --json`: every rule (name, location, output pattern, globs, each output with whether it is stale
    /// and why), every group, the default target.
    package static func json(_ session: Session) throws -> [UInt8] {
        let graph = session.graph
        let (_, checker) = session.staleness(of: Array(graph.edges.indices))
        let rules: [[String: Any]] = session.recipe.rules.map { rule in
            let outputs: [[String: Any]] = graph.edgesByRule[rule.index].map { edge in
                let reasons = checker.reasons[edge] ?? []
                var record: [String: Any] = ["path": graph.display(graph.edges[edge].output), "stale": !reasons.isEmpty]
                if let first = reasons.first { record["reason"] = first.description }
                return record
            }
            return [
                "name": rule.name, "location": rule.syntax.name.location.description,
                "output-pattern": rule.syntax.outputPattern.value, "inputs": rule.syntax.inputGlobs.map(\.value),
                "aggregate": rule.isAggregate, "outputs": outputs,
                "stale": outputs.filter { $0["stale"] as? Bool == true }.count,
            ]
        }
        let groups: [[String: Any]] = session.recipe.groups.map { ["name": $0.name.value, "targets": $0.targets.map(\.value)] }
        let document: [String: Any] = [
            "rules": rules, "groups": groups, "default-target": session.recipe.recipe.defaultTarget ?? NSNull(),
        ]
        return Array(try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            + [10]
    }

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
