import ImgmakeJob
import ImgmakeRecipe

/// The build graph: one edge per output, found by matching every rule's globs against the files on disk
/// and against the outputs of the other rules (which makes chains), then checked for clashes and cycles.
///
/// Paths are interned once (`paths`) and the edges kept as arrays of IDs (`EdgeStorage`); `edges[index]`
/// makes an `Edge` value with strings for code that wants one, while the no-op path reads the arrays.
package final class BuildGraph {
    let recipe: CheckedRecipe
    let root: String
    /// Every path of the graph (inputs, outputs, `@` files).
    let paths: PathTable
    private(set) var storage = EdgeStorage()
    let jobs: EdgeJobs
    /// Path ID → the edge that makes it, or -1.
    private var producerOfPath: [Int32] = []
    /// Edge indices of each rule, in output order.
    package private(set) var edgesByRule: [[Int]] = []
    /// The rules' matrix combinations (the placeholder values of `with` names), per rule.
    private let combinations: [[[String: String]]]
    /// What a build prints as warnings before it starts, once each (files the globs skipped, globs that
    /// match nothing ...).
    private(set) var warnings: [String] = []
    /// The walked files' stamps read while the graph was built, until the first staleness check takes them.
    private var earlyStamps: EarlyStamps?

    /// Options that shape the graph.
    struct Options {
        var maxPixels = OptionDefaults.maxPixels
        var allowOutside = false
        /// Stat the files the globs find beside the walk (`EarlyStamps`), for a command that judges
        /// staleness right after loading (the command line's build, list and explain; not the shell, whose
        /// sessions live on).
        var readsStampsEarly = false
        init() {}
    }

    /// Builds the graph from the recipe and the files on disk. A file a glob matches is an input whoever
    /// wrote it, unless it is a current rule's left-over output: where that rule puts its outputs, not made
    /// by it now, and still the file imgmake built (`recordedStamp`: the build log's stamp of an output,
    /// by absolute path).
    init(
        recipe: CheckedRecipe, disk: DiskInterface, catalog: OperationCatalog, options: Options = Options(),
        recordedStamp: @escaping (String) -> FileStamp? = { _ in nil }
    ) throws {
        self.recipe = recipe
        self.root = recipe.recipe.rootDirectory
        var builder = GraphBuilder(recipe: recipe, disk: disk, catalog: catalog, options: options, recordedStamp: recordedStamp)
        try builder.build()
        paths = builder.paths
        jobs = builder.jobs
        storage = builder.storage
        producerOfPath = builder.producerOfPath
        edgesByRule = builder.edgesByRule
        combinations = builder.combinations
        warnings = builder.warnings
        earlyStamps = builder.earlyStamps
    }

    /// Waits until the stamps handed to be read early are read (for tests).
    func waitForEarlyStamps() { earlyStamps?.waitForReads() }

    /// The stamps read beside the walk (`Options.readsStampsEarly`), once: a later call returns none.
    func takeEarlyStamps() -> [(id: PathTable.ID, stamp: FileStamp?)] {
        defer { earlyStamps = nil }
        return earlyStamps?.take() ?? []
    }

    // MARK: edges by index

    /// The edges as values (each made when asked for).
    package var edges: EdgeList { EdgeList(graph: self) }

    /// Output path → index of the edge that makes it.
    package var producer: ProducerMap { ProducerMap(graph: self) }

    package var edgeCount: Int { storage.count }

    func outputID(of edge: Int) -> PathTable.ID { storage.output[edge] }

    /// The output of an edge (absolute).
    package func output(of edge: Int) -> String { paths.string(storage.output[edge]) }

    func rule(of edge: Int) -> CheckedRule { recipe.rules[Int(storage.rule[edge])] }

    func sourceIDs(of edge: Int) -> ArraySlice<PathTable.ID> {
        storage.sources[Int(storage.sourceStart[edge])..<Int(storage.sourceStart[edge + 1])]
    }

    func imageInputIDs(of edge: Int) -> [PathTable.ID] { storage.imageInputs[edge] }

    func dependencies(of edge: Int) -> [Int] { storage.dependencies[edge] }

    func isAggregate(_ edge: Int) -> Bool { storage.belowStart[edge] < 0 }

    /// The edge that makes a path, if one does.
    func producer(ofPath id: PathTable.ID) -> Int? {
        let index = Int(id)
        guard index < producerOfPath.count else { return nil }
        let edge = producerOfPath[index]
        return edge < 0 ? nil : Int(edge)
    }

    /// The fingerprint of the edge's job (one computation per shared job).
    func fingerprint(of edge: Int, libraryVersion: String) -> UInt64 {
        jobs.fingerprint(storage.job[edge], root: root, libraryVersion: libraryVersion)
    }

    /// Edge `index` as a value.
    func edge(_ index: Int) -> Edge {
        let sources = sourceIDs(of: index).map(paths.string)
        var job = jobs.jobs[Int(storage.job[index])]
        job.sources = sources
        let combination = combinations[Int(storage.rule[index])][Int(storage.combination[index])]
        var placeholders = combination
        let below = Int(storage.belowStart[index])
        if below >= 0, let source = sourceIDs(of: index).first {
            placeholders = InputPlaceholder.values(below: paths.string(source, from: below))
            placeholders.merge(combination) { _, new in new }
        }
        return Edge(
            rule: rule(of: index), output: output(of: index), sources: sources, placeholders: placeholders, job: job,
            imageInputs: storage.imageInputs[index].map(paths.string), dependencies: storage.dependencies[index])
    }

    /// The edges of a graph, made on demand.
    package struct EdgeList: RandomAccessCollection {
        let graph: BuildGraph
        package var startIndex: Int { 0 }
        package var endIndex: Int { graph.storage.count }
        package subscript(index: Int) -> Edge { graph.edge(index) }
    }

    /// Output paths to the edges that make them.
    package struct ProducerMap {
        let graph: BuildGraph
        package subscript(path: String) -> Int? { graph.paths.find(path).flatMap(graph.producer(ofPath:)) }
    }

    /// The folders the outputs go into (each once).
    func outputDirectories() -> Set<String> {
        var folders: Set<String> = []
        var last: [UInt8] = []
        for id in storage.output {
            paths.withBytes(id) { bytes in
                let end = GraphBytes.fileNameStart(bytes)
                let folder = UnsafeBufferPointer(rebasing: bytes[..<max(0, end - 1)])
                guard !folders.isEmpty, GraphBytes.equal(last, folder) else {
                    last = Array(folder)
                    folders.insert(PathName.directory(of: String(decoding: bytes, as: UTF8.self)))
                    return
                }
            }
        }
        return folders
    }

    /// Refuses to build an aggregate that has no inputs (its globs match no file and no other rule's output):
    /// a contact sheet of an empty folder cannot be made. Checked for what is about to be built (`order`,
    /// dependencies included), before any job runs, so that such a rule does not block other targets.
    func requireInputs(_ order: [Int]) throws {
        var errors: [RecipeError] = []
        var reported: Set<Int> = []
        for index in order where isAggregate(index) && sourceIDs(of: index).isEmpty {
            let rule = rule(of: index)
            guard reported.insert(rule.index).inserted else { continue }
            errors.append(
                RecipeError(
                    "rule '\(rule.name)' has no inputs to make \(display(output(of: index))) from",
                    at: rule.syntax.name.location,
                    notes: rule.globs.map { "\($0.location): '\($0.text)' matches no file and no output of another rule" }))
        }
        if !errors.isEmpty { throw RecipeErrors(errors) }
    }

    /// Edges of a target: a rule name, a group name, an output path (absolute or relative to `cwd`), or a folder
    /// (`out/thumbs/2024/`, with or without the slash): every output below it.
    package func edges(forTarget target: String, cwd: String) -> [Int]? {
        if let rule = recipe.rule(named: target) { return edgesByRule[rule.index] }
        if let group = recipe.group(named: target) {
            var result: [Int] = []
            var seen: Set<Int> = []
            for inner in group.targets {
                for edge in edges(forTarget: inner.value, cwd: root) ?? [] where seen.insert(edge).inserted { result.append(edge) }
            }
            return result
        }
        let path = PathName.normalize(PathName.join(cwd, target))
        if let edge = producer[path] { return [edge] }
        return edges(under: path)
    }

    /// The rules that read `target` (a path that no rule makes) and the outputs it feeds, or nil when none does.
    package func sourceUse(_ target: String, cwd: String) -> (rules: [String], outputs: [String])? {
        let path = PathName.normalize(PathName.join(cwd, target))
        guard let id = paths.find(path), producer(ofPath: id) == nil else { return nil }
        var rules: [String] = []
        var outputs: [String] = []
        for edge in 0..<storage.count where sourceIDs(of: edge).contains(id) || storage.imageInputs[edge].contains(id) {
            let rule = recipe.rules[Int(storage.rule[edge])].name
            if !rules.contains(rule) { rules.append(rule) }
            outputs.append(display(output(of: edge)))
        }
        return rules.isEmpty ? nil : (rules, outputs)
    }

    /// The edges whose outputs are below folder `path` (absolute), in graph order; nil when there are none.
    func edges(under path: String) -> [Int]? {
        let prefix = Array((path.hasSuffix("/") ? path : path + "/").utf8)
        var found: [Int] = []
        for edge in 0..<storage.count {
            let below = paths.withBytes(storage.output[edge]) { bytes in
                bytes.count > prefix.count && GraphBytes.equal(prefix, UnsafeBufferPointer(rebasing: bytes[..<prefix.count]))
            }
            if below { found.append(edge) }
        }
        return found.isEmpty ? nil : found
    }

    /// What a path that is no target is to this graph, for the message about it: "a source of rule 'thumbs'
    /// (it makes build/thumbs/a.webp ...)" when some rule reads it; nil otherwise.
    package func sourceNote(_ target: String, cwd: String) -> String? {
        guard let (rules, outputs) = sourceUse(target, cwd: cwd) else { return nil }
        let names = rules.map { "'\($0)'" }
        let of =
            names.count == 1 ? "rule \(names[0])" : "rules " + names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
        return "a source of \(of), not an output: it makes \(Listing.names(outputs))"
    }

    /// The edges to consider for `targets` and everything they depend on, in dependency order.
    package func closure(of roots: [Int]) -> [Int] {
        var order: [Int] = []
        order.reserveCapacity(roots.count)
        DepthFirst.postOrder(
            count: storage.count, roots: roots, successors: { storage.dependencies[$0] }, finish: { order.append($0) })
        return order
    }

    /// A path shown to people: relative to the root.
    package func display(_ path: String) -> String { PathName.display(path, from: root) }
}
