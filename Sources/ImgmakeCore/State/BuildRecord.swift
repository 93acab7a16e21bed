/// What the build log remembers about one output: how and from what it was last built.
struct BuildRecord: Sendable, Equatable {
    /// The output, relative to the root (the top recipe file's directory), so a moved or cloned tree keeps its state.
    var output: String
    /// The output's stamp right after it was written.
    var outputStamp: FileStamp
    /// Fingerprint of the expanded steps, saver, and the versions that matter to the pixels.
    var recipeFingerprint: UInt64
    /// Every input (sources in path order, then `@` files) with its stamp when the job started.
    var inputs: [InputRecord]
    /// Wall-clock time of the build (ns): when several records name one output, the newest of those whose
    /// output stamp is the file on disk wins (else the newest).
    var builtAt: Int64
    /// The recipe file whose rule made the output, relative to the root (`Imgmakefile`, `web.imgmake`): recipe
    /// files in one folder share `.imgmake/`, and `clean --orphans` of one must not touch another's outputs.
    /// nil in records of an imgmake that did not write it: such an output may be any recipe's.
    var recipe: String?
    /// The output's content digest (hex SHA-256) when a `--check hash` run wrote or checked it, else empty: an
    /// output restored from a cache with a new mtime is up to date when its content is still this.
    var outputDigest: String
    /// What the rule's `python` or `worker` function returned for the output (compact JSON text), or nil: kept
    /// so that `--report` holds it for an output that is up to date.
    var result: String?

    init(
        output: String, outputStamp: FileStamp, recipeFingerprint: UInt64, inputs: [InputRecord], builtAt: Int64,
        recipe: String? = nil, outputDigest: String = "", result: String? = nil
    ) {
        self.result = result
        self.output = output
        self.outputStamp = outputStamp
        self.recipeFingerprint = recipeFingerprint
        self.inputs = inputs
        self.builtAt = builtAt
        self.recipe = recipe
        self.outputDigest = outputDigest
    }
}

/// One input as it was when its output was built.
struct InputRecord: Sendable, Equatable {
    /// Relative to the root.
    var path: String
    var stamp: FileStamp
    /// Content digest (hex) when `--check hash` computed one, else empty.
    var digest: String

    init(path: String, stamp: FileStamp, digest: String = "") {
        self.path = path
        self.stamp = stamp
        self.digest = digest
    }
}
