/// The text of `explain` (shared with the shell).
package enum Explanation {
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
