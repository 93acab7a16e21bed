import ImgmakeRecipe

/// Which edges a sharded run leaves out (README's *Using imgmake in CI*, `--shard K/N`): aggregate outputs and everything after them
/// (built by the final unsharded run), and per-input outputs whose root source falls in another shard.
/// The key is the source at the start of an output's chain of per-input rules, so a whole chain
/// (photo → large → small) stays in one shard and no shard builds another's work.
struct ShardPlan {
    let graph: BuildGraph
    let shard: Shard

    /// The edges of `order` (dependencies first) that this shard does not build: those left for the unsharded
    /// run, and those of other shards.
    func split(_ order: [Int]) -> (deferred: Set<Int>, otherShards: Set<Int>) {
        var left: Set<Int> = []
        var afterAggregate: Set<Int> = []
        var keys: [Int: String] = [:]
        for edge in order {
            let item = graph.edges[edge]
            if item.job.isAggregate || item.dependencies.contains(where: afterAggregate.contains) {
                afterAggregate.insert(edge)
                left.insert(edge)
                continue
            }
            let source = item.sources.first ?? item.output
            let key = graph.producer[source].flatMap { keys[$0] } ?? (PathName.relative(source, to: graph.root) ?? source)
            keys[edge] = key
            if !shard.contains(key: key) { left.insert(edge) }
        }
        return (afterAggregate, left.subtracting(afterAggregate))
    }
}

/// `K/N`: shard K (1-based) of N.
package struct Shard: Sendable, Equatable {
    package var index: Int
    package var count: Int

    package init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `K/N`; nil unless 1 ≤ K ≤ N.
    package init?(parsing argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 1, k <= n else { return nil }
        self.init(index: k, count: n)
    }

    /// The build-log file a sharded run writes, so shards' `.imgmake/` folders can be copied together.
    package var logName: String { "log.shard-\(index)-of-\(count)" }

    /// The shard whose log is `name` (`logName`), or nil.
    init?(logName name: String) {
        guard name.hasPrefix("log.shard-") else { return nil }
        let parts = name.dropFirst("log.shard-".count).split(separator: "-")
        guard parts.count == 3, parts[1] == "of", let k = Int(parts[0]), let n = Int(parts[2]), n >= 1, k >= 1, k <= n else {
            return nil
        }
        self.init(index: k, count: n)
    }

    /// Whether a stable key (a root-relative source path) falls in this shard.
    func contains(key: String) -> Bool {
        Int(FNV1a.hash(key) % UInt64(count)) == index - 1
    }
}
