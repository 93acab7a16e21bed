import ImgmakeRecipe
import ImgmakeJob

/// A recipe whose every rule was checked against the operation catalog: operations and arguments exist,
/// values have the right types, placeholders are known, the output's extension has a saver.
/// What still depends on the files (inputs, outputs, chains, cycles) is the graph's part.
public struct CheckedRecipe {
    public var recipe: Recipe
    public var rules: [CheckedRule]
    public var groups: [GroupSyntax]

    public func rule(named name: String) -> CheckedRule? { rules.first { $0.name == name } }
    public func group(named name: String) -> GroupSyntax? { groups.first { $0.name.value == name } }
    public var targetNames: [String] { rules.map(\.name) + groups.map(\.name.value) }
}

/// One checked rule: its templates compiled and its steps bound to operations.
public final class CheckedRule {
    public let index: Int
    public let syntax: RuleSyntax
    public var name: String { syntax.name.value }
    /// Output pattern, relative to `syntax.directory`.
    public let output: Template
    public let globs: [RuleGlob]
    /// True when the output pattern has none of {path} {name} {dir} {ext}: all inputs make one output.
    public let isAggregate: Bool
    public let matrix: [(name: String, values: [String])]
    public let loadArguments: [ArgumentPlan]
    public let steps: [StepPlan]
    /// `save` arguments, checked against the saver of each output's extension when outputs are expanded.
    public let saveArguments: [ArgumentPlan]
    public let saveLocation: SourceLocation

    init(index: Int, syntax: RuleSyntax, output: Template, globs: [RuleGlob], isAggregate: Bool,
         matrix: [(name: String, values: [String])], loadArguments: [ArgumentPlan], steps: [StepPlan],
         saveArguments: [ArgumentPlan], saveLocation: SourceLocation) {
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
    public var stepLines: [String] {
        var lines: [String] = []
        if !loadArguments.isEmpty { lines.append((["load"] + loadArguments.map(\.displayText)).joined(separator: " ")) }
        for step in steps { lines.append(([step.operation.nickname] + step.arguments.map(\.displayText)).joined(separator: " ")) }
        lines.append((["save"] + saveArguments.map(\.displayText)).joined(separator: " "))
        return lines
    }
}

/// One input glob of a rule, braces expanded.
public struct RuleGlob {
    public var text: String
    public var glob: Glob
    /// Absolute directory the glob is relative to (the rule's directory).
    public var directory: String
    /// Absolute directory below which placeholders such as {path} are taken: directory + glob base.
    public var baseDirectory: String
    public var location: SourceLocation
}

/// One processing step bound to its operation.
public struct StepPlan {
    public var operation: OperationInfo
    public var location: SourceLocation
    public var arguments: [ArgumentPlan]
    /// The argument that receives the previous step's image (or the source): `in`, or `filename` for
    /// operations such as `thumbnail` that load the source themselves.
    public var chainedArgument: ArgumentInfo
}

/// One argument bound to its operation's argument: its template, and its typed value when it has no placeholder.
public struct ArgumentPlan {
    public var argument: ArgumentInfo
    public var template: Template
    public var quoted: Bool
    public var location: SourceLocation
    /// The value, when the text has no placeholder (checked at load time).
    public var constant: OperationValue?
    /// Directory `@path` values are relative to.
    public var directory: String

    var displayText: String { "\(argument.name)=\(quoted ? "\"\(template.text)\"" : template.text)" }
}
