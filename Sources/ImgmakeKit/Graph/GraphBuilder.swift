import ImgmakeRecipe
import ImgmakeVips

/// Works out the edges of a checked recipe (see `BuildGraph`). Rules are expanded again and again, each
/// time against the files on disk plus the outputs of the other rules, until nothing changes: chains of any
/// length settle in as many rounds; rules that keep feeding each other new names form a cycle.
struct GraphBuilder {
    let recipe: CheckedRecipe
    let disk: DiskInterface
    let catalog: OperationCatalog
    let options: BuildGraph.Options
    let previousOutputs: Set<String>
    let root: String

    private(set) var edges: [Edge] = []
    private(set) var producer: [String: Int] = [:]
    private(set) var edgesByRule: [[Int]] = []

    private var errors: [RecipeError] = []
    /// Directory listings, read once for the globs and the outside-the-tree check alike.
    private let walker: GlobWalker

    init(recipe: CheckedRecipe, disk: DiskInterface, catalog: OperationCatalog, options: BuildGraph.Options,
         previousOutputs: Set<String>) {
        self.recipe = recipe
        self.disk = disk
        self.catalog = catalog
        self.options = options
        self.previousOutputs = previousOutputs
        self.root = recipe.recipe.rootDirectory
        self.walker = GlobWalker(disk: disk)
    }

    /// One rule's outputs in one round: output → (sources, placeholders).
    private typealias Expansion = [(output: String, sources: [String], placeholders: [String: String])]

    mutating func build() throws {
        let rules = recipe.rules
        // Files on disk per rule, found once. Files that an earlier run recorded as outputs are inputs only
        // while a rule still makes them (a leftover output of a removed rule must not feed another): they
        // are set aside, and the rest is fixed for every round.
        var fromDisk: [[String]] = []
        var leftovers: [[String]] = []
        for rule in rules {
            var seen: Set<String> = []  // a file two globs of the rule match counts once
            var files: [String] = []
            var left: [String] = []
            for glob in rule.globs {
                for file in walker.files(matching: glob) where rule.globs.count == 1 || seen.insert(file).inserted {
                    if previousOutputs.contains(file) { left.append(file) } else { files.append(file) }
                }
            }
            fromDisk.append(PathName.sorted(files))
            leftovers.append(left)
        }

        var expansions: [Expansion] = Array(repeating: [], count: rules.count)
        var outputSets: [Set<String>] = Array(repeating: [], count: rules.count)
        var clashes: [[RecipeError]] = Array(repeating: [], count: rules.count)
        // The inputs each rule was last expanded with: a rule whose inputs did not change keeps its expansion.
        var expandedWith: [[String]?] = Array(repeating: nil, count: rules.count)
        var settled = false
        for _ in 0...(rules.count + 1) {
            var changed = false
            let generated = leftovers.allSatisfy(\.isEmpty) ? []
                : outputSets.reduce(into: Set<String>()) { $0.formUnion($1) }
            for rule in rules {
                var inputs = fromDisk[rule.index]
                var seen: Set<String>?
                for file in leftovers[rule.index] where generated.contains(file) { inputs.append(file) }
                for (other, outputs) in outputSets.enumerated() where other != rule.index {
                    for output in outputs where matchingGlob(rule, output) != nil {
                        if seen == nil { seen = Set(inputs) }
                        if seen!.insert(output).inserted { inputs.append(output) }
                    }
                }
                if inputs.count != fromDisk[rule.index].count { inputs = PathName.sorted(inputs) }
                if expandedWith[rule.index] == inputs { continue }
                expandedWith[rule.index] = inputs
                let (expansion, ruleClashes) = expand(rule, inputs: inputs)
                clashes[rule.index] = ruleClashes
                let outputs = Set(expansion.map(\.output))
                if outputs != outputSets[rule.index] { changed = true }
                outputSets[rule.index] = outputs
                expansions[rule.index] = expansion
            }
            if !changed { settled = true; break }
        }
        guard settled else {
            let names = rules.map { "'\($0.name)' (\($0.syntax.name.location))" }.joined(separator: ", ")
            throw RecipeErrors([RecipeError("the rules feed each other without end (a cycle): \(names)",
                                            at: rules.first?.syntax.name.location)])
        }
        errors += clashes.joined()
        try makeEdges(expansions)
        try linkDependencies()
        guard errors.isEmpty else { throw RecipeErrors(errors) }
    }

    /// The first glob of `rule` that matches `path`, if any.
    private func matchingGlob(_ rule: CheckedRule, _ path: String) -> RuleGlob? {
        for glob in rule.globs {
            guard let rel = PathName.relative(path, to: glob.directory) else {
                // Inputs outside the rule's directory: match the normalised relative form.
                continue
            }
            if PathName.hasHiddenSegment(rel) { continue }
            if glob.glob.matches(rel) { return glob }
        }
        return nil
    }

    /// Outputs of one rule for the given inputs (sorted). Records clashes between inputs as errors.
    private func expand(_ rule: CheckedRule, inputs: [String]) -> (Expansion, [RecipeError]) {
        var result: Expansion = []
        var errors: [RecipeError] = []
        let combinations = matrixCombinations(rule.matrix)
        if rule.isAggregate {
            for combination in combinations {
                guard let text = rule.output.expanded(combination) else { continue }
                result.append((PathName.normalize(PathName.join(rule.syntax.directory, text)), inputs, combination))
            }
            return (result, errors)
        }
        var firstInput: [String: String] = [:]
        // Every input matched one of the rule's globs: with a single glob, that one.
        let onlyGlob = rule.globs.count == 1 ? rule.globs[0] : nil
        for input in inputs {
            let base = (onlyGlob ?? matchingGlob(rule, input))?.baseDirectory ?? rule.syntax.directory
            let below = PathName.relative(input, to: base) ?? PathName.fileName(input)
            let fileName = PathName.fileName(below)
            var values: [String: String] = [
                "path": PathName.removingExtension(below),
                "name": PathName.removingExtension(fileName),
                "dir": PathName.directory(of: below),
                "ext": PathName.fileExtension(fileName),
            ]
            for combination in combinations {
                values.merge(combination) { _, new in new }
                guard let text = rule.output.expanded(values) else { continue }
                let output = PathName.normalize(PathName.join(rule.syntax.directory, text))
                if output == input { continue }
                if let other = firstInput[output] {
                    errors.append(RecipeError(
                        "two inputs of rule '\(rule.name)' make the same output \(display(output)): \(display(other)) and \(display(input))",
                        at: rule.syntax.outputPattern.location,
                        notes: ["use {ext} or {path} in the output pattern to tell them apart"]))
                    continue
                }
                firstInput[output] = input
                result.append((output, [input], values))
            }
        }
        return (result, errors)
    }

    private func matrixCombinations(_ matrix: [(name: String, values: [String])]) -> [[String: String]] {
        var combinations: [[String: String]] = [[:]]
        for axis in matrix {
            combinations = combinations.flatMap { partial in axis.values.map { partial.merging([axis.name: $0]) { _, b in b } } }
        }
        return combinations
    }

    private mutating func makeEdges(_ expansions: [Expansion]) throws {
        let expander = JobExpander(catalog: catalog, maxPixels: options.maxPixels)
        let realRoot = disk.realPath(root) ?? root
        edgesByRule = Array(repeating: [], count: recipe.rules.count)
        var reportedOutside: Set<Int> = []
        var folders: [String: FolderVerdict] = [:]
        for rule in recipe.rules {
            for item in expansions[rule.index] {
                if let existing = producer[item.output] {
                    let other = edges[existing].rule
                    errors.append(RecipeError("rules '\(other.name)' and '\(rule.name)' both make \(display(item.output))",
                                              at: rule.syntax.outputPattern.location,
                                              notes: ["'\(other.name)' is at \(other.syntax.outputPattern.location)"]))
                    continue
                }
                if !options.allowOutside, !reportedOutside.contains(rule.index),
                   let reason = outsideReason(item.output, realRoot: realRoot, folders: &folders) {
                    reportedOutside.insert(rule.index)
                    errors.append(RecipeError("output \(item.output) is outside the recipe's directory tree (\(reason))",
                                              at: rule.syntax.outputPattern.location,
                                              notes: ["outputs must stay below \(root); --allow-outside permits it"]))
                    continue
                }
                do {
                    let (job, images) = try expander.job(for: rule, output: item.output, sources: item.sources,
                                                         placeholders: item.placeholders)
                    producer[item.output] = edges.count
                    edgesByRule[rule.index].append(edges.count)
                    edges.append(Edge(rule: rule, output: item.output, sources: item.sources, placeholders: item.placeholders,
                                      job: job, imageInputs: images))
                } catch let error as RecipeError {
                    if !errors.contains(error) { errors.append(error) }
                }
            }
        }
    }

    /// What the outside-the-tree check knows of one folder of outputs.
    private struct FolderVerdict {
        /// Why the folder leads outside the tree, if it does.
        var reason: String?
        /// Names in the folder that are symbolic links (from one listing: no `lstat` per output).
        var links: Set<String>
    }

    /// Why an output would land outside the tree, or nil when it does not. Each folder is resolved and
    /// listed once (`folders`).
    private func outsideReason(_ output: String, realRoot: String, folders: inout [String: FolderVerdict]) -> String? {
        guard PathName.isWithin(output, root) else { return "not below \(root)" }
        let folder = PathName.directory(of: output)
        let verdict: FolderVerdict
        if let known = folders[folder] {
            verdict = known
        } else {
            verdict = folderVerdict(folder, realRoot: realRoot)
            folders[folder] = verdict
        }
        if let reason = verdict.reason { return reason }
        if !verdict.links.isEmpty, verdict.links.contains(PathName.fileName(output)),
           let real = disk.realPath(output), real != realRoot, PathName.relative(real, to: realRoot) == nil {
            return "it is a link to \(real)"
        }
        return nil
    }

    /// Whether a folder of outputs leads outside the tree (the deepest part of it that exists must resolve,
    /// through links, to a place inside the tree), and which of its entries are links.
    private func folderVerdict(_ folder: String, realRoot: String) -> FolderVerdict {
        var directory = folder
        while !directory.isEmpty, directory != root, !disk.isDirectory(directory) {
            directory = PathName.directory(of: directory)
        }
        if let real = disk.realPath(directory), real != realRoot, PathName.relative(real, to: realRoot) == nil {
            return FolderVerdict(reason: "\(display(directory)) leads to \(real)", links: [])
        }
        guard directory == folder else { return FolderVerdict(reason: nil, links: []) }
        return FolderVerdict(reason: nil, links: Set(walker.listing(folder).lazy.filter(\.isSymbolicLink).map(\.name)))
    }

    /// Fills each edge's dependencies, checks `@` files exist, and refuses cycles.
    private mutating func linkDependencies() throws {
        var missingReported: Set<String> = []
        for index in edges.indices {
            var dependencies: [Int] = []
            for input in edges[index].inputs {
                if let edge = producer[input] {
                    dependencies.append(edge)
                } else if edges[index].imageInputs.contains(input), disk.stamp(input) == nil,
                          missingReported.insert(input).inserted {
                    let rule = edges[index].rule
                    let location = rule.steps.flatMap(\.arguments).first { $0.template.text.contains(PathName.fileName(input)) }?.location
                    errors.append(RecipeError("image file \(display(input)) does not exist and no rule makes it",
                                              at: location ?? rule.syntax.name.location))
                }
            }
            edges[index].dependencies = dependencies
        }
        if let cycle = findCycle() {
            let path = cycle.map { display(edges[$0].output) }.joined(separator: " -> ")
            let rules = Array(Set(cycle.map { edges[$0].rule.name })).sorted()
            let first = edges[cycle[0]].rule
            errors.append(RecipeError("a cycle between rules \(rules.map { "'\($0)'" }.joined(separator: " and ")): \(path)",
                                      at: first.syntax.name.location))
        }
    }

    private func findCycle() -> [Int]? {
        var found: [Int]?
        DepthFirst.postOrder(count: edges.count, roots: Array(edges.indices), successors: { edges[$0].dependencies },
                             cycle: { found = $0; return true })
        return found
    }

    private func display(_ path: String) -> String { PathName.display(path, from: root) }
}
