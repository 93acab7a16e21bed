import ImgmakeJob

/// One output and what makes it: the rule, the input files, the expanded job. Like a ninja edge with one output.
/// A value made on demand from the graph's arrays (`BuildGraph.edges[index]`); the no-op path works on those
/// arrays and IDs instead (`BuildGraph.outputID(of:)`, `sourceIDs(of:)` ...).
package struct Edge {
    package let rule: CheckedRule
    /// Absolute, normalised path of the output.
    package let output: String
    /// Source files (absolute): one for a per-input rule, all matched inputs in path order for an aggregate.
    let sources: [String]
    /// Placeholder values of this output ({path}, {name}, {dir}, {ext} and matrix names).
    let placeholders: [String: String]
    /// The job that makes the output, every argument resolved.
    var job: ImageJob
    /// `@` image files named by the steps (absolute): inputs of the output too.
    package var imageInputs: [String]
    /// Every input: sources then `@` files.
    package var inputs: [String] { imageInputs.isEmpty ? sources : sources + imageInputs }
    /// Edges whose outputs this edge reads.
    var dependencies: [Int] = []
}

/// What the graph keeps of its edges, one array per field, indexed by edge (ninja's and samurai's edges,
/// with paths as `PathTable` IDs).
struct EdgeStorage {
    var rule: [Int32] = []
    var output: [PathTable.ID] = []
    /// The sources of edge `e` are `sources[sourceStart[e]..<sourceStart[e + 1]]`.
    var sourceStart: [Int32] = [0]
    var sources: [PathTable.ID] = []
    /// Where a per-input edge's source path continues below its glob's base (what `{path}` and the other
    /// placeholders are cut from); -1 for an aggregate.
    var belowStart: [Int32] = []
    /// The rule's matrix combination the edge was made for.
    var combination: [Int32] = []
    /// Index into `EdgeJobs.jobs` of the edge's job (shared by the edges of a rule whose steps use no placeholder).
    var job: [Int32] = []
    /// `@` image files, per edge (empty for almost all).
    var imageInputs: [[PathTable.ID]] = []
    var dependencies: [[Int]] = []

    var count: Int { output.count }

    mutating func append(
        rule: Int, output: PathTable.ID, sources: ArraySlice<PathTable.ID>, belowStart: Int32, combination: Int32,
        job: Int32, imageInputs: [PathTable.ID]
    ) {
        self.rule.append(Int32(rule))
        self.output.append(output)
        self.sources.append(contentsOf: sources)
        self.sourceStart.append(Int32(self.sources.count))
        self.belowStart.append(belowStart)
        self.combination.append(combination)
        self.job.append(job)
        self.imageInputs.append(imageInputs)
        self.dependencies.append([])
    }
}

/// The jobs of a graph's edges: one per rule (and output extension) when the rule's steps use no
/// placeholder, else one per edge. Each with its fingerprint, worked out when first asked.
final class EdgeJobs {
    /// A job; for a shared one, `sources` is what the first edge had (each edge's own are put in when it is
    /// made into an `Edge`).
    private(set) var jobs: [ImageJob] = []
    /// Each job's fingerprint once computed, with the library version it was computed for.
    private var fingerprints: [(version: String, value: UInt64)?] = []
    /// `@` image files of each job (absolute).
    private(set) var imageInputs: [[String]] = []

    func add(_ job: ImageJob, imageInputs: [String]) -> Int32 {
        jobs.append(job)
        fingerprints.append(nil)
        self.imageInputs.append(imageInputs)
        return Int32(jobs.count - 1)
    }

    /// The fingerprint of job `index` (computed once).
    func fingerprint(_ index: Int32, root: String, libraryVersion: String) -> UInt64 {
        if let known = fingerprints[Int(index)], known.version == libraryVersion { return known.value }
        let value = RecipeFingerprint.of(jobs[Int(index)], root: root, libraryVersion: libraryVersion)
        fingerprints[Int(index)] = (libraryVersion, value)
        return value
    }
}
