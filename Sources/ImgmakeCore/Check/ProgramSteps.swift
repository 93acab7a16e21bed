import ImgmakeJob

/// The words of the steps that run the user's code (README's *Your own code*), in one place for the checker,
/// the expander and the docs.
package enum ProgramSteps {
    /// The step names, and what each runs.
    package static func kind(of operation: String) -> ProgramStep.Kind? { ProgramStep.Kind(rawValue: operation) }

    /// The variable that names the interpreter of `python` steps (`python3` when the recipe does not set it).
    package static let pythonVariable = "PYTHON"

    /// `{in}`: the source; `{out}`: the file to write; `{inputs}`: every source, one argument each.
    package static let input = "in"
    package static let output = "out"
    package static let inputs = "inputs"

    /// A Python identifier in ASCII: a letter or `_`, then letters, digits and `_`.
    package static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
