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
