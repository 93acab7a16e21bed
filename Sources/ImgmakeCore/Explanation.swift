import Foundation

/// The text of `explain` (shared with the shell), and its JSON (`explain --json`).
package enum Explanation {
    /// `explain --json`: `{"outputs": [{"target", "rule", "stale", "reasons"}], "sources": [{"target", "rules",
    /// "makes"}]}`, the outputs in the order asked (a rule's in its order), every reason in full.
    package static func json(_ session: Session, targets: [String]) throws -> [UInt8] {
        var sources: [[String: Any]] = []
        var targets = targets
        targets.removeAll { target in
            guard session.graph.edges(forTarget: target, cwd: session.cwd) == nil,
                let (rules, outputs) = session.graph.sourceUse(target, cwd: session.cwd)
            else { return false }
            sources.append(["target": target, "rules": rules, "makes": outputs])
            return true
        }
        let edges = targets.isEmpty && !sources.isEmpty ? [] : try session.edges(for: targets)
        let (_, checker) = session.staleness(of: edges)
        let outputs: [[String: Any]] = edges.map { edge in
            let item = session.graph.edges[edge]
            let reasons = checker.reasons[edge] ?? []
            return [
                "target": session.graph.display(item.output), "rule": item.rule.name, "stale": !reasons.isEmpty,
                "reasons": reasons.map(\.description),
            ]
        }
        let document: [String: Any] = ["outputs": outputs, "sources": sources]
        return Array(try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            + [10]
    }

    package static func text(_ session: Session, targets: [String]) throws -> String {
        // A source asked about is said to be one (what it feeds), not an error; other targets are explained.
        var text = ""
        var targets = targets
        targets.removeAll { target in
            guard session.graph.edges(forTarget: target, cwd: session.cwd) == nil,
                let note = session.graph.sourceNote(target, cwd: session.cwd)
            else { return false }
            text += "\(target): \(note)\n"
            return true
        }
        if targets.isEmpty && !text.isEmpty { return text }
        let edges = try session.edges(for: targets)
        let (_, checker) = session.staleness(of: edges)
        for edge in edges {
            let name = session.graph.display(session.graph.edges[edge].output)
            let reasons = checker.reasons[edge] ?? []
            if reasons.isEmpty {
                text += "\(name): up to date\n"
            } else {
                let inputs = session.graph.edges[edge].inputs.count
                text += "\(name): stale: " + StaleReason.explain(reasons, inputs: inputs) + "\n"
            }
        }
        return text
    }
}
