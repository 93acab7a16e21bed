import ArgumentParser
import ImgmakeCore

/// Options for incremental builds in CI: sharding and machine-readable reports.
struct CIOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Build only the per-input outputs in shard K of N (1-based); aggregate outputs are left for an unsharded run. "
                + "auto: the shard the scheduler gave this job (GitLab CI, CircleCI, Buildkite, Slurm job arrays, "
                + "Kubernetes Indexed Jobs).",
            valueName: "K/N|auto"))
    var shard: ShardChoice?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --shard auto: the number of shards, for a Kubernetes Indexed Job (its completions).", valueName: "N"))
    var shardCount: Int?

    @Option(name: .long, help: ArgumentHelp("Write a JSON report of every output to FILE.", valueName: "FILE"), completion: .file())
    var report: String?

    @Option(
        name: .long, help: ArgumentHelp("Write a JUnit XML report (one test case per output) to FILE.", valueName: "FILE"),
        completion: .file())
    var junit: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write a Chrome trace of the run to FILE (Perfetto, chrome://tracing): the phases, and each job on its worker.",
            valueName: "FILE"),
        completion: .file())
    var trace: String?
}

extension CIOptions {
    func validate() throws {
        if let shardCount, shardCount < 1 { throw ValidationError("--shard-count needs a number of at least 1") }
        if shardCount != nil && shard != .auto { throw ValidationError("--shard-count goes with --shard auto") }
    }

    /// The shard this run builds: `--shard K/N`, or with `--shard auto` the one the scheduler's variables in
    /// `environment` give (and a line saying which, for stderr). Throws a usage error when `auto` finds none.
    func resolvedShard(environment: [String: String]) throws -> (shard: Shard, notice: String?)? {
        switch shard {
        case nil: return nil
        case .fixed(let shard)?: return (shard, nil)
        case .auto?:
            do throws(ShardEnvironmentError) {
                let found = try ShardEnvironment.shard(in: environment, count: shardCount)
                return (found.shard, "--shard auto: shard \(found.shard.index)/\(found.shard.count) from \(found.source)")
            } catch {
                throw UsageError(error.message)
            }
        }
    }
}

/// `--shard K/N` or `--shard auto`.
enum ShardChoice: Equatable, ExpressibleByArgument {
    case fixed(Shard)
    case auto

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let shard = Shard(parsing: argument) {
            self = .fixed(shard)
        } else {
            return nil
        }
    }
}
