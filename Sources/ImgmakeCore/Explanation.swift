/// The text of `explain` (shared with the shell).
package enum Explanation {
    package static func text(_ session: Session, targets: [String]) throws -> String {
        let edges = try session.edges(for: targets)
        let (_, checker) = session.staleness(of: edges)
        var text = ""
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
