import ImgmakeJob
import ImgmakeRecipe

/// Works out the edges of a checked recipe (see `BuildGraph`). First, on the patterns alone, rules that read
/// their own outputs or feed each other are refused. Then every rule is expanded again and again, each time
/// against its files on disk plus the outputs of the other rules, until nothing changes: chains of any length
/// settle in as many rounds as they have links.
///
/// A file on disk that a glob matches is an input, whoever wrote it (a file imgmake once built included), unless
/// it is a left-over output of a current rule: it lies where that rule puts its outputs (`OutputCoverage`), it
/// is still the very file imgmake built there (the build log's stamp for it is the file's stamp), and no
/// input of the rule makes it now. So a deleted photo's old thumbnail does not feed the contact sheet (a
/// warning names it), while a file of the user's in an output folder, or in place of an old output, does.
struct GraphBuilder {
    let recipe: CheckedRecipe
    let disk: DiskInterface
    let catalog: OperationCatalog
    let options: BuildGraph.Options
    /// The stamp the build log recorded for an output (absolute path) when imgmake built it, if it did.
    let recordedStamp: (String) -> FileStamp?
    let root: String

    /// Every path met, interned.
    let paths = PathTable()
    private(set) var storage = EdgeStorage()
    let jobs = EdgeJobs()
    /// Path ID → the edge that makes it, or -1.
    private(set) var producerOfPath: [Int32] = []
    private(set) var edgesByRule: [[Int]] = []
    private(set) var warnings: [String] = []
    /// Each rule's matrix combinations.
    let combinations: [[[String: String]]]

    private var errors: [RecipeError] = []
    /// Directory listings, read once for the globs and the outside-the-tree check alike.
    private let walker: GlobWalker
    /// The walked files' stamps, read beside the walk (`BuildGraph.Options.readsStampsEarly`).
    let earlyStamps: EarlyStamps?

    init(
        recipe: CheckedRecipe, disk: DiskInterface, catalog: OperationCatalog, options: BuildGraph.Options,
        recordedStamp: @escaping (String) -> FileStamp?
    ) {
        self.recipe = recipe
        self.disk = disk
        self.catalog = catalog
        self.options = options
        self.recordedStamp = recordedStamp
        self.root = recipe.recipe.rootDirectory
        self.earlyStamps = options.readsStampsEarly ? EarlyStamps(disk: disk) : nil
        self.walker = GlobWalker(disk: disk, root: recipe.recipe.rootDirectory, earlyStamps: earlyStamps)
        self.combinations = recipe.rules.map { Self.matrixCombinations($0.matrix) }
    }

    /// One rule's outputs in one round, as arrays (item k: `outputs[k]`, made from
    /// `sources[sourceStart[k]..<sourceStart[k + 1]]`).
    struct Expansion {
        var outputs: [PathTable.ID] = []
        var sourceStart: [Int32] = [0]
        var sources: [PathTable.ID] = []
        /// Where the source's path continues below its glob's base; -1 for an aggregate.
        var belowStart: [Int32] = []
        var combination: [Int32] = []

        func sources(_ item: Int) -> ArraySlice<PathTable.ID> {
            sources[Int(sourceStart[item])..<Int(sourceStart[item + 1])]
        }

        mutating func append(
            _ output: PathTable.ID, sources: some Sequence<PathTable.ID>, belowStart: Int32, combination: Int
        ) {
            outputs.append(output)
            self.sources.append(contentsOf: sources)
            sourceStart.append(Int32(self.sources.count))
            self.belowStart.append(belowStart)
            self.combination.append(Int32(combination))
        }
    }

    mutating func build() throws {
        let coverage = recipe.rules.map(OutputCoverage.glob(of:))
        // For each glob of each rule, the rules whose outputs it can match (pattern against pattern).
        let feeders = try checkFeeding(coverage)
        let onDisk = readDisk(feeders: feeders, coverage: coverage)
        let settled = try settle(fromDisk: onDisk.files)
        warnings = walker.warnings.sorted()
        warnAboutGlobs(foundNothing: onDisk.foundNothing, setAside: onDisk.setAside, outputSets: settled.outputSets)
        errors += settled.clashes.joined()
        if let earlyStamps { readEarly(outputsOf: settled.expansions, into: earlyStamps) }
        try makeEdges(settled.expansions)
        try linkDependencies()
        guard errors.isEmpty else { throw RecipeErrors(errors) }
    }

    /// What the rules' globs found on disk, per rule.
    private struct DiskInputs {
        /// The inputs found on disk, sorted.
        var files: [[PathTable.ID]] = []
        /// Files left out as another rule's left-over outputs (that rule's index).
        var setAside: [[(glob: RuleGlob, file: PathTable.ID, rule: Int)]] = []
        /// Globs that matched no file.
        var foundNothing: [[RuleGlob]] = []
    }

    /// Files on disk per rule, found once and fixed for every round. A file imgmake built where a rule that
    /// may feed this glob puts its outputs, and still as it left it, is set aside: it comes in through that
    /// rule's outputs, or not at all.
    private func readDisk(feeders: [[[Int]]], coverage: [Glob?]) -> DiskInputs {
        var found = DiskInputs()
        for rule in recipe.rules {
            var seen: Set<PathTable.ID> = []  // a file two globs of the rule match counts once
            var files: [PathTable.ID] = []
            var aside: [(glob: RuleGlob, file: PathTable.ID, rule: Int)] = []
            var empty: [RuleGlob] = []
            for (index, glob) in rule.globs.enumerated() {
                let matched = walker.fileIDs(matching: glob, into: paths)
                if matched.isEmpty { empty.append(glob) }
                let globFeeders = feeders[rule.index][index]
                for file in matched where rule.globs.count == 1 || seen.insert(file).inserted {
                    if !globFeeders.isEmpty,
                        let owner = globFeeders.first(where: { owner in
                            paths.withBytes(file) { coverage[owner]?.matches(bytes: $0) ?? false }
                        }),
                        case let path = paths.string(file), let recorded = recordedStamp(path), recorded == disk.stamp(path)
                    {
                        aside.append((glob, file, owner))
                    } else {
                        files.append(file)
                    }
                }
            }
            found.files.append(paths.sorted(files))
            found.setAside.append(aside)
            found.foundNothing.append(empty)
        }
        return found
    }

    /// The rules' expansions once their output sets settle.
    private struct Settled {
        var expansions: [Expansion]
        var outputSets: [Set<PathTable.ID>]
        /// Inputs of one rule that make the same output, per rule.
        var clashes: [[RecipeError]]
    }

    /// Expands every rule against its files on disk plus the other rules' outputs, again and again until no
    /// rule's outputs change (chains settle in as many rounds as they have links); rules that never settle
    /// feed each other without end.
    private mutating func settle(fromDisk: [[PathTable.ID]]) throws -> Settled {
        let rules = recipe.rules
        var expansions: [Expansion] = Array(repeating: Expansion(), count: rules.count)
        var outputSets: [Set<PathTable.ID>] = Array(repeating: [], count: rules.count)
        var clashes: [[RecipeError]] = Array(repeating: [], count: rules.count)
        // The inputs each rule was last expanded with: a rule whose inputs did not change keeps its expansion.
        var expandedWith: [[PathTable.ID]?] = Array(repeating: nil, count: rules.count)
        for _ in 0...(rules.count + 1) {
            var changed = false
            for rule in rules {
                var inputs = fromDisk[rule.index]
                var seen: Set<PathTable.ID>?
                for (other, outputs) in outputSets.enumerated() where other != rule.index {
                    for output in outputs where matchingGlob(rule, output) != nil {
                        if seen == nil { seen = Set(inputs) }
                        if seen?.insert(output).inserted == true { inputs.append(output) }
                    }
                }
                if inputs.count != fromDisk[rule.index].count { inputs = paths.sorted(inputs) }
                if expandedWith[rule.index] == inputs { continue }
                expandedWith[rule.index] = inputs
                let (expansion, ruleClashes) = expand(rule, inputs: inputs)
                clashes[rule.index] = ruleClashes
                let outputs = Set(expansion.outputs)
                if outputs != outputSets[rule.index] { changed = true }
                outputSets[rule.index] = outputs
                expansions[rule.index] = expansion
            }
            if !changed { return Settled(expansions: expansions, outputSets: outputSets, clashes: clashes) }
        }
        let names = rules.map { "'\($0.name)' (\($0.syntax.name.location))" }.joined(separator: ", ")
        throw RecipeErrors([
            RecipeError(
                "the rules feed each other without end (a cycle): \(names)",
                at: rules.first?.syntax.name.location)
        ])
    }

    /// Refuses, before any file is read, a rule whose glob can match its own outputs (`out/{path}.jpg <-
    /// **/*.jpg` would read out/a.jpg on the next run, then out/out/a.jpg ...) and rules that feed each other
    /// round a cycle. Returns, for each glob of each rule, the other rules whose outputs it can match.
    private func checkFeeding(_ coverage: [Glob?]) throws -> [[[Int]]] {
        let rules = recipe.rules
        var feeders: [[[Int]]] = []
        var examples: [[Int: (glob: RuleGlob, example: String)]] = Array(repeating: [:], count: rules.count)
        var errors: [RecipeError] = []
        for rule in rules {
            var perGlob: [[Int]] = []
            for glob in rule.globs {
                let pattern = try? Glob(OutputCoverage.absolute(glob.glob.pattern, in: glob.directory))
                var found: [Int] = []
                for other in rules {
                    guard let pattern, let outputs = coverage[other.index],
                        let example = pattern.commonMatch(with: outputs)
                    else { continue }
                    if other.index == rule.index {
                        if examples[rule.index][rule.index] == nil {
                            errors.append(
                                RecipeError(
                                    "rule '\(rule.name)' reads its own outputs: its output pattern '\(rule.output.text)' makes names such as \(display(example)) that its glob '\(glob.text)' (\(glob.location)) matches",
                                    at: rule.syntax.outputPattern.location,
                                    notes: [
                                        "give the glob a folder the outputs are not in (e.g. photos/**/*.jpg); `imgmake clean --orphans` then removes outputs made from outputs"
                                    ]))
                        }
                    } else {
                        found.append(other.index)
                    }
                    if examples[rule.index][other.index] == nil { examples[rule.index][other.index] = (glob, example) }
                }
                perGlob.append(found)
            }
            feeders.append(perGlob)
        }
        if errors.isEmpty {
            var reported: Set<Set<Int>> = []
            DepthFirst.postOrder(
                count: rules.count, roots: Array(rules.indices),
                successors: { Array(examples[$0].keys).sorted() },
                cycle: { cycle in
                    let members = Array(cycle.dropLast())
                    guard reported.insert(Set(members)).inserted else { return false }
                    let names = members.map { "'\(rules[$0].name)'" }
                    guard let last = names.last, let first = members.min() else {
                        preconditionFailure("a cycle has at least one member")
                    }
                    let list = names.count == 2 ? "\(names[0]) and \(names[1])" : names.dropLast().joined(separator: ", ") + " and " + last
                    var notes: [String] = []
                    for (reader, maker) in zip(cycle, cycle.dropFirst()) {
                        guard let link = examples[reader][maker] else {
                            preconditionFailure("each step of a cycle follows a link of `examples` (its successors)")
                        }
                        notes.append(
                            "'\(rules[reader].name)' reads what '\(rules[maker].name)' makes: its glob '\(link.glob.text)' (\(link.glob.location)) matches \(display(link.example))"
                        )
                    }
                    errors.append(
                        RecipeError("rules \(list) feed each other (a cycle)", at: rules[first].syntax.name.location, notes: notes))
                    return false
                })
        }
        guard errors.isEmpty else { throw RecipeErrors(errors) }
        return feeders
    }

    /// Globs that match no file and no other rule's output (a typo, most likely), and files set aside as a
    /// current rule's left-over outputs that no input of it makes now: warnings, once per glob.
    private mutating func warnAboutGlobs(
        foundNothing: [[RuleGlob]], setAside: [[(glob: RuleGlob, file: PathTable.ID, rule: Int)]],
        outputSets: [Set<PathTable.ID>]
    ) {
        for rule in recipe.rules {
            for glob in foundNothing[rule.index] {
                let fed = outputSets.enumerated().contains { other, outputs in
                    other != rule.index
                        && outputs.contains { output in
                            PathName.relative(paths.string(output), to: glob.directory).map {
                                !PathName.hasHiddenSegment($0) && glob.glob.matches($0)
                            } ?? false
                        }
                }
                if !fed {
                    warnings.append("\(glob.location): glob '\(glob.text)' of rule '\(rule.name)' matches no file" + caseHint(glob))
                }
            }
            var leftovers: [(glob: RuleGlob, rule: Int, files: [String])] = []
            for item in setAside[rule.index] where !outputSets[item.rule].contains(item.file) {
                let file = paths.string(item.file)
                if let index = leftovers.firstIndex(where: { $0.glob.location == item.glob.location && $0.rule == item.rule }) {
                    leftovers[index].files.append(file)
                } else {
                    leftovers.append((item.glob, item.rule, [file]))
                }
            }
            for leftover in leftovers {
                let owner = recipe.rules[leftover.rule]
                let files = PathName.sorted(leftover.files)
                let more = files.count == 1 ? "" : " and \(files.count - 1) more"
                let pronoun = files.count == 1 ? "it" : "them"
                warnings.append(
                    "\(leftover.glob.location): glob '\(leftover.glob.text)' of rule '\(rule.name)' skips \(display(files[0]))\(more): rule '\(owner.name)' (\(owner.syntax.outputPattern.location)) puts its outputs there, and none of its inputs makes \(pronoun) now (`imgmake clean --orphans` removes what imgmake built)"
                )
            }
        }
    }

    /// For a glob that matched nothing: the files it would match in either case (cameras' `.JPG` for `*.jpg`),
    /// as a hint to write it with `(?i)`; "" when there are none, or the glob ignores case already.
    private func caseHint(_ glob: RuleGlob) -> String {
        guard !glob.glob.ignoresCase, let folded = try? Glob(Glob.ignoreCasePrefix + glob.text) else { return "" }
        var either = glob
        either.glob = folded
        // A walker of its own: the build's feeds its IDs to the early stamps, and these are of a table of their own.
        let found = GlobWalker(disk: disk, root: root).fileIDs(matching: either, into: PathTable()).count
        guard found > 0 else { return "" }
        let files = found == 1 ? "1 file" : "\(found) files"
        return " (in either case it matches \(files): write it '\(Glob.ignoreCasePrefix)\(glob.text)' to match any case)"
    }

    /// The first glob of `rule` that matches `path`, if any.
    private func matchingGlob(_ rule: CheckedRule, _ path: PathTable.ID) -> RuleGlob? {
        paths.withBytes(path) { bytes in
            for glob in rule.globs {
                // Inputs outside the glob's directory do not match.
                guard let start = GraphBytes.offsetBelow(bytes, glob.directory) else { continue }
                let relative = UnsafeBufferPointer(rebasing: bytes[start...])
                if GraphBytes.hasHiddenSegment(relative) { continue }
                if glob.glob.matches(bytes: relative) { return glob }
            }
            return nil
        }
    }

    /// Outputs of one rule for the given inputs (sorted). Records clashes between inputs as errors.
    private mutating func expand(_ rule: CheckedRule, inputs: [PathTable.ID]) -> (Expansion, [RecipeError]) {
        var result = Expansion()
        var errors: [RecipeError] = []
        let combinations = combinations[rule.index]
        var scratch: [UInt8] = []
        if rule.isAggregate {
            for (index, combination) in combinations.enumerated() {
                guard let text = rule.output.expanded(combination) else { continue }
                let output = paths.intern(PathName.normalize(PathName.join(rule.syntax.directory, text)))
                result.append(output, sources: inputs[...], belowStart: -1, combination: index)
            }
            return (result, errors)
        }
        let template = OutputTemplate(rule: rule, combinations: combinations)
        // By output ID: the input that made it first, or -1.
        var firstInput = [PathTable.ID](repeating: -1, count: paths.count)
        // Every input matched one of the rule's globs: with a single glob, that one (its base taken once).
        let onlyBase = rule.globs.count == 1 ? rule.globs[0].baseDirectory : nil
        for input in inputs {
            let base = onlyBase ?? matchingGlob(rule, input)?.baseDirectory ?? rule.syntax.directory
            let below = paths.withBytes(input) { bytes in
                GraphBytes.offsetBelow(bytes, base).map { $0 == bytes.count ? bytes.count : $0 } ?? GraphBytes.fileNameStart(bytes)
            }
            for index in combinations.indices {
                guard let output = template.output(for: input, below: below, combination: index, in: paths, scratch: &scratch) else {
                    continue
                }
                if output == input { continue }
                if Int(output) >= firstInput.count {
                    firstInput += Array(repeating: -1, count: max(paths.count - firstInput.count, firstInput.count))
                }
                let other = firstInput[Int(output)]
                if other >= 0 {
                    errors.append(
                        RecipeError(
                            "two inputs of rule '\(rule.name)' make the same output \(display(paths.string(output))): \(display(paths.string(other))) and \(display(paths.string(input)))",
                            at: rule.syntax.outputPattern.location,
                            notes: ["use {ext} or {path} in the output pattern to tell them apart"]))
                    continue
                }
                firstInput[Int(output)] = input
                result.append(output, sources: CollectionOfOne(input), belowStart: Int32(below), combination: index)
            }
        }
        return (result, errors)
    }

    private static func matrixCombinations(_ matrix: [(name: String, values: [String])]) -> [[String: String]] {
        var combinations: [[String: String]] = [[:]]
        for axis in matrix {
            combinations = combinations.flatMap { partial in axis.values.map { partial.merging([axis.name: $0]) { _, b in b } } }
        }
        return combinations
    }

    /// Hands the outputs, folder by folder, to `earlyStamps`, to be stat'ed while the edges are made.
    private func readEarly(outputsOf expansions: [Expansion], into earlyStamps: EarlyStamps) {
        var ids: [PathTable.ID] = []
        var names: [UInt8] = []
        var folder: [UInt8] = []
        func flush() {
            earlyStamps.read(folder: String(decoding: folder, as: UTF8.self), ids: ids, names: names)
            ids = []
            names = []
        }
        for expansion in expansions {
            for output in expansion.outputs {
                paths.withBytes(output) { bytes in
                    let nameStart = GraphBytes.fileNameStart(bytes)
                    let here = UnsafeBufferPointer(rebasing: bytes[..<nameStart])  // with its `/`
                    if !GraphBytes.equal(folder, here) || ids.count >= 512 {
                        if !ids.isEmpty { flush() }
                        folder = Array(here)
                    }
                    ids.append(output)
                    names.append(contentsOf: bytes[nameStart...])
                    names.append(0)
                }
            }
        }
        if !ids.isEmpty { flush() }
    }

    private mutating func makeEdges(_ expansions: [Expansion]) throws {
        let expander = JobExpander(catalog: catalog, maxPixels: options.maxPixels, root: root)
        var outside = OutsideTreeCheck(root: root, disk: disk, walker: walker)
        edgesByRule = Array(repeating: [], count: recipe.rules.count)
        producerOfPath = Array(repeating: -1, count: paths.count)
        var reportedOutside: Set<Int> = []
        for rule in recipe.rules {
            let expansion = expansions[rule.index]
            var shared = SharedJobs(rule: rule)
            for item in expansion.outputs.indices {
                let outputID = expansion.outputs[item]
                if producerOfPath[Int(outputID)] >= 0 {
                    let other = recipe.rules[Int(storage.rule[Int(producerOfPath[Int(outputID)])])]
                    errors.append(
                        RecipeError(
                            "rules '\(other.name)' and '\(rule.name)' both make \(display(paths.string(outputID)))",
                            at: rule.syntax.outputPattern.location,
                            notes: ["'\(other.name)' is at \(other.syntax.outputPattern.location)"]))
                    continue
                }
                if !options.allowOutside, !reportedOutside.contains(rule.index),
                    let reason = outside.reason(for: outputID, in: paths)
                {
                    reportedOutside.insert(rule.index)
                    errors.append(
                        RecipeError(
                            "output \(paths.string(outputID)) is outside the recipe's directory tree (\(reason))",
                            at: rule.syntax.outputPattern.location,
                            notes: ["outputs must stay below \(root); --allow-outside permits it"]))
                    continue
                }
                let sources = expansion.sources(item)
                let belowStart = expansion.belowStart[item]
                let combination = Int(expansion.combination[item])
                let job: Int32
                let images: [PathTable.ID]
                do {
                    if let known = shared.job(for: outputID, in: paths) {
                        job = known
                    } else {
                        let output = paths.string(outputID)
                        let sourcePaths = sources.map(paths.string)
                        var placeholders = combinations[rule.index][combination]
                        if belowStart >= 0, let source = sources.first {
                            placeholders = InputPlaceholder.values(below: paths.string(source, from: Int(belowStart)))
                            placeholders.merge(combinations[rule.index][combination]) { _, new in new }
                        }
                        let (made, imageFiles) = try expander.job(
                            for: rule, output: output, sources: sourcePaths, placeholders: placeholders)
                        job = jobs.add(made, imageInputs: imageFiles)
                        shared.remember(job, for: outputID, in: paths)
                    }
                    images = jobs.imageInputs[Int(job)].map { paths.intern($0) }
                } catch let error as RecipeError {
                    if !errors.contains(error) { errors.append(error) }
                    continue
                }
                if producerOfPath.count < paths.count {
                    producerOfPath += Array(repeating: -1, count: paths.count - producerOfPath.count)
                }
                producerOfPath[Int(outputID)] = Int32(storage.count)
                edgesByRule[rule.index].append(storage.count)
                storage.append(
                    rule: rule.index, output: outputID, sources: sources, belowStart: belowStart,
                    combination: Int32(combination), job: job, imageInputs: images)
            }
        }
        if producerOfPath.count < paths.count { producerOfPath += Array(repeating: -1, count: paths.count - producerOfPath.count) }
    }

    /// Fills each edge's dependencies, checks `@` files exist, and refuses cycles.
    private mutating func linkDependencies() throws {
        var missingReported: Set<PathTable.ID> = []
        for index in 0..<storage.count {
            var dependencies: [Int] = []
            func link(_ input: PathTable.ID) {
                let producer = producerOfPath[Int(input)]
                if producer >= 0 { dependencies.append(Int(producer)) }
            }
            for input in storage.sources[Int(storage.sourceStart[index])..<Int(storage.sourceStart[index + 1])] { link(input) }
            for input in storage.imageInputs[index] {
                if producerOfPath[Int(input)] >= 0 {
                    link(input)
                } else if disk.stamp(paths.string(input)) == nil, missingReported.insert(input).inserted {
                    let rule = recipe.rules[Int(storage.rule[index])]
                    let name = PathName.fileName(paths.string(input))
                    if let program = rule.program {
                        let words = program.words + program.arguments.map(\.value)
                        let location =
                            program.module.flatMap { PathName.fileName($0.value) == name ? $0.location : nil }
                            ?? words.first { $0.template.text.contains(name) }?.location
                        errors.append(
                            RecipeError(
                                "file \(display(paths.string(input))) does not exist and no rule makes it",
                                at: location ?? program.location))
                        continue
                    }
                    let location = rule.steps.flatMap(\.arguments).first { $0.template.text.contains(name) }?.location
                    errors.append(
                        RecipeError(
                            "image file \(display(paths.string(input))) does not exist and no rule makes it",
                            at: location ?? rule.syntax.name.location))
                }
            }
            if !dependencies.isEmpty { storage.dependencies[index] = dependencies }
        }
        if let cycle = findCycle() {
            let path = cycle.map { display(paths.string(storage.output[$0])) }.joined(separator: " -> ")
            let rules = Array(Set(cycle.map { recipe.rules[Int(storage.rule[$0])].name })).sorted()
            let first = recipe.rules[Int(storage.rule[cycle[0]])]
            errors.append(
                RecipeError(
                    "a cycle between rules \(rules.map { "'\($0)'" }.joined(separator: " and ")): \(path)",
                    at: first.syntax.name.location))
        }
    }

    private func findCycle() -> [Int]? {
        var found: [Int]?
        DepthFirst.postOrder(
            count: storage.count, roots: Array(0..<storage.count), successors: { storage.dependencies[$0] },
            cycle: {
                found = $0
                return true
            })
        return found
    }

    private func display(_ path: String) -> String { PathName.display(path, from: root) }
}
