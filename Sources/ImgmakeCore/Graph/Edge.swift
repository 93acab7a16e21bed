import ImgmakeJob

/// One output and what makes it: the rule, the input files, the expanded job. Like a ninja edge with one output.
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
