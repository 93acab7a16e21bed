import ImgmakeJob
import ImgmakeRecipe

/// A recipe whose every rule was checked against the operation catalog: operations and arguments exist,
/// values have the right types, placeholders are known, the output's extension has a saver.
/// What still depends on the files (inputs, outputs, chains, cycles) is the graph's part.
package struct CheckedRecipe {
    package var recipe: Recipe
    package var rules: [CheckedRule]
    package var groups: [GroupSyntax]

    package func rule(named name: String) -> CheckedRule? { rules.first { $0.name == name } }
    package func group(named name: String) -> GroupSyntax? { groups.first { $0.name.value == name } }
    package var targetNames: [String] { rules.map(\.name) + groups.map(\.name.value) }
}

/// One checked rule: its templates compiled and its steps bound to operations.
package final class CheckedRule {
    package let index: Int
    package let syntax: RuleSyntax
    package var name: String { syntax.name.value }
    /// Output pattern, relative to `syntax.directory`.
    let output: Template
    package let globs: [RuleGlob]
    /// True when the output pattern has none of {path} {name} {dir} {ext}: all inputs make one output.
    package let isAggregate: Bool
    package let matrix: [(name: String, values: [String])]
    let loadArguments: [ArgumentPlan]
    let steps: [StepPlan]
    /// `save` arguments, checked against the saver of each output's extension when outputs are expanded.
    let saveArguments: [ArgumentPlan]
    let saveLocation: SourceLocation
    /// The rule's one `run`, `python` or `worker` step (then `steps`, `loadArguments`, `saveArguments` are empty).
    let program: ProgramPlan?

    init(
        index: Int, syntax: RuleSyntax, output: Template, globs: [RuleGlob], isAggregate: Bool,
        matrix: [(name: String, values: [String])], loadArguments: [ArgumentPlan], steps: [StepPlan],
        saveArguments: [ArgumentPlan], saveLocation: SourceLocation, program: ProgramPlan? = nil
    ) {
        self.program = program
        self.index = index
        self.syntax = syntax
        self.output = output
        self.globs = globs
        self.isAggregate = isAggregate
        self.matrix = matrix
        self.loadArguments = loadArguments
        self.steps = steps
        self.saveArguments = saveArguments
        self.saveLocation = saveLocation
    }

    /// The rule's steps as written, for `show`: `thumbnail width=320 ...` lines.
    package var stepLines: [String] {
        if let program { return [program.display] }
        var lines: [String] = []
        if !loadArguments.isEmpty { lines.append((["load"] + loadArguments.map(\.displayText)).joined(separator: " ")) }
        for step in steps { lines.append(([step.operation.nickname] + step.arguments.map(\.displayText)).joined(separator: " ")) }
        lines.append((["save"] + saveArguments.map(\.displayText)).joined(separator: " "))
        return lines
    }
}

/// One input glob of a rule, braces expanded.
package struct RuleGlob {
    var text: String
    var glob: Glob
    /// Absolute directory the glob is relative to (the rule's directory).
    var directory: String
    /// Absolute directory below which placeholders such as {path} are taken: directory + glob base.
    package var baseDirectory: String
    var location: SourceLocation
}

/// One processing step bound to its operation.
struct StepPlan {
    var operation: OperationInfo
    var location: SourceLocation
    var arguments: [ArgumentPlan]
    /// The argument that receives the previous step's image (or the source): `in`, or `filename` for
    /// operations such as `thumbnail` that load the source themselves.
    var chainedArgument: ArgumentInfo
}

/// One argument bound to its operation's argument: its template, and its typed value when it has no placeholder.
struct ArgumentPlan {
    var argument: ArgumentInfo
    var template: Template
    var quoted: Bool
    var location: SourceLocation
    /// The value, when the text has no placeholder (checked at load time).
    var constant: OperationValue?
    /// Directory `@path` values are relative to.
    var directory: String

    /// `name=value` as the recipe would have to write it (`overlay=@"my logo.png"`).
    var displayText: String { argument.name + "=" + RecipeQuoting.word(template.text, quoted: quoted) }
}

/// A rule's `run`, `python` or `worker` step, checked: its words and arguments compiled, expanded per output by
/// `JobExpander`.
struct ProgramPlan {
    var kind: ProgramStep.Kind
    /// Where the step's first word (`run`, `python`, `worker`) is.
    var location: SourceLocation
    /// `run`: the command's words; `worker`: the worker program's words; `python`: the interpreter (`PYTHON`).
    var words: [ProgramWordPlan]
    /// `python`: the module, relative to the rule's directory, where it is written, and the function.
    var module: Located<String>?
    var function: String?
    /// `python` and `worker`: `NAME=VALUE` arguments.
    var arguments: [(name: String, value: ProgramWordPlan)]
    /// The step line as written (after variables), for `show` and messages.
    var display: String
}

/// One word or value of a program step: its template, whether it was quoted, where it is.
struct ProgramWordPlan {
    var template: Template
    var quoted: Bool
    var location: SourceLocation
}
