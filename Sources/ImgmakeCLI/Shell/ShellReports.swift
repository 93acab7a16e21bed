import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeVips

/// The text of the shell's own reports: `status`, `show`, and one argument of `help OPERATION ARGUMENT`.
enum ShellReports {
    /// How many stale outputs of one rule `status` lists before it summarises.
    static let staleLinesPerRule = 20
    /// How many outputs of a rule `show` lists.
    static let outputLines = 50

    /// `status`: per rule, the stale outputs (of `edges` and what they depend on) and why.
    static func status(_ session: Session, edges: [Int]) -> String {
        let graph = session.graph
        let (order, checker) = session.staleness(of: edges)
        guard !order.isEmpty else { return "no outputs (the rules' inputs match no files)\n" }
        var byRule: [Int: [Int]] = [:]
        for edge in order { byRule[graph.edges[edge].rule.index, default: []].append(edge) }
        var text = ""
        var staleTotal = 0
        for rule in session.recipe.rules {
            guard let ruleEdges = byRule[rule.index] else { continue }
            let stale = ruleEdges.filter { checker.isStale($0) }
            staleTotal += stale.count
            let counted = "\(ruleEdges.count) output\(ruleEdges.count == 1 ? "" : "s")"
            if stale.isEmpty {
                text += "\(rule.name): up to date (\(counted))\n"
                continue
            }
            text += "\(rule.name): \(stale.count) of \(counted) stale\n"
            for edge in stale.prefix(staleLinesPerRule) {
                let reasons = checker.reasons[edge] ?? []
                let inputs = graph.edges[edge].inputs.count
                text += "  \(graph.display(graph.edges[edge].output)): " + StaleReason.explain(reasons, inputs: inputs) + "\n"
            }
            if stale.count > staleLinesPerRule {
                text += "  ... and \(stale.count - staleLinesPerRule) more (`explain \(rule.name)` lists every output)\n"
            }
        }
        if staleTotal == 0 {
            text += "everything is up to date (\(order.count) output\(order.count == 1 ? "" : "s"))\n"
        } else {
            text += "\(staleTotal) of \(order.count) output\(order.count == 1 ? "" : "s") stale: `build` builds them\n"
        }
        return text
    }

    /// `show RULE|GROUP|OUTPUT`.
    static func show(_ session: Session, target: String) throws -> String {
        let recipe = session.recipe
        let graph = session.graph
        if let rule = recipe.rule(named: target) {
            let edges = graph.edgesByRule[rule.index]
            let (_, checker) = session.staleness(of: edges)
            var text = ruleHeader(rule)
            let stale = edges.filter { checker.isStale($0) }.count
            text += "  \(edges.count) output\(edges.count == 1 ? "" : "s"), \(stale) stale" + (edges.isEmpty ? "\n" : ":\n")
            let shown = Array(edges.prefix(outputLines))
            let width = shown.map { graph.display(graph.edges[$0].output).count }.max() ?? 0
            for edge in shown {
                text += "    " + outputLine(session, edge: edge, checker: checker, width: width) + "\n"
            }
            if edges.count > outputLines { text += "    ... and \(edges.count - outputLines) more\n" }
            return text
        }
        if let group = recipe.group(named: target) {
            var text =
                "group \(group.name.value)  (\(group.name.location))\n  targets: \(group.targets.map(\.value).joined(separator: " "))\n"
            let edges = graph.edges(forTarget: target, cwd: session.cwd) ?? []
            let (_, checker) = session.staleness(of: edges)
            text += "  \(edges.count) output\(edges.count == 1 ? "" : "s"), \(edges.filter { checker.isStale($0) }.count) stale\n"
            return text
        }
        guard let edges = graph.edges(forTarget: target, cwd: session.cwd), let edge = edges.first else {
            _ = try session.edges(for: [target])  // throws "no rule, group or output called ..." with a suggestion
            return ""
        }
        let item = graph.edges[edge]
        let (_, checker) = session.staleness(of: [edge])
        var text = "output \(graph.display(item.output))\n"
        text += ruleHeader(item.rule, indent: "  ")
        text += "  inputs:\n" + item.inputs.map { "    \(graph.display($0))\n" }.joined()
        let reasons = checker.reasons[edge] ?? []
        text += "  status: " + (reasons.isEmpty ? "up to date" : "stale: " + StaleReason.explain(reasons, inputs: item.inputs.count)) + "\n"
        return text
    }

    private static func ruleHeader(_ rule: CheckedRule, indent: String = "") -> String {
        let syntax = rule.syntax
        var text = indent + "rule \(rule.name)  (\(syntax.name.location))\n"
        // As the recipe spells them: `"my photos/*.jpg"` in quotes.
        func word(_ text: String) -> String { RecipeQuoting.word(text, quoted: false) }
        text += indent + "  \(word(syntax.outputPattern.value)) <- \(syntax.inputGlobs.map { word($0.value) }.joined(separator: " "))"
        text += rule.isAggregate ? "   (aggregate: all inputs make one output)\n" : "\n"
        for axis in rule.matrix { text += indent + "  with \(axis.name) = \(axis.values.map(word).joined(separator: " "))\n" }
        text += indent + "  steps:\n" + rule.stepLines.map { indent + "    \($0)\n" }.joined()
        return text
    }

    private static func outputLine(_ session: Session, edge: Int, checker: StalenessChecker, width: Int) -> String {
        let graph = session.graph
        let item = graph.edges[edge]
        let inputs = item.inputs
        let from =
            inputs.count <= 2
            ? inputs.map { graph.display($0) }.joined(separator: " ")
            : "\(graph.display(inputs[0])) and \(inputs.count - 1) more"
        let reasons = checker.reasons[edge] ?? []
        let output = graph.display(item.output)
        return output.padding(toLength: max(width, output.count), withPad: " ", startingAt: 0) + "  <- \(from)"
            + (reasons.isEmpty ? "" : "   stale: \(reasons[0])")
    }

    /// The lines of one argument in `OperationDocs.describe`'s text.
    static func argumentEntry(_ describe: String, name: String, operation: OperationInfo) -> String? {
        let lines = describe.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard
            let start = lines.firstIndex(where: { line in
                let trimmed = line.drop { $0 == " " }
                guard line.hasPrefix("   "), trimmed.hasPrefix(name) else { return false }
                return trimmed.dropFirst(name.count).drop { $0 == " " }.hasPrefix("- ")
            })
        else { return nil }
        var text = "\(operation.nickname) \(name):\n" + lines[start] + "\n"
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("\t") else { break }
            text += line + "\n"
        }
        return text
    }
}
