import ArgumentParser
import ImgmakeCore

/// Options for incremental builds in CI: sharding and machine-readable reports.
struct CIOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Build only the per-input outputs in shard K of N (1-based); aggregate outputs are left for an unsharded run.",
            valueName: "K/N"))
    var shard: Shard?

    @Option(name: .long, help: ArgumentHelp("Write a JSON report of every output to FILE.", valueName: "FILE"), completion: .file())
    var report: String?

    @Option(
        name: .long, help: ArgumentHelp("Write a JUnit XML report (one test case per output) to FILE.", valueName: "FILE"),
        completion: .file())
    var junit: String?
}

/// `--shard K/N`.
extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
