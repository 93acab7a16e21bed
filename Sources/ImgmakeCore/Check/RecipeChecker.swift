import ImgmakeJob
import ImgmakeRecipe

/// Checks a loaded recipe against the operation catalog (README's *The recipe language*, "Checked before anything runs"), collecting every
/// error with its `FILE:LINE:COLUMN`.
struct RecipeChecker {
    /// Placeholders that come from each input file.
    static let inputPlaceholders: Set<String> = InputPlaceholder.names

    let catalog: OperationCatalog
    /// The interpreter of `python` steps: the recipe's `PYTHON` variable, split at blanks.
    private var python: [String] = ["python3"]

    init(catalog: OperationCatalog) { self.catalog = catalog }

    func check(_ recipe: Recipe) throws(RecipeErrors) -> CheckedRecipe {
        var errors: [RecipeError] = []
        var rules: [CheckedRule] = []
        var checker = self
        if let interpreter = recipe.variables[ProgramSteps.pythonVariable] {
            let words = interpreter.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if !words.isEmpty { checker.python = words }
        }
        for (index, syntax) in recipe.rules.enumerated() {
            do throws(RecipeErrors) { rules.append(try checker.checkRule(syntax, index: index)) } catch { errors += error.errors }
        }
        errors += checkGroups(recipe, ruleNames: Set(recipe.rules.map(\.name.value)))
        guard errors.isEmpty else { throw RecipeErrors(errors) }
        return CheckedRecipe(recipe: recipe, rules: rules, groups: recipe.groups)
    }

    // MARK: Groups

    private func checkGroups(_ recipe: Recipe, ruleNames: Set<String>) -> [RecipeError] {
        var errors: [RecipeError] = []
        let names = ruleNames.union(recipe.groups.map(\.name.value))
        let groups = Dictionary(recipe.groups.map { ($0.name.value, $0) }, uniquingKeysWith: { a, _ in a })
        for group in recipe.groups {
            for target in group.targets where !names.contains(target.value) && !looksLikePath(target.value) {
                errors.append(
                    RecipeError(
                        "unknown target '\(target.value)' in group '\(group.name.value)'", at: target.location,
                        notes: suggestion(target.value, in: Array(names))))
            }
        }
        // A group that contains itself, directly or through other groups.
        for group in recipe.groups {
            var seen: Set<String> = []
            var stack = group.targets.map(\.value)
            while let next = stack.popLast() {
                if next == group.name.value {
                    errors.append(RecipeError("group '\(next)' contains itself", at: group.name.location))
                    break
                }
                if seen.insert(next).inserted, let inner = groups[next] { stack += inner.targets.map(\.value) }
            }
        }
        return errors
    }

    private func looksLikePath(_ text: String) -> Bool { text.contains("/") || text.contains(".") }

    // MARK: Rules

    /// A rule, part by part (matrix, output pattern, input globs, steps), so that every error in it is reported.
    private func checkRule(_ syntax: RuleSyntax, index: Int) throws(RecipeErrors) -> CheckedRule {
        var errors: [RecipeError] = []
        let matrix = checkMatrix(syntax, errors: &errors)
        let isProgram = syntax.steps.contains { ProgramSteps.kind(of: $0.operation.value) != nil }
        let output = checkOutput(syntax, matrixNames: Set(matrix.map(\.name)), needsSaver: !isProgram, errors: &errors)
        let globs = checkGlobs(syntax, errors: &errors)
        if isProgram {
            let program = checkProgram(syntax, output: output, errors: &errors)
            guard errors.isEmpty, let pattern = output.pattern, let program else { throw RecipeErrors(errors) }
            return CheckedRule(
                index: index, syntax: syntax, output: pattern, globs: globs, isAggregate: output.isAggregate,
                matrix: matrix, loadArguments: [], steps: [], saveArguments: [], saveLocation: syntax.name.location,
                program: program)
        }
        let steps = checkSteps(syntax, output: output, errors: &errors)
        guard errors.isEmpty, let pattern = output.pattern else { throw RecipeErrors(errors) }
        return CheckedRule(
            index: index, syntax: syntax, output: pattern, globs: globs, isAggregate: output.isAggregate,
            matrix: matrix, loadArguments: steps.load, steps: steps.steps, saveArguments: steps.save,
            saveLocation: steps.saveLocation)
    }

    /// The `with` axes: names that are not built-in placeholders, each defined once, with values.
    private func checkMatrix(_ syntax: RuleSyntax, errors: inout [RecipeError]) -> [(name: String, values: [String])] {
        var matrix: [(name: String, values: [String])] = []
        for axis in syntax.matrix {
            if Self.inputPlaceholders.contains(axis.name.value) {
                errors.append(
                    RecipeError("'\(axis.name.value)' is a built-in placeholder and cannot be a matrix name", at: axis.name.location))
            } else if matrix.contains(where: { $0.name == axis.name.value }) {
                errors.append(
                    RecipeError("matrix '\(axis.name.value)' is defined twice in rule '\(syntax.name.value)'", at: axis.name.location))
            } else if axis.values.isEmpty {
                errors.append(RecipeError("matrix '\(axis.name.value)' has no values", at: axis.name.location))
            }
            matrix.append((axis.name.value, axis.values.map(\.value)))
        }
        return matrix
    }

    /// What a rule's output pattern decides: whether the rule is an aggregate, and the placeholders its steps
    /// may use.
    private struct RuleOutput {
        /// nil when the pattern itself is wrong (its error is reported).
        var pattern: Template?
        var isAggregate: Bool
        var known: Set<String>
    }

    /// The output pattern: known placeholders, every matrix name used (else outputs would overwrite each
    /// other), and a saver for its extension.
    private func checkOutput(
        _ syntax: RuleSyntax, matrixNames: Set<String>, needsSaver: Bool, errors: inout [RecipeError]
    ) -> RuleOutput {
        var pattern: Template?
        do throws(RecipeError) { pattern = try compileTemplate(syntax.outputPattern) } catch { errors.append(error) }
        let outputNames = Set(pattern?.names ?? [])
        let isAggregate = outputNames.isDisjoint(with: Self.inputPlaceholders)
        var known = matrixNames
        if !isAggregate { known.formUnion(Self.inputPlaceholders) }
        if let pattern {
            errors += unknownPlaceholders(
                pattern, at: syntax.outputPattern.location, known: known, isAggregate: isAggregate,
                candidates: Self.inputPlaceholders.union(matrixNames))
            for name in matrixNames where !outputNames.contains(name) {
                guard let axis = syntax.matrix.first(where: { $0.name.value == name }) else {
                    preconditionFailure("matrix names come from the rule's own axes")
                }
                errors.append(
                    RecipeError(
                        "matrix '\(name)' is not used in the output pattern, so its outputs would overwrite each other",
                        at: axis.name.location, notes: ["add {\(name)} to \(syntax.outputPattern.value)"]))
            }
            if needsSaver { errors += saverErrors(pattern, of: syntax) }
        }
        return RuleOutput(pattern: pattern, isAggregate: isAggregate, known: known)
    }

    /// A saver for the output's extension, when the pattern fixes it (a placeholder in it is checked per output).
    private func saverErrors(_ pattern: Template, of syntax: RuleSyntax) -> [RecipeError] {
        let ext = PathName.fileExtension(pattern.text)
        guard !ext.contains("{") else { return [] }
        if !ext.isEmpty, let saver = catalog.saverNickname(forPath: "x." + ext),
            let refused = OutputSavers.error(saver: saver, ext: ext, rule: syntax.name.value, at: syntax.outputPattern.location)
        {
            return [refused]
        }
        guard catalog.saverNickname(forPath: "x." + ext) == nil || ext.isEmpty else { return [] }
        return [
            RecipeError(
                ext.isEmpty
                    ? "the output pattern has no file extension, so no saver can be chosen"
                    : "no libvips saver writes '.\(ext)' files",
                at: syntax.outputPattern.location,
                notes: ["savers handle .jpg .jpeg .png .webp .avif .heic .tif .tiff .gif .jxl .jp2 and more"])
        ]
    }

    /// The input globs, braces expanded, each with the directory its placeholders are taken below.
    private func checkGlobs(_ syntax: RuleSyntax, errors: inout [RecipeError]) -> [RuleGlob] {
        var globs: [RuleGlob] = []
        for located in syntax.inputGlobs {
            for text in Glob.expandBraces(located.value) {
                do throws(GlobError) {
                    let glob = try Glob(text)
                    let base = PathName.normalize(PathName.join(syntax.directory, glob.base))
                    globs.append(
                        RuleGlob(
                            text: text, glob: glob, directory: syntax.directory, baseDirectory: base,
                            location: located.location))
                } catch {
                    errors.append(RecipeError("bad input glob '\(text)': \(error)", at: located.location))
                }
            }
        }
        return globs
    }

    /// A rule's steps as planned: `load` options, the operations, `save` options.
    private struct RuleSteps {
        var load: [ArgumentPlan] = []
        var steps: [StepPlan] = []
        var save: [ArgumentPlan] = []
        var saveLocation: SourceLocation
    }

    /// The steps: `load` first, `save` last, no `system`, every other one bound to its operation; an aggregate
    /// needs a step that combines its inputs.
    private func checkSteps(_ syntax: RuleSyntax, output: RuleOutput, errors: inout [RecipeError]) -> RuleSteps {
        var planned = RuleSteps(saveLocation: syntax.name.location)
        for (position, step) in syntax.steps.enumerated() {
            let op = step.operation.value
            switch op {
            case "load":
                if position != 0 {
                    errors.append(RecipeError("'load' must be the first step", at: step.operation.location))
                }
                planned.load = loaderOptions(step, directory: syntax.directory, known: output.known, errors: &errors)
            case "save":
                if position != syntax.steps.count - 1 {
                    errors.append(RecipeError("'save' must be the last step", at: step.operation.location))
                }
                planned.saveLocation = step.operation.location
                planned.save = saverOptions(step, directory: syntax.directory, known: output.known, errors: &errors)
            case "system":
                errors.append(
                    RecipeError(
                        "the 'system' operation runs shell commands and is not allowed in recipes",
                        at: step.operation.location))
            default:
                guard let info = catalog.operation(named: op) else {
                    errors.append(
                        RecipeError(
                            "unknown operation '\(op)'", at: step.operation.location,
                            notes: suggestion(op, in: catalog.operationNames + ["load", "save"])
                                + ["`imgmake ops` lists the operations"]))
                    continue
                }
                do throws(RecipeErrors) {
                    planned.steps.append(
                        try bind(
                            step, to: info, isFirst: planned.steps.isEmpty, isAggregate: output.isAggregate,
                            directory: syntax.directory, known: output.known))
                } catch { errors += error.errors }
            }
        }
        if output.isAggregate && planned.steps.isEmpty && output.pattern != nil {
            errors.append(
                RecipeError(
                    "rule '\(syntax.name.value)' has no placeholder in its output, so all its inputs make one image, but it has no step that combines them",
                    at: syntax.outputPattern.location,
                    notes: ["add a step such as `arrayjoin across=6`, or a placeholder such as {path} for one output per input"]))
        }
        return planned
    }

    // MARK: Program steps

    /// A rule's `run`, `python` or `worker` step: the only step of its rule; `run` writes `{out}`, takes `{in}`
    /// only from a per-input rule and `{inputs}` only as a word of its own; `python` names `FILE:FUNCTION`,
    /// then `NAME=VALUE` arguments.
    private func checkProgram(_ syntax: RuleSyntax, output: RuleOutput, errors: inout [RecipeError]) -> ProgramPlan? {
        guard let step = syntax.steps.first(where: { ProgramSteps.kind(of: $0.operation.value) != nil }),
            let kind = ProgramSteps.kind(of: step.operation.value)
        else { return nil }
        if syntax.steps.count > 1 {
            errors.append(
                RecipeError(
                    "'\(kind.rawValue)' must be the only step of rule '\(syntax.name.value)'", at: step.operation.location,
                    notes: [
                        "a rule is either libvips steps or one run, python or worker step; "
                            + "chain two rules to do both (one rule's outputs are the next one's inputs)"
                    ]))
            return nil
        }
        let display = ([kind.rawValue] + step.arguments.map(Self.displayText)).joined(separator: " ")
        let count = errors.count
        func compile(_ argument: ArgumentSyntax, paths: Bool) -> ProgramWordPlan? {
            let template: Template
            do throws(RecipeError) { template = try compileTemplate(argument.value) } catch {
                errors.append(error)
                return nil
            }
            var known = output.known
            if paths {
                known.insert(ProgramSteps.output)
                known.insert(ProgramSteps.inputs)
                if !output.isAggregate { known.insert(ProgramSteps.input) }
            }
            for name in template.names where !known.contains(name) {
                var notes: [String] = []
                if name == ProgramSteps.input && paths {
                    notes = ["rule '\(syntax.name.value)' makes one output of all its inputs: {inputs} gives them, one argument each"]
                } else if [ProgramSteps.input, ProgramSteps.output, ProgramSteps.inputs].contains(name) {
                    notes = ["a \(kind.rawValue) function is given the source and the output to write as its first two arguments"]
                } else if output.isAggregate && Self.inputPlaceholders.contains(name) {
                    notes = ["this rule's output has no {path}, {name}, {dir} or {ext}, so there is no single input to take {\(name)} from"]
                } else {
                    notes = suggestion(name, in: Array(known))
                }
                errors.append(
                    RecipeError(
                        "unknown placeholder {\(name)}", at: template.location(ofName: name, in: argument.value.location), notes: notes))
            }
            if paths, template.names.contains(ProgramSteps.inputs), template.pieces.count != 1 {
                errors.append(
                    RecipeError(
                        "{inputs} must be a word of its own (it becomes one argument per input)", at: argument.value.location))
            }
            return ProgramWordPlan(template: template, quoted: argument.quoted, location: argument.value.location)
        }
        var words: [ProgramWordPlan] = []
        var arguments: [(name: String, value: ProgramWordPlan)] = []
        var module: Located<String>?
        var function: String?
        switch kind {
        case .run, .worker:
            for argument in step.arguments {
                if let name = argument.name {
                    if arguments.contains(where: { $0.name == name.value }) {
                        errors.append(RecipeError("argument '\(name.value)' is given twice", at: name.location))
                    }
                    if let value = compile(argument, paths: false) { arguments.append((name.value, value)) }
                } else if let word = compile(argument, paths: kind == .run) {
                    words.append(word)
                }
            }
            if words.isEmpty {
                errors.append(
                    RecipeError(
                        "'\(kind.rawValue)' needs a command", at: step.operation.location,
                        notes: [kind == .run ? "for example: run cwebp -q 80 {in} -o {out}" : "for example: worker ./tools/my-worker"]))
            } else if let first = words.first, first.template.hasPlaceholders {
                errors.append(RecipeError("the command's program cannot have a placeholder", at: first.location))
            } else if kind == .run, !words.contains(where: { $0.template.names.contains(ProgramSteps.output) }) {
                errors.append(
                    RecipeError(
                        "'run' does not say where the command writes the output: no {out} in its arguments",
                        at: step.operation.location,
                        notes: ["{out} is a temporary file in the output's folder, renamed into place when the command succeeds"]))
            }
        case .python:
            words = python.map {
                ProgramWordPlan(template: Template(literal: $0), quoted: true, location: step.operation.location)
            }
            for argument in step.arguments {
                guard let name = argument.name else {
                    if module == nil && function == nil {
                        (module, function) = pythonTarget(argument, errors: &errors)
                    } else {
                        errors.append(
                            RecipeError(
                                "'python' takes FILE:FUNCTION, then NAME=VALUE arguments: '\(argument.value.value)' has no name",
                                at: argument.value.location))
                    }
                    continue
                }
                guard ProgramSteps.isIdentifier(name.value) else {
                    errors.append(
                        RecipeError(
                            "'\(name.value)' is not a Python argument name", at: name.location,
                            notes: ["names are letters, digits and '_', not starting with a digit"]))
                    continue
                }
                if arguments.contains(where: { $0.name == name.value }) {
                    errors.append(RecipeError("argument '\(name.value)' is given twice", at: name.location))
                    continue
                }
                if let value = compile(argument, paths: false) { arguments.append((name.value, value)) }
            }
            if module == nil && function == nil && errors.count == count {
                errors.append(
                    RecipeError(
                        "'python' needs the function to call: FILE:FUNCTION", at: step.operation.location,
                        notes: ["for example: python tools/augment.py:random_crop size=224"]))
            }
        }
        guard errors.count == count else { return nil }
        return ProgramPlan(
            kind: kind, location: step.operation.location, words: words, module: module, function: function,
            arguments: arguments, display: display)
    }

    /// `FILE:FUNCTION` of a `python` step: a `.py` file and a function name.
    private func pythonTarget(_ argument: ArgumentSyntax, errors: inout [RecipeError]) -> (Located<String>?, String?) {
        let text = argument.value.value
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
            ProgramSteps.isIdentifier(String(text[text.index(after: colon)...]))
        else {
            errors.append(
                RecipeError(
                    "expected FILE:FUNCTION, found '\(text)'", at: argument.value.location,
                    notes: ["for example: python tools/augment.py:random_crop"]))
            return (nil, nil)
        }
        let file = String(text[..<colon])
        if file.contains("{") {
            errors.append(RecipeError("the Python file cannot have a placeholder", at: argument.value.location))
            return (nil, nil)
        }
        return (Located(file, at: argument.value.location), String(text[text.index(after: colon)...]))
    }

    /// An argument as the recipe wrote it, quoted where it needs quotes (`RecipeQuoting`).
    private static func displayText(_ argument: ArgumentSyntax) -> String {
        let value = RecipeQuoting.word(argument.value.value, quoted: argument.quoted)
        return argument.name.map { "\($0.value)=\(value)" } ?? value
    }

    // MARK: Steps

    /// Binds a step's arguments to its operation's: the image it is given, names, bare values in order,
    /// required ones present, types.
    private func bind(
        _ step: StepSyntax, to info: OperationInfo, isFirst: Bool, isAggregate: Bool, directory: String,
        known: Set<String>
    ) throws(RecipeErrors) -> StepPlan {
        let inputs = info.arguments.filter { $0.isInput && !$0.isDeprecated }
        let chained: ArgumentInfo
        do throws(RecipeError) {
            chained = try chainedArgument(of: step, info, inputs: inputs, isFirst: isFirst, isAggregate: isAggregate)
        } catch { throw RecipeErrors([error]) }

        var errors: [RecipeError] = []
        var given: [String: ArgumentPlan] = [:]
        var failed: Set<String> = []
        var arguments: [ArgumentPlan] = []  // in the order they are given
        var bare = inputs.filter { $0.isRequired && $0.name != chained.name && $0.type != .image && $0.type != .arrayImage }
        for argument in step.arguments {
            let target: ArgumentInfo
            do throws(RecipeError) {
                target = try self.target(of: argument, in: info, inputs: inputs, chained: chained, isFirst: isFirst, bare: &bare)
            } catch {
                errors.append(error)
                continue
            }
            if given[target.name] != nil {
                errors.append(
                    RecipeError(
                        "argument '\(target.name)' of '\(info.nickname)' is given twice",
                        at: argument.name?.location ?? argument.value.location))
                continue
            }
            do throws(RecipeError) {
                let plan = try plan(argument, for: target, directory: directory, known: known)
                given[target.name] = plan
                arguments.append(plan)
            } catch {
                errors.append(error)
                failed.insert(target.name)
            }
        }
        for required in inputs
        where required.isRequired && required.name != chained.name && given[required.name] == nil
            && !failed.contains(required.name)
        {
            errors.append(
                RecipeError(
                    "'\(info.nickname)' needs its argument '\(required.name)' (\(required.type))",
                    at: step.operation.location, notes: ["`imgmake ops \(info.nickname)` lists its arguments"]))
        }
        guard errors.isEmpty else { throw RecipeErrors(errors) }
        return StepPlan(
            operation: info, location: step.operation.location, arguments: arguments,
            chainedArgument: chained)
    }

    /// The argument that receives the step's image: the aggregate's array of inputs for its first step, the
    /// source's file name for a first step that loads it itself (`thumbnail`), else the image before it. The
    /// step must produce an image too.
    private func chainedArgument(
        of step: StepSyntax, _ info: OperationInfo, inputs: [ArgumentInfo], isFirst: Bool,
        isAggregate: Bool
    ) throws(RecipeError) -> ArgumentInfo {
        let op = info.nickname
        let chained: ArgumentInfo
        if isFirst && isAggregate {
            guard let array = inputs.first(where: { $0.isRequired && $0.type == .arrayImage }) else {
                throw RecipeError(
                    "'\(op)' takes no image input, so it cannot combine the inputs of an aggregate rule",
                    at: step.operation.location, notes: ["start with an operation that takes an array of images, such as arrayjoin"])
            }
            chained = array
        } else if isFirst, let filename = inputs.first(where: { $0.isRequired && $0.name == "filename" && $0.type == .string }) {
            chained = filename
        } else {
            guard let image = inputs.first(where: { $0.isRequired && $0.type == .image }) else {
                throw RecipeError(
                    "'\(op)' takes no image input, so it cannot work on \(isFirst ? "the source" : "the previous step's image")",
                    at: step.operation.location)
            }
            chained = image
        }
        guard info.arguments.contains(where: { $0.isOutput && $0.isRequired && $0.type == .image }) else {
            throw RecipeError("'\(op)' does not produce an image", at: step.operation.location)
        }
        return chained
    }

    /// The operation's argument that a step's argument fills: the one it names (deprecated ones too, so that
    /// older recipes keep working), or for a bare value the next required one left in `bare`.
    private func target(
        of argument: ArgumentSyntax, in info: OperationInfo, inputs: [ArgumentInfo], chained: ArgumentInfo,
        isFirst: Bool, bare: inout [ArgumentInfo]
    ) throws(RecipeError) -> ArgumentInfo {
        let op = info.nickname
        guard let name = argument.name else {
            guard !bare.isEmpty else {
                throw RecipeError(
                    "too many values for '\(op)': '\(argument.value.value)' has no argument to fill",
                    at: argument.value.location,
                    notes: ["bare values fill the required arguments in order; write name=value for the others"])
            }
            return bare.removeFirst()
        }
        guard let found = info.argument(named: name.value), found.isInput else {
            throw RecipeError(
                "'\(op)' has no argument '\(name.value)'", at: name.location,
                notes: suggestion(name.value, in: inputs.filter { $0.name != chained.name }.map(\.name))
                    + ["`imgmake ops \(op)` lists its arguments"])
        }
        guard found.name != chained.name else {
            throw RecipeError("'\(found.name)' of '\(op)' is given by \(isFirst ? "the source" : "the previous step")", at: name.location)
        }
        bare.removeAll { $0.name == found.name }
        return found
    }

    /// Compiles one argument: its template, and its typed value right away when it has no placeholder.
    func plan(_ argument: ArgumentSyntax, for target: ArgumentInfo, directory: String, known: Set<String>) throws(RecipeError)
        -> ArgumentPlan
    {
        let template = try compileTemplate(argument.value)
        let unknown = unknownPlaceholders(
            template, at: argument.value.location, known: known, isAggregate: !known.contains(InputPlaceholder.path.rawValue))
        if let first = unknown.first { throw first }
        var constant: OperationValue?
        if template.names.isEmpty {
            do throws(ValueError) {
                constant = try ValueParser.parse(template.text, quoted: argument.quoted, as: target.type, directory: directory)
            } catch {
                throw RecipeError(
                    "bad value for '\(target.name)': \(error.message)", at: argument.value.location,
                    notes: error.suggestion.map { ["did you mean '\($0)'?"] } ?? [])
            }
        }
        return ArgumentPlan(
            argument: target, template: template, quoted: argument.quoted, location: argument.value.location,
            constant: constant, directory: directory)
    }

    /// `load` and `save` options: `name=value` only, each planned by `plan` (nil when it reported an error).
    private func options(
        _ step: StepSyntax, errors: inout [RecipeError],
        _ plan: (ArgumentSyntax, _ name: Located<String>, _ errors: inout [RecipeError]) -> ArgumentPlan?
    ) -> [ArgumentPlan] {
        var plans: [ArgumentPlan] = []
        for argument in step.arguments {
            guard let name = argument.name else {
                errors.append(RecipeError("'\(step.operation.value)' takes name=value options only", at: argument.value.location))
                continue
            }
            if let planned = plan(argument, name, &errors) { plans.append(planned) }
        }
        return plans
    }

    /// `load` options: checked against the arguments any loader has (which loader reads a source is known only
    /// when its job runs).
    private func loaderOptions(_ step: StepSyntax, directory: String, known: Set<String>, errors: inout [RecipeError]) -> [ArgumentPlan] {
        let loaderArguments = LoaderArguments.shared(catalog)
        return options(step, errors: &errors) { argument, name, errors in
            guard let info = loaderArguments[ArgumentInfo.canonicalName(name.value)] else {
                errors.append(
                    RecipeError(
                        "no loader has an option '\(name.value)'", at: name.location,
                        notes: suggestion(name.value, in: Array(loaderArguments.keys))))
                return nil
            }
            do throws(RecipeError) {
                return try plan(argument, for: info, directory: directory, known: known)
            } catch {
                errors.append(error)
                return nil
            }
        }
    }

    /// `save` options: their placeholders checked; bound to the saver's arguments when the output's extension is
    /// known.
    private func saverOptions(_ step: StepSyntax, directory: String, known: Set<String>, errors: inout [RecipeError]) -> [ArgumentPlan] {
        options(step, errors: &errors) { argument, name, errors in
            let template: Template
            do throws(RecipeError) { template = try compileTemplate(argument.value) } catch {
                errors.append(error)
                return nil
            }
            errors += unknownPlaceholders(
                template, at: argument.value.location, known: known, isAggregate: !known.contains(InputPlaceholder.path.rawValue))
            let placeholder = ArgumentInfo(
                name: ArgumentInfo.canonicalName(name.value), description: "", type: .string,
                isRequired: false, isInput: true, isOutput: false)
            return ArgumentPlan(
                argument: placeholder, template: template, quoted: argument.quoted,
                location: name.location, constant: nil, directory: directory)
        }
    }

    // MARK: Helpers

    private func unknownPlaceholders(
        _ template: Template, at location: SourceLocation, known: Set<String>,
        isAggregate: Bool, candidates: Set<String>? = nil
    ) -> [RecipeError] {
        template.names.filter { !known.contains($0) }.map { name in
            let notes: [String]
            if isAggregate && Self.inputPlaceholders.contains(name) {
                notes = ["this rule's output has no {path}, {name}, {dir} or {ext}, so there is no single input to take {\(name)} from"]
            } else {
                notes = suggestion(name, in: Array(candidates ?? known))
            }
            return RecipeError("unknown placeholder {\(name)}", at: template.location(ofName: name, in: location), notes: notes)
        }
    }
}

/// "did you mean" as a note, when something is close enough.
func suggestion(_ word: String, in candidates: [String]) -> [String] {
    Suggestions.closest(to: word, in: candidates).map { ["did you mean '\($0)'?"] } ?? []
}

/// Compiles a template, turning its syntax error into a located recipe error.
func compileTemplate(_ text: Located<String>) throws(RecipeError) -> Template {
    do throws(TemplateError) { return try Template(text.value) } catch { throw RecipeError("\(error)", at: text.location) }
}
