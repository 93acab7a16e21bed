import Foundation
import ImgmakeRecipe

/// Works out what `clean` may remove, and removes it.
package struct Cleaner {
    package init(session: Session) { self.session = session }
    let session: Session

    /// The whole of `clean`, for the command line and the shell: takes the state's lock (unless `dryRun`),
    /// removes the targets' outputs or the orphans, and returns how many files it removed (or would).
    /// `interrupts` stop the wait for the lock.
    package func clean(
        _ targets: [String], orphans: Bool, dryRun: Bool, wait: Bool, interrupts: InterruptSource,
        notice: (String) -> Void, report: (String) -> Void
    ) throws -> Int {
        let lock = dryRun ? nil : try session.lockState(wait: wait, interrupts: interrupts, notice: notice)
        defer { lock?.release() }
        if orphans {
            for path in disowned() {
                report(
                    "\(dryRun ? "would keep" : "kept") \(session.graph.display(path)): changed since imgmake built it, "
                        + "so it is not imgmake's any more\(dryRun ? "" : " (its record is dropped)")")
                if !dryRun { try session.state.forget(key(path)) }
            }
        }
        return try remove(orphans ? self.orphans() : outputs(of: targets), dryRun: dryRun) {
            report(($0 ? "would remove " : "removed ") + $1)
        }
    }

    /// Existing outputs of the targets (all rules when none), dependencies not included.
    func outputs(of targets: [String]) throws -> [String] {
        let edges = targets.isEmpty ? Array(session.graph.edges.indices) : try session.edges(for: targets)
        return edges.map { session.graph.edges[$0].output }.filter { session.disk.stamp($0) != nil && !isSource($0) }
    }

    /// Files this recipe file's builds made (recorded in state) that no current rule makes, still on disk as
    /// imgmake wrote them, and not sources. Outputs of another recipe file that shares `.imgmake/` are that
    /// one's; records of an older imgmake, which do not say their recipe file, are no one's (they might be
    /// another recipe's: left alone).
    func orphans() -> [String] { candidates().filter { imgmakeWrote($0) } }

    /// Files recorded as this recipe's orphans that were changed since imgmake wrote them (the user put their
    /// own file there): not imgmake's any more, so they stay, and their records go.
    func disowned() -> [String] { candidates().filter { !imgmakeWrote($0) } }

    private func candidates() -> [String] {
        let root = session.graph.root
        return session.state.outputs(recordedBy: session.recipeFile)
            .map { PathName.normalize(PathName.join(root, $0)) }
            .filter { session.graph.producer[$0] == nil && session.disk.stamp($0) != nil && !isSource($0) }
            .filter { session.options.allowOutside || isInsideTree($0) }
    }

    /// The file is the one a record of it describes (output stamp equal), not one put in its place.
    private func imgmakeWrote(_ path: String) -> Bool {
        let stamp = session.disk.stamp(path)
        return session.state.record(of: key(path), onDisk: stamp)?.outputStamp == stamp
    }

    private func key(_ path: String) -> String { PathName.relative(path, to: session.graph.root) ?? path }

    /// The build log is only text: a record naming `../x`, an absolute path, or a path through a link that
    /// leads out of the tree (a log from another tree, a tampered cache) must not make `clean --orphans`
    /// delete files outside it. Like writing there, removing there needs --allow-outside (README's *Bad input* and *clean*).
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
            try session.state.forget(key(path))
        }
        if !dryRun { try session.state.compactIfNeeded() }
        return paths.count
    }
}
