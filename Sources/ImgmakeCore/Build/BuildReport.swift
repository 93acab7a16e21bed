import Foundation

/// `--report FILE` (JSON, one record per output) and `--junit FILE` (JUnit XML, one test case per output).
enum BuildReport {
    /// `recordedResult` gives an output's recorded result (JSON text) when this run did not build it.
    static func json(
        results: [OutputResult], graph: BuildGraph, summary: BuildSummary, shard: Shard? = nil, zero: UInt64? = nil,
        recordedResult: (String) -> String? = { _ in nil }
    ) throws -> Data {
        let zero = zero ?? results.compactMap(\.start).min() ?? 0
        var outputs: [[String: Any]] = []
        for result in results.sorted(by: { graph.edges[$0.edge].output < graph.edges[$1.edge].output }) {
            let edge = graph.edges[result.edge]
            var record: [String: Any] = [
                "target": graph.display(edge.output),
                "rule": edge.rule.name,
                "inputs": edge.inputs.map { graph.display($0) },
                "status": result.status.rawValue,
                "reason": result.reason,
                "duration": (result.seconds * 1000).rounded() / 1000,
            ]
            record["bytes"] = result.summary?.bytes ?? NSNull()
            record["width"] = result.summary?.width ?? NSNull()
            record["height"] = result.summary?.height ?? NSNull()
            record["error"] = result.error ?? NSNull()
            record["from-cache"] = result.fromCache
            // Seconds from the start of the run (as `--trace` counts them), and the worker, for a job that ran.
            record["start"] = result.start.map { (Double($0 &- zero) / 1e6).rounded() / 1000 } ?? NSNull()
            record["worker"] = result.worker ?? NSNull()
            if edge.rule.program != nil {
                // What the function returned: built now, or recorded when it was built (the Manager().dict() of
                // a multiprocessing script, for every output, without recomputing any).
                let text = result.status == .built ? result.result : result.status == .upToDate ? recordedResult(edge.output) : nil
                record["result"] =
                    text.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed) } ?? NSNull()
            }
            outputs.append(record)
        }
        let document: [String: Any] = [
            "imgmake": ImgmakeVersion.current,
            "shard": shard.map { "\($0.index)/\($0.count)" } ?? NSNull(),
            "summary": [
                "built": summary.built, "from-cache": summary.fromCache, "would-build": summary.wouldBuild, "failed": summary.failed,
                "up-to-date": summary.upToDate,
                "skipped": summary.skipped + summary.deferred, "interrupted": summary.interrupted,
                "stopped": summary.stopped,
                "seconds": (summary.seconds * 1000).rounded() / 1000,
            ] as [String: Any],
            "outputs": outputs,
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }

    static func junit(results: [OutputResult], graph: BuildGraph, summary: BuildSummary) -> String {
        let byRule = Dictionary(grouping: results) { graph.edges[$0.edge].rule.name }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"imgmake\" tests=\"\(results.count)\" failures=\"\(summary.failed)\" time=\"\(summary.seconds)\">\n"
        for (rule, ruleResults) in byRule.sorted(by: { $0.key < $1.key }) {
            let cases = ruleResults.sorted { graph.edges[$0.edge].output < graph.edges[$1.edge].output }
            let failures = cases.filter { $0.status == .failed }.count
            let skipped = cases.filter { [.skipped, .wouldBuild, .interrupted].contains($0.status) }.count
            let time = cases.reduce(0) { $0 + $1.seconds }
            xml +=
                "  <testsuite name=\"\(escape(rule))\" tests=\"\(cases.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\" time=\"\(time)\">\n"
            for result in cases {
                let name = escape(graph.display(graph.edges[result.edge].output))
                xml += "    <testcase classname=\"\(escape(rule))\" name=\"\(name)\" time=\"\(result.seconds)\""
                switch result.status {
                case .failed:
                    let message = escape(result.error ?? "failed")
                    xml += ">\n      <failure message=\"\(message)\">\(message)</failure>\n    </testcase>\n"
                case .skipped:
                    xml += ">\n      <skipped message=\"\(escape(result.reason))\"/>\n    </testcase>\n"
                case .interrupted:
                    // Stopped with the build (a cancelled CI job): neither passed nor failed.
                    xml += ">\n      <skipped message=\"\(escape(result.error ?? "interrupted"))\"/>\n    </testcase>\n"
                case .wouldBuild:
                    // A dry run: not a pass (nothing was built), not a failure; CI systems show skipped cases' messages.
                    xml += ">\n      <skipped message=\"\(escape("would build: " + result.reason))\"/>\n    </testcase>\n"
                case .built, .upToDate:
                    xml += "/>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    /// `text` as XML 1.0 attribute or element content. Markup characters become entities; tab, newline and
    /// carriage return become character references (an attribute value keeps them that way, where a raw one
    /// would be read as a space). A character that XML 1.0 cannot hold at all, not even as a reference (the
    /// other C0 controls, U+FFFE, U+FFFF: `&#1;` makes the file unreadable to a strict parser), is written as a
    /// visible `\u{1B}`, so a file name with an escape sequence in it stays readable. The JSON report has the
    /// exact name.
    private static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
