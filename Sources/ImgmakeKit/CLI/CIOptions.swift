import ArgumentParser

/// Options for incremental builds in CI: sharding and machine-readable reports.
struct CIOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Build only the per-input outputs in shard K of N (1-based); aggregate outputs are left for an unsharded run.",
        valueName: "K/N"))
    var shard: Shard?

    @Option(name: .long, help: ArgumentHelp("Write a JSON report of every output to FILE.", valueName: "FILE"), completion: .file())
    var report: String?

    @Option(name: .long, help: ArgumentHelp("Write a JUnit XML report (one test case per output) to FILE.", valueName: "FILE"),
            completion: .file())
    var junit: String?
}

/// `K/N`: shard K (1-based) of N.
public struct Shard: ExpressibleByArgument, Sendable, Equatable {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 1, k <= n else { return nil }
        self.init(index: k, count: n)
    }

    /// The build-log file a sharded run writes, so shards' `.imgmake/` folders can be copied together.
    public var logName: String { "log.shard-\(index)-of-\(count)" }

    /// Whether a stable key (a root-relative source path) falls in this shard.
    public func contains(key: String) -> Bool {
        Int(FNV1a.hash(key) % UInt64(count)) == index - 1
    }
}
