import ImgmakeRecipe

/// `imgmake graph [TARGET...]`: the build graph as Graphviz dot, as `ninja -t graph` prints it. Files are nodes
/// (sources as plain boxes, outputs filled), each output in the cluster of the rule that makes it, with an arrow
/// from each input; `rules: true` draws one node per rule instead, with an arrow where one reads what another
/// makes (and from the sources' folders). Targets narrow it to what they need.
package enum GraphDot {
    package static func text(_ session: Session, targets: [String], rules: Bool) throws -> String {
        let graph = session.graph
        let edges = targets.isEmpty ? Array(0..<graph.edgeCount) : graph.closure(of: try session.edges(for: targets))
        var text =
            "digraph imgmake {\n    rankdir=LR;\n    graph [fontname=\"Helvetica\"];\n    node [fontname=\"Helvetica\", fontsize=10];\n"
        if rules {
            var ruleEdges: [Int: Set<String>] = [:]  // rule index → what it reads (rules, or source globs)
            var shown: [Int] = []
            for edge in edges {
                let item = graph.edges[edge]
                if !shown.contains(item.rule.index) { shown.append(item.rule.index) }
                for input in item.inputs {
                    if let producer = graph.producer[input] {
                        ruleEdges[item.rule.index, default: []].insert("rule:" + graph.edges[producer].rule.name)
                    } else {
                        ruleEdges[item.rule.index, default: []].insert("files:" + graph.display(PathName.directory(of: input)))
                    }
                }
            }
            var folders: Set<String> = []
            for index in shown.sorted() {
                let rule = session.recipe.rules[index]
                let count = graph.edgesByRule[index].count
                text +=
                    "    \(quote("rule:" + rule.name)) [label=\(quote("\(rule.name)\n\(count) output\(count == 1 ? "" : "s")")), shape=box, style=filled, fillcolor=\"#dbe9f6\"];\n"
                for from in (ruleEdges[index] ?? []).sorted() {
                    if from.hasPrefix("files:"), folders.insert(from).inserted {
                        let folder = String(from.dropFirst("files:".count))
                        text += "    \(quote(from)) [label=\(quote((folder.isEmpty ? "." : folder) + "/")), shape=folder];\n"
                    }
                    text += "    \(quote(from)) -> \(quote("rule:" + rule.name));\n"
                }
            }
            return text + "}\n"
        }
        var byRule: [Int: [Int]] = [:]
        for edge in edges { byRule[graph.edges[edge].rule.index, default: []].append(edge) }
        var sources: Set<String> = []
        var arrows = ""
        for (index, ruleEdges) in byRule.sorted(by: { $0.key < $1.key }) {
            let rule = session.recipe.rules[index]
            text += "    subgraph \(quote("cluster_" + rule.name)) {\n        label=\(quote(rule.name));\n        style=rounded;\n"
            for edge in ruleEdges {
                let item = graph.edges[edge]
                let output = graph.display(item.output)
                text += "        \(quote(output)) [shape=box, style=filled, fillcolor=\"#dbe9f6\"];\n"
                for input in item.inputs {
                    let name = graph.display(input)
                    if graph.producer[input] == nil { sources.insert(name) }
                    arrows += "    \(quote(name)) -> \(quote(output));\n"
                }
            }
            text += "    }\n"
        }
        for source in sources.sorted() { text += "    \(quote(source)) [shape=box];\n" }
        return text + arrows + "}\n"
    }

    /// A dot ID: a double-quoted string (quotes and backslashes escaped, newlines as `\n`).
    static func quote(_ text: String) -> String {
        var quoted = "\""
        for character in text {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            default: quoted.append(character)
            }
        }
        return quoted + "\""
    }
}
