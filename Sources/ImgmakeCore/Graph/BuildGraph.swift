import ImgmakeJob
import ImgmakeRecipe

/// The build graph: one edge per output, found by matching every rule's globs against the files on disk
/// and against the outputs of the other rules (which makes chains), then checked for clashes and cycles.
package final class BuildGraph {
    let recipe: CheckedRecipe
    let root: String
    package private(set) var edges: [Edge] = []
    /// Output path → index of the edge that makes it.
    package private(set) var producer: [String: Int] = [:]
    /// Edge indices of each rule, in output order.
    package private(set) var edgesByRule: [[Int]] = []
    /// What a build prints as warnings before it starts, once each (files the globs skipped, globs that
    /// match nothing ...).
    private(set) var warnings: [String] = []

    /// Options that shape the graph.
    struct Options {
        var maxPixels = OptionDefaults.maxPixels
        var allowOutside = false
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
        edges = builder.edges
        producer = builder.producer
        edgesByRule = builder.edgesByRule
        warnings = builder.warnings
    }

    /// Refuses to build an aggregate that has no inputs (its globs match no file and no other rule's output):
    /// a contact sheet of an empty folder cannot be made. Checked for what is about to be built (`order`,
    /// dependencies included), before any job runs, so that such a rule does not block other targets.
    func requireInputs(_ order: [Int]) throws {
        var errors: [RecipeError] = []
        var reported: Set<Int> = []
        for index in order where edges[index].rule.isAggregate && edges[index].sources.isEmpty {
            let rule = edges[index].rule
            guard reported.insert(rule.index).inserted else { continue }
            errors.append(
                RecipeError(
                    "rule '\(rule.name)' has no inputs to make \(display(edges[index].output)) from",
                    at: rule.syntax.name.location,
                    notes: rule.globs.map { "\($0.location): '\($0.text)' matches no file and no output of another rule" }))
        }
        if !errors.isEmpty { throw RecipeErrors(errors) }
    }

    /// Edges of a target: a rule name, a group name, or an output path (absolute or relative to `cwd`).
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
        return nil
    }

    /// The edges to consider for `targets` and everything they depend on, in dependency order.
    package func closure(of roots: [Int]) -> [Int] {
        var order: [Int] = []
        DepthFirst.postOrder(count: edges.count, roots: roots, successors: { edges[$0].dependencies }, finish: { order.append($0) })
        return order
    }

    /// A path shown to people: relative to the root.
    package func display(_ path: String) -> String { PathName.display(path, from: root) }
}
