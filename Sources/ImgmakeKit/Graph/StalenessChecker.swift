/// Decides, for edges in dependency order, which outputs are stale and why (SPEC §2 rules 1–4; rule 5,
/// content hashes, plugs in through `ContentCheck`). Every path is stat'ed at most once per run.
public final class StalenessChecker {
    public struct Options {
        public var alwaysMake = false
        public var libraryVersion = ""
        public init() {}
    }

    private let graph: BuildGraph
    private let state: BuildState
    private let disk: DiskInterface
    private let options: Options
    private var stamps: [String: FileStamp?] = [:]
    /// Reasons of every evaluated edge; an empty list means up to date.
    public private(set) var reasons: [Int: [StaleReason]] = [:]

    public init(graph: BuildGraph, state: BuildState, disk: DiskInterface, options: Options) {
        self.graph = graph
        self.state = state
        self.disk = disk
        self.options = options
    }

    /// The stamp of a path, read once.
    public func stamp(_ path: String) -> FileStamp? {
        if let cached = stamps[path] { return cached }
        let stamp = disk.stamp(path)
        stamps[path] = stamp
        return stamp
    }

    /// Forgets a path's stamp (after a job wrote it).
    public func invalidate(_ path: String) { stamps[path] = nil }

    /// Evaluates `order` (dependencies first, as `BuildGraph.closure` gives it).
    public func evaluate(_ order: [Int]) {
        for edge in order where reasons[edge] == nil {
            reasons[edge] = evaluate(edge: edge)
        }
    }

    public func isStale(_ edge: Int) -> Bool { !(reasons[edge]?.isEmpty ?? true) }

    /// The root-relative key of a path in the state.
    public func key(_ path: String) -> String { PathName.relative(path, to: graph.root) ?? path }

    private func evaluate(edge index: Int) -> [StaleReason] {
        let edge = graph.edges[index]
        guard let output = stamp(edge.output) else { return [.missing] }
        var found: [StaleReason] = []
        if options.alwaysMake { found.append(.alwaysMake) }
        let record = state.records[key(edge.output)]
        let recorded = Dictionary(record?.inputs.map { ($0.path, $0.stamp) } ?? [], uniquingKeysWith: { a, _ in a })
        for input in edge.inputs {
            let name = graph.display(input)
            if let producer = graph.producer[input], isStale(producer) {
                found.append(.inputRebuilt(name))
                continue
            }
            guard let current = stamp(input) else {
                found.append(.inputMissing(name))
                continue
            }
            if current.mtime > output.mtime {
                found.append(.inputNewer(name))
            } else if let before = recorded[key(input)], before != current {
                found.append(.inputReplaced(name))
            }
        }
        guard state.isAvailable else { return found }
        guard let record else { return found + [.noRecord] }
        if record.recipeFingerprint != RecipeFingerprint.of(edge.job, root: graph.root, libraryVersion: options.libraryVersion) {
            found.append(.recipeChanged)
        }
        if edge.job.isAggregate {
            let now = Set(edge.sources.map(key))
            let before = Set(record.inputs.map(\.path))
            let imageKeys = Set(edge.imageInputs.map(key))
            let added = now.subtracting(before).sorted()
            let removed = before.subtracting(now).subtracting(imageKeys).sorted()
            if !added.isEmpty || !removed.isEmpty {
                found.append(.inputSetChanged(added: added, removed: removed))
            }
        }
        return found
    }
}
