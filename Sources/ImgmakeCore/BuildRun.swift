import Foundation
import ImgmakeJob
import ImgmakeRecipe

/// One build over a loaded session, as the command line and the shell's `build` both run it: the targets'
/// edges, the inputs check, the state's lock, the scheduler on the pool `makeExecutor` makes, the reports.
package enum BuildRun {
    /// What one build is asked to do, in plain values (`BuildOptions` holds the command-line form).
    package struct Request: Equatable {
        package var targets: [String] = []
        package var builder = Builder.Options()
        /// `--no-wait`: fail at once (exit 75) when another build holds the state's lock.
        package var noWait = false
        package var reportPath: String?
        package var junitPath: String?
        /// Under GitHub Actions, `$GITHUB_STEP_SUMMARY`: the Markdown summary is appended to it.
        package var stepSummaryPath: String?
        /// `--trace FILE`: a Chrome trace of the run.
        package var tracePath: String?
        package init() {}
    }

    /// `makeExecutor` is called with the number of workers once jobs are about to run (never for a no-op or a
    /// dry run), after the catalog cache was compared with the image library. `interrupts` stop the wait for
    /// the state's lock and the build (the process' `InterruptHandler`; a fake in tests). `transport` reaches the
    /// server of `--remote-cache`.
    @discardableResult
    package static func run(
        session: Session, request: Request, reporter: ProgressReporter, interrupts: InterruptSource,
        transport: HTTPTransport? = nil, slots: JobSlots? = nil, makeExecutor: @escaping (Int) -> JobExecutor
    ) throws -> BuildSummary {
        let edges = try session.edges(for: request.targets)
        for warning in session.graph.warnings { reporter.warning(warning) }
        if request.builder.shard == nil { try session.graph.requireInputs(session.graph.closure(of: edges)) }
        // From before deciding what is stale to after the last record: a second build waits, then finds it done.
        let lock =
            request.builder.dryRun ? nil : try session.lockState(wait: !request.noWait, interrupts: interrupts, notice: reporter.notice)
        defer { lock?.release() }
        let builder = Builder(
            session: session, reporter: reporter, options: request.builder, interrupts: interrupts, transport: transport,
            slots: slots
        ) { workers in
            // Jobs are about to run, so libvips starts anyway: the cached answers the recipe was checked with
            // are compared with libvips' now (a job whose saver is wrong fails in `JobRunner`).
            verifyCatalogCache(session, reporter)
            return makeExecutor(workers)
        }
        var summary = try builder.build(edges)
        reporter.summary(summary.line)
        // Each report through a temporary beside it and a rename: a full disk leaves the old file (or none),
        // never a partial one, and is an error that names the file (exit 74 when nothing else failed).
        var reports: [(path: String, bytes: () throws -> [UInt8])] = []
        if let reportPath = request.reportPath {
            reports.append(
                (
                    reportPath,
                    {
                        let root = session.graph.root
                        return [UInt8](
                            try BuildReport.json(
                                results: builder.results, graph: session.graph, summary: summary, shard: request.builder.shard,
                                zero: (session.phases + builder.phases).map(\.start).min()
                            ) { output in
                                session.state.newestRecord(of: PathName.relative(output, to: root) ?? output)?.result
                            })
                    }
                ))
        }
        if let tracePath = request.tracePath {
            reports.append(
                (
                    tracePath,
                    {
                        [UInt8](
                            try BuildTrace.json(phases: session.phases + builder.phases, results: builder.results, graph: session.graph))
                    }
                ))
        }
        if let junitPath = request.junitPath {
            reports.append((junitPath, { Array(BuildReport.junit(results: builder.results, graph: session.graph, summary: summary).utf8) }))
        }
        if let path = request.stepSummaryPath {
            let failures = builder.results.filter { $0.status == .failed }.map { result in
                "`\(session.graph.display(session.graph.edges[result.edge].output))` (rule \(session.graph.edges[result.edge].rule.name)): "
                    + (result.error ?? "failed")
            }
            let markdown = GitHubActions.stepSummary(summary, failures: failures)
            do { try session.disk.append(PathName.join(session.cwd, path), Array(markdown.utf8)) } catch {
                reporter.warning(
                    "cannot write the job summary to \(path): \((error as? DiskError)?.message ?? ErrorMessage.describe(error))")
            }
        }
        for (path, bytes) in reports {
            do { try session.disk.writeAtomically(PathName.join(session.cwd, path), try bytes()) } catch {
                reporter.error("cannot write report \(path): \((error as? DiskError)?.message ?? ErrorMessage.describe(error))")
                summary.reportFailed = true
            }
        }
        return summary
    }

    /// Warns when `.imgmake/catalog.json` disagreed with libvips (it is then rewritten from libvips).
    private static func verifyCatalogCache(_ session: Session, _ reporter: ProgressReporter) {
        guard let cached = session.catalog as? CachedCatalog else { return }
        let differences = cached.verifiedAgainstLibrary()
        guard !differences.isEmpty else { return }
        let file = PathName.relative(cached.file, to: session.cwd) ?? cached.file
        reporter.warning(
            "\(file) disagreed with libvips (\(differences.joined(separator: "; "))): rewritten from libvips; "
                + "jobs planned from it fail, the next build plans them again")
    }
}
