import Foundation

/// A stretch of one run (`load`, `graph`, `staleness`, `build`), on the monotonic clock in nanoseconds.
package struct TracePhase: Sendable, Equatable {
    package var name: String
    package var start: UInt64
    package var end: UInt64
    package init(name: String, start: UInt64, end: UInt64) {
        self.name = name
        self.start = start
        self.end = end
    }
    package static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// `--trace FILE`: the run as a Chrome trace (Trace Event Format, JSON), which Perfetto (ui.perfetto.dev) and
/// `chrome://tracing` show, as Bazel's `--profile` and ninjatracing give: the phases on imgmake's own thread
/// (tid 0), and one complete event (`"ph": "X"`) per job on the thread of the worker that ran it, named by its
/// output, with its rule, output, status and inputs in `args`; outputs from a cache on a thread of their own.
enum BuildTrace {
    static func json(phases: [TracePhase], results: [OutputResult], graph: BuildGraph) throws -> Data {
        let zero = phases.map(\.start).min() ?? results.compactMap(\.start).min() ?? 0
        func microseconds(_ nanos: UInt64) -> Double { Double(nanos &- zero) / 1000 }
        var events: [[String: Any]] = [
            ["name": "process_name", "ph": "M", "pid": 1, "tid": 0, "args": ["name": "imgmake"]],
            ["name": "thread_name", "ph": "M", "pid": 1, "tid": 0, "args": ["name": "imgmake"]],
        ]
        for phase in phases {
            events.append([
                "name": phase.name, "cat": "phase", "ph": "X", "pid": 1, "tid": 0, "ts": microseconds(phase.start),
                "dur": Double(phase.end &- phase.start) / 1000,
            ])
        }
        let cacheThread = 1000
        var threads: Set<Int> = []
        for result in results {
            guard let start = result.start, result.status == .built || result.status == .failed || result.status == .interrupted
            else { continue }
            let edge = graph.edges[result.edge]
            let thread = result.fromCache ? cacheThread : (result.worker ?? 0)
            threads.insert(thread)
            var args: [String: Any] = [
                "rule": edge.rule.name, "output": graph.display(edge.output), "status": result.status.rawValue,
                "inputs": edge.inputs.count <= 10 ? edge.inputs.map { graph.display($0) } : ["\(edge.inputs.count) inputs"],
            ]
            if result.fromCache { args["from-cache"] = true }
            if let error = result.error { args["error"] = error }
            events.append([
                "name": graph.display(edge.output), "cat": edge.rule.name, "ph": "X", "pid": 1, "tid": thread,
                "ts": microseconds(start), "dur": result.seconds * 1e6, "args": args,
            ])
        }
        for thread in threads.sorted() where thread != 0 {
            let name = thread == cacheThread ? "cache" : "worker \(thread)"
            events.append(["name": "thread_name", "ph": "M", "pid": 1, "tid": thread, "args": ["name": name]])
        }
        let document: [String: Any] = ["traceEvents": events, "displayTimeUnit": "ms"]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
