import ArgumentParser

/// `imgmake clean [TARGET...] [--orphans]`: remove outputs, never sources (SPEC §6).
struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean", abstract: "Remove outputs of targets (default: all); --orphans removes outputs no rule makes any more.")

    @OptionGroup var recipe: RecipeOptions

    @Flag(name: .long, help: "Remove files imgmake built that no current rule makes (never a source).")
    var orphans = false

    @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Show what would be removed; remove nothing.")
    var dryRun = false

    @Argument(help: ArgumentHelp("Rules, groups or outputs whose outputs to remove, and NAME=VALUE overrides.", valueName: "TARGET"),
              completion: .custom(TargetCompletion.complete))
    var words: [String] = []

    func run() throws {
        try withDirectory(recipe.directory) {
            let (targets, overrides) = splitOverrides(words)
            let session = try Session(options: recipe.sessionOptions, overrides: overrides)
            let cleaner = Cleaner(session: session)
            let paths = orphans ? cleaner.orphans() : try cleaner.outputs(of: targets)
            let removed = try cleaner.remove(paths, dryRun: dryRun) { print(($0 ? "would remove " : "removed ") + $1) }
            print("\(dryRun ? "would remove" : "removed") \(removed) file\(removed == 1 ? "" : "s")")
        }
    }
}

/// Works out what `clean` may remove, and removes it.
struct Cleaner {
    let session: Session

    /// Existing outputs of the targets (all rules when none), dependencies not included.
    func outputs(of targets: [String]) throws -> [String] {
        let edges = targets.isEmpty ? Array(session.graph.edges.indices) : try session.edges(for: targets)
        return edges.map { session.graph.edges[$0].output }.filter { session.disk.stamp($0) != nil && !isSource($0) }
    }

    /// Files imgmake built (recorded in state) that no current rule makes, still on disk, and not sources.
    func orphans() -> [String] {
        let root = session.graph.root
        return session.state.records.keys.sorted().map { PathName.normalize(PathName.join(root, $0)) }
            .filter { session.graph.producer[$0] == nil && session.disk.stamp($0) != nil && !isSource($0) }
            .filter { session.options.allowOutside || isInsideTree($0) }
    }

    /// The build log is only text: a record naming `../x`, an absolute path, or a path through a link that
    /// leads out of the tree (a log from another tree, a tampered cache) must not make `clean --orphans`
    /// delete files outside it. Like writing there, removing there needs --allow-outside (SPEC §6).
    func isInsideTree(_ path: String) -> Bool {
        let root = session.graph.root
        guard PathName.relative(path, to: root) != nil else { return false }
        let realRoot = session.disk.realPath(root) ?? root
        guard let realDirectory = session.disk.realPath(PathName.directory(of: path)) else { return false }
        return realDirectory == realRoot || PathName.relative(realDirectory, to: realRoot) != nil
    }

    /// A source: a file a current rule's input glob matches that no current rule's output pattern covers.
    func isSource(_ path: String) -> Bool {
        let recipe = session.recipe
        let matched = recipe.rules.contains { rule in
            rule.globs.contains { glob in PathName.relative(path, to: glob.directory).map { glob.glob.matches($0) } ?? false }
        }
        guard matched else { return false }
        return !recipe.rules.contains { OutputCoverage.covers(rule: $0, path: path) }
    }

    /// Removes the files and forgets their records; returns how many.
    func remove(_ paths: [String], dryRun: Bool, report: (Bool, String) -> Void) throws -> Int {
        for path in paths {
            report(dryRun, session.graph.display(path))
            guard !dryRun else { continue }
            try session.disk.remove(path)
            try session.state.forget(PathName.relative(path, to: session.graph.root) ?? path)
        }
        if !dryRun { try session.state.compactIfNeeded() }
        return paths.count
    }
}
