import Foundation

/// The text of `explain` (shared with the shell), and its JSON (`explain --json`).
package enum Explanation {
    /// The targets that are sources (no rule makes them; some read them), with what reads them, apart from the others.
    private static func splitSources(_ session: Session, _ targets: [String]) -> (
        targets: [String], sources: [(target: String, rules: [String], outputs: [String])]
    ) {
        var rest: [String] = []
        var sources: [(target: String, rules: [String], outputs: [String])] = []
        for target in targets {
            if session.graph.edges(forTarget: target, cwd: session.cwd) == nil,
                let (rules, outputs) = session.graph.sourceUse(target, cwd: session.cwd)
            {
                sources.append((target, rules, outputs))
            } else {
                rest.append(target)
            }
        }
        return (rest, sources)
    }

    /// `explain --json`: `{"outputs": [{"target", "rule", "stale", "reasons"}], "sources": [{"target", "rules",
    /// "makes"}]}`, the outputs in the order asked (a rule's in its order), every reason in full.
    package static func json(_ session: Session, targets: [String]) throws -> [UInt8] {
        let (targets, sourceTargets) = splitSources(session, targets)
        let sources: [[String: Any]] = sourceTargets.map { ["target": $0.target, "rules": $0.rules, "makes": $0.outputs] }
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
        let (targets, sources) = splitSources(session, targets)
        var text = sources.map { "\($0.target): \(session.graph.sourceNote($0.target, cwd: session.cwd) ?? "a source")\n" }.joined()
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
