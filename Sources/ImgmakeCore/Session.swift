import Foundation
import ImgmakeJob
import ImgmakeRecipe

/// A recipe loaded, checked and turned into a graph, with its build state: what every command works on.
package final class Session {
    package let cwd: String
    package let recipe: CheckedRecipe
    package let graph: BuildGraph
    let state: BuildState
    let disk: DiskInterface
    let catalog: OperationCatalog
    let options: Options
    /// For each `NAME=VALUE` override that names a variable the recipe files neither assign nor use: the
    /// warning to print (it changes nothing, so it is most likely a typo).
    let unknownOverrides: [String: String]
    /// The top recipe file relative to the root (`Imgmakefile`, `web.imgmake`): the owner of the records
    /// this session writes.
    let recipeFile: String
    /// When loading (reading and checking the recipe) and making the graph began and ended (`--trace`).
    package private(set) var phases: [TracePhase] = []

    /// What a session is loaded from (plain values; `RecipeOptions` holds the command-line form).
    package struct Options: Equatable {
        /// The recipe file, relative to `cwd` or absolute.
        package var file = OptionDefaults.recipeFile
        package var maxPixels = OptionDefaults.maxPixels
        package var allowOutside = false
        /// `--check hash`.
        package var checkHash = false
        /// This run's own build-log file (`log`, or `log.shard-K-of-N`).
        package var logName = "log"
        /// Stat the inputs the globs find while the graph is built (`EarlyStamps`): for a command that judges
        /// staleness right after loading (not the shell, whose sessions live on between commands).
        package var readsStampsEarly = false
        /// Keep libvips' answers in `.imgmake/catalog.json`; off for a Tab's completion, which writes nothing.
        package var savesCatalog = true
        package init() {}
    }

    /// Loads `options.file` (relative to `cwd`) with `overrides`.
    /// Throws `RecipeErrors` (exit 2) for anything wrong in the recipe.
    package init(
        options: Options, overrides: [String: String], disk: DiskInterface = RealDisk(),
        catalog: OperationCatalog? = nil, library: ImageLibrary? = nil,
        cwd: String = FileManager.default.currentDirectoryPath
    ) throws {
        self.cwd = cwd
        self.options = options
        self.disk = disk
        var phases: [TracePhase] = []
        let loadStart = TracePhase.now()
        let path = PathName.normalize(PathName.join(cwd, options.file))
        guard disk.stamp(path) != nil else {
            throw RecipeErrors([
                RecipeError(
                    "no recipe file \(options.file) in \(cwd)", at: nil,
                    notes: ["write an \(OptionDefaults.recipeFile), or name one with -f FILE"])
            ])
        }
        let loaded = try RecipeLoader(reader: DiskRecipeReader(disk: disk)).load(file: path, overrides: overrides, displayRelativeTo: cwd)
        self.unknownOverrides = Self.unknownOverrides(overrides, in: loaded, file: options.file)
        self.recipeFile = PathName.relative(path, to: loaded.rootDirectory) ?? PathName.fileName(path)
        let stateDirectory = PathName.join(loaded.rootDirectory, BuildState.directoryName)
        var graphOptions = BuildGraph.Options()
        graphOptions.maxPixels = options.maxPixels
        graphOptions.allowOutside = options.allowOutside
        graphOptions.readsStampsEarly = options.readsStampsEarly
        let root = loaded.rootDirectory
        let state = BuildState(root: root, disk: disk, logName: options.logName)
        self.state = state
        func check(_ catalog: OperationCatalog) throws -> (CheckedRecipe, BuildGraph) {
            let recipe = try RecipeChecker(catalog: catalog).check(loaded)
            let graphStart = TracePhase.now()
            phases = [TracePhase(name: "load", start: loadStart, end: graphStart)]
            let graph = try BuildGraph(recipe: recipe, disk: disk, catalog: catalog, options: graphOptions) { path in
                PathName.relative(path, to: root).flatMap { state.newestRecord(of: $0)?.outputStamp }
            }
            phases.append(TracePhase(name: "graph", start: graphStart, end: TracePhase.now()))
            return (recipe, graph)
        }
        if let catalog {
            self.catalog = catalog
            (self.recipe, self.graph) = try check(catalog)
            self.phases = phases
            return
        }
        guard let library else { preconditionFailure("a Session needs a catalog, or the image library to make one") }
        var cached = CachedCatalog(directory: stateDirectory, disk: disk, library: library)
        let checked: (CheckedRecipe, BuildGraph)
        do {
            checked = try check(cached)
        } catch is RecipeErrors where cached.answeredFromFile {
            // An error that answers from `.imgmake/catalog.json` helped find may be the file's (stale or
            // damaged): it stands only if libvips says the same (errors are rare; starting libvips is fine).
            cached = CachedCatalog(directory: stateDirectory, disk: disk, library: library, trustingFile: false)
            checked = try check(cached)
        }
        (self.recipe, self.graph) = checked
        self.catalog = cached
        // Every command judges staleness, whose fingerprints hold the library's version: asked now, so that the
        // file saved next answers it too (a no-op build then never loads libvips).
        _ = cached.libraryVersion
        if options.savesCatalog { cached.save() }
        self.phases = phases
    }

    private static func unknownOverrides(_ overrides: [String: String], in recipe: Recipe, file: String) -> [String: String] {
        var warnings: [String: String] = [:]
        for (name, value) in overrides where !recipe.variableNames.contains(name) {
            let note = Suggestions.closest(to: name, in: recipe.variableNames).map { " (did you mean '\($0)'?)" } ?? ""
            warnings[name] = "unknown variable '\(name)' in \(name)=\(value): \(file) neither defines nor uses it\(note)"
        }
        return warnings
    }

    /// Prints the `unknownOverrides` warnings (sorted by name) whose names `include` accepts.
    package func warnAboutOverrides(_ reporter: ProgressReporter, where include: (String) -> Bool = { _ in true }) {
        for (name, warning) in unknownOverrides.sorted(by: { $0.key < $1.key }) where include(name) { reporter.warning(warning) }
    }

    /// Edges for targets given by the user (rules, groups, output paths), or the default target.
    package func edges(for targets: [String]) throws -> [Int] {
        if targets.isEmpty {
            guard let target = recipe.recipe.defaultTarget else {
                throw UsageError("the recipe has no rules, so there is nothing to build")
            }
            return graph.edges(forTarget: target, cwd: cwd) ?? []
        }
        var result: [Int] = []
        for target in targets {
            guard let edges = graph.edges(forTarget: target, cwd: cwd) else {
                if let source = graph.sourceNote(target, cwd: cwd) { throw UsageError("'\(target)' is \(source)") }
                let note = Suggestions.closest(to: target, in: recipe.targetNames).map { " (did you mean '\($0)'?)" } ?? ""
                throw UsageError("no rule, group or output called '\(target)'\(note)")
            }
            result += edges
        }
        return result
    }

    /// Takes the lock on the build state (`.imgmake/lock`) before a build or a clean writes to it, waiting for
    /// another imgmake that holds it (saying so once through `notice`) unless `wait` is false, and reads the
    /// state again if that one changed it meanwhile. nil when the disk has no locks (`MemoryDisk`), or when
    /// the lock cannot be had at all (a read-only tree: a warning, and the run goes on). Throws
    /// `StateLock.Busy` (with `wait` false) or `StateLock.Interrupted` (Ctrl-C while waiting).
    func lockState(wait: Bool, interrupts: InterruptSource, notice: (String) -> Void) throws -> StateLock? {
        guard let disk = disk as? LockingDisk else { return nil }
        do {
            let lock = try disk.lockState(directory: state.directory, wait: wait, interrupts: interrupts, notice: notice)
            // Files read while the graph was built may have been written since by another imgmake: one that
            // held the lock meanwhile, finished (the state changed) or was killed (its marker is there).
            let reloaded = state.reloadIfChanged()
            if lock.waited || reloaded || self.disk.stamp(PathName.join(state.directory, TemporaryFiles.markerName)) != nil {
                dropEarlyStamps()
            }
            return lock
        } catch let error as StateLock.Unavailable {
            notice("warning: \(error): going on without it (another build of this tree at the same time is not kept out)")
            return nil
        }
    }

    /// Forgets the stamps read while the graph was built (`Options.readsStampsEarly`): the staleness check
    /// reads those files again.
    /// `--max-pixels`, for jobs expanded outside the graph (the shell's `try`).
    package var maxPixels: Int { options.maxPixels }

    package func dropEarlyStamps() { _ = graph.takeEarlyStamps() }

    /// A fresh staleness checker for this session's graph and state (the first one takes the stamps read
    /// while the graph was built).
    func makeChecker(alwaysMake: Bool = false) -> StalenessChecker {
        var options = StalenessChecker.Options()
        options.alwaysMake = alwaysMake
        options.checkHash = self.options.checkHash
        options.libraryVersion = catalog.libraryVersion
        let checker = StalenessChecker(graph: graph, state: state, disk: disk, options: options)
        checker.adopt(earlyStamps: graph.takeEarlyStamps())
        return checker
    }

    /// `edges` and what they depend on (dependencies first), evaluated for staleness.
    package func staleness(of edges: [Int], alwaysMake: Bool = false) -> (order: [Int], checker: StalenessChecker) {
        let checker = makeChecker(alwaysMake: alwaysMake)
        let order = graph.closure(of: edges)
        checker.evaluate(order)
        return (order, checker)
    }
}

/// A mistake in how imgmake was called (exit 2).
package struct UsageError: StatusError {
    package var description: String
    package init(_ description: String) { self.description = description }
    package var status: ExitStatus { .usage }
}
