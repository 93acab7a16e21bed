/// The recipe as loaded from text: includes resolved, variables substituted, nothing checked against
/// libvips or the file system yet. Produced by `RecipeLoader`, consumed by `RecipeChecker` and the graph.
public struct Recipe: Sendable {
    /// Absolute, normalised directory of the top recipe file: the root of the tree, where `.imgmake/` lives.
    public var rootDirectory: String
    /// Absolute path of the top recipe file.
    public var topFile: String
    /// Every recipe file that was read (top file first, then includes), absolute paths.
    public var files: [String]
    /// Rules in file order (includes expanded in place).
    public var rules: [RuleSyntax]
    /// Groups in file order.
    public var groups: [GroupSyntax]
    /// The first rule or group of the top file, if any.
    public var defaultTarget: String?
    /// The final value of every variable (after command-line overrides).
    public var variables: [String: String]
    /// Every variable name the recipe files assign or refer to with `$(NAME)`, whether or not an override
    /// replaced it. An override naming none of these changes nothing (most likely a typo).
    public var variableNames: Set<String>

    public init(
        rootDirectory: String, topFile: String, files: [String], rules: [RuleSyntax], groups: [GroupSyntax],
        defaultTarget: String?, variables: [String: String], variableNames: Set<String> = []
    ) {
        self.rootDirectory = rootDirectory
        self.topFile = topFile
        self.files = files
        self.rules = rules
        self.groups = groups
        self.defaultTarget = defaultTarget
        self.variables = variables
        self.variableNames = variableNames
    }
}

/// `NAME: OUTPUT-PATTERN <- INPUT-GLOB...` and its indented body.
public struct RuleSyntax: Sendable {
    public var name: Located<String>
    /// The output pattern as written (variables substituted, placeholders such as `{path}` kept; its
    /// `Template` parses: the loader checked).
    public var outputPattern: Located<String>
    /// Input globs as written (variables substituted), each relative to `directory`; each `Glob` parses
    /// (the loader checked).
    public var inputGlobs: [Located<String>]
    /// Absolute directory of the recipe file that holds the rule: its relative paths start here.
    public var directory: String
    /// `with NAME = VALUE...` lines, in order.
    public var matrix: [MatrixAxis]
    /// Steps in order, including `load` and `save` lines as written.
    public var steps: [StepSyntax]

    public init(
        name: Located<String>, outputPattern: Located<String>, inputGlobs: [Located<String>], directory: String,
        matrix: [MatrixAxis], steps: [StepSyntax]
    ) {
        self.name = name
        self.outputPattern = outputPattern
        self.inputGlobs = inputGlobs
        self.directory = directory
        self.matrix = matrix
        self.steps = steps
    }
}

/// One `with NAME = VALUE...` line.
public struct MatrixAxis: Sendable {
    public var name: Located<String>
    public var values: [Located<String>]
    public init(name: Located<String>, values: [Located<String>]) {
        self.name = name
        self.values = values
    }
}

/// One step line: an operation nickname and its arguments.
public struct StepSyntax: Sendable {
    public var operation: Located<String>
    public var arguments: [ArgumentSyntax]
    public init(operation: Located<String>, arguments: [ArgumentSyntax]) {
        self.operation = operation
        self.arguments = arguments
    }
}

/// `name=value` or a bare `value` on a step line.
public struct ArgumentSyntax: Sendable {
    /// nil for a bare value.
    public var name: Located<String>?
    /// The value text with variables substituted, quotes removed and escapes resolved; placeholders such
    /// as `{w}` kept (its `Template` parses: the loader checked). `@path` images keep their `@`. Located at
    /// the value's first character (after the opening quote of a quoted value); the characters a `$(NAME)`
    /// reference produced are located at its `$`.
    public var value: Located<String>
    /// True when the value starts with a quote (`x="12"`, `"@logo"`): a string, never a number or an
    /// image. `@"my logo.png"` is an image (not quoted) whose path has a space.
    public var quoted: Bool

    public init(name: Located<String>?, value: Located<String>, quoted: Bool) {
        self.name = name
        self.value = value
        self.quoted = quoted
    }
}

/// `NAME: TARGET...` (no `<-`).
public struct GroupSyntax: Sendable {
    public var name: Located<String>
    public var targets: [Located<String>]
    public init(name: Located<String>, targets: [Located<String>]) {
        self.name = name
        self.targets = targets
    }
}
