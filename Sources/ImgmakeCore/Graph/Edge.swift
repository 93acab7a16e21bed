import ImgmakeJob

/// One output and what makes it: the rule, the input files, the expanded job. Like a ninja edge with one output.
public struct Edge {
    public let rule: CheckedRule
    /// Absolute, normalised path of the output.
    public let output: String
    /// Source files (absolute): one for a per-input rule, all matched inputs in path order for an aggregate.
    public let sources: [String]
    /// Placeholder values of this output ({path}, {name}, {dir}, {ext} and matrix names).
    public let placeholders: [String: String]
    /// The job that makes the output, every argument resolved.
    public var job: ImageJob
    /// `@` image files named by the steps (absolute): inputs of the output too.
    public var imageInputs: [String]
    /// Every input: sources then `@` files.
    public var inputs: [String] { imageInputs.isEmpty ? sources : sources + imageInputs }
    /// Edges whose outputs this edge reads.
    public var dependencies: [Int] = []
}
