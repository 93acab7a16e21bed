import ImgmakeRecipe
import ImgmakeJob

/// Checks a loaded recipe against the operation catalog (README's *The recipe language*, "Checked before anything runs"), collecting every
/// error with its `FILE:LINE:COLUMN`.
public struct RecipeChecker {
    /// Placeholders that come from each input file.
    public static let inputPlaceholders: Set<String> = InputPlaceholder.names

    let catalog: OperationCatalog

    public init(catalog: OperationCatalog) { self.catalog = catalog }

    public func check(_ recipe: Recipe) throws -> CheckedRecipe {
        var errors: [RecipeError] = []
        var rules: [CheckedRule] = []
        for (index, syntax) in recipe.rules.enumerated() {
            do { rules.append(try checkRule(syntax, index: index)) } catch let error as RecipeErrors {
                errors += error.errors
            } catch let error as RecipeError { errors.append(error) }
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
                errors.append(RecipeError("unknown target '\(target.value)' in group '\(group.name.value)'", at: target.location,
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

    private func checkRule(_ syntax: RuleSyntax, index: Int) throws -> CheckedRule {
        var errors: [RecipeError] = []

        // Matrix axes.
        var matrix: [(name: String, values: [String])] = []
        for axis in syntax.matrix {
            if Self.inputPlaceholders.contains(axis.name.value) {
                errors.append(RecipeError("'\(axis.name.value)' is a built-in placeholder and cannot be a matrix name", at: axis.name.location))
            } else if matrix.contains(where: { $0.name == axis.name.value }) {
                errors.append(RecipeError("matrix '\(axis.name.value)' is defined twice in rule '\(syntax.name.value)'", at: axis.name.location))
            } else if axis.values.isEmpty {
                errors.append(RecipeError("matrix '\(axis.name.value)' has no values", at: axis.name.location))
            }
            matrix.append((axis.name.value, axis.values.map(\.value)))
        }
        let matrixNames = Set(matrix.map(\.name))

        // Output pattern.
        var output: Template?
        do { output = try compileTemplate(syntax.outputPattern) } catch let error as RecipeError { errors.append(error) }
        let outputNames = Set(output?.names ?? [])
        let isAggregate = outputNames.isDisjoint(with: Self.inputPlaceholders)
        var known = matrixNames
        if !isAggregate { known.formUnion(Self.inputPlaceholders) }
        if let output {
            errors += unknownPlaceholders(output, at: syntax.outputPattern.location, known: known, isAggregate: isAggregate,
                                          candidates: Self.inputPlaceholders.union(matrixNames))
            for name in matrixNames where !outputNames.contains(name) {
                let axis = syntax.matrix.first { $0.name.value == name }!
                errors.append(RecipeError("matrix '\(name)' is not used in the output pattern, so its outputs would overwrite each other",
                                          at: axis.name.location, notes: ["add {\(name)} to \(syntax.outputPattern.value)"]))
            }
            if output.names.isEmpty || !PathName.fileExtension(output.text).contains("{") {
                let ext = PathName.fileExtension(output.text)
                if !ext.contains("{"), !ext.isEmpty, let saver = catalog.saverNickname(forPath: "x." + ext),
                   let refused = OutputSavers.error(saver: saver, ext: ext, rule: syntax.name.value, at: syntax.outputPattern.location) {
                    errors.append(refused)
                } else if !ext.contains("{"), catalog.saverNickname(forPath: "x." + ext) == nil || ext.isEmpty {
                    errors.append(RecipeError(
                        ext.isEmpty ? "the output pattern has no file extension, so no saver can be chosen"
                            : "no libvips saver writes '.\(ext)' files",
                        at: syntax.outputPattern.location,
                        notes: ["savers handle .jpg .jpeg .png .webp .avif .heic .tif .tiff .gif .jxl .jp2 and more"]))
                }
            }
        }

        // Input globs.
        var globs: [RuleGlob] = []
        for located in syntax.inputGlobs {
            for text in Glob.expandBraces(located.value) {
                do {
                    let glob = try Glob(text)
                    let base = PathName.normalize(PathName.join(syntax.directory, glob.base))
                    globs.append(RuleGlob(text: text, glob: glob, directory: syntax.directory, baseDirectory: base,
                                          location: located.location))
                } catch {
                    errors.append(RecipeError("bad input glob '\(text)': \(error)", at: located.location))
                }
            }
        }

        // Steps.
        var loadArguments: [ArgumentPlan] = []
        var saveArguments: [ArgumentPlan] = []
        var saveLocation = syntax.name.location
        var steps: [StepPlan] = []
        for (position, step) in syntax.steps.enumerated() {
            let op = step.operation.value
            if op == "load" {
                if position != 0 {
                    errors.append(RecipeError("'load' must be the first step", at: step.operation.location))
                }
                loadArguments = collect(&errors) { try checkLoaderArguments(step, directory: syntax.directory, known: known) }
                continue
            }
            if op == "save" {
                if position != syntax.steps.count - 1 {
                    errors.append(RecipeError("'save' must be the last step", at: step.operation.location))
                }
                saveLocation = step.operation.location
                saveArguments = collect(&errors) { try namedOnly(step, known: known, directory: syntax.directory) }
                continue
            }
            if op == "system" {
                errors.append(RecipeError("the 'system' operation runs shell commands and is not allowed in recipes",
                                          at: step.operation.location))
                continue
            }
            guard let info = catalog.operation(named: op) else {
                errors.append(RecipeError("unknown operation '\(op)'", at: step.operation.location,
                                          notes: suggestion(op, in: catalog.operationNames + ["load", "save"])
                                            + ["`imgmake ops` lists the operations"]))
                continue
            }
            let isFirst = steps.isEmpty
            do {
                steps.append(try bind(step, to: info, isFirst: isFirst, isAggregate: isAggregate, directory: syntax.directory,
                                      known: known))
            } catch let error as RecipeErrors { errors += error.errors } catch let error as RecipeError { errors.append(error) }
        }
        if isAggregate && steps.isEmpty && output != nil {
            errors.append(RecipeError("rule '\(syntax.name.value)' has no placeholder in its output, so all its inputs make one image, but it has no step that combines them",
                                      at: syntax.outputPattern.location,
                                      notes: ["add a step such as `arrayjoin across=6`, or a placeholder such as {path} for one output per input"]))
        }
        guard errors.isEmpty, let output else { throw RecipeErrors(errors) }
        return CheckedRule(index: index, syntax: syntax, output: output, globs: globs, isAggregate: isAggregate, matrix: matrix,
                           loadArguments: loadArguments, steps: steps, saveArguments: saveArguments, saveLocation: saveLocation)
    }

    /// Binds a step's arguments to its operation's: names, bare values in order, required ones present, types.
    private func bind(_ step: StepSyntax, to info: OperationInfo, isFirst: Bool, isAggregate: Bool, directory: String,
                      known: Set<String>) throws -> StepPlan {
        let op = info.nickname
        let inputs = info.arguments.filter { $0.isInput && !$0.isDeprecated }
        let chained: ArgumentInfo?
        if isFirst && isAggregate {
            chained = inputs.first { $0.isRequired && $0.type == .arrayImage }
            guard chained != nil else {
                throw RecipeError("'\(op)' takes no image input, so it cannot combine the inputs of an aggregate rule",
                                  at: step.operation.location, notes: ["start with an operation that takes an array of images, such as arrayjoin"])
            }
        } else if isFirst, let filename = inputs.first(where: { $0.isRequired && $0.name == "filename" && $0.type == .string }) {
            chained = filename
        } else {
            chained = inputs.first { $0.isRequired && $0.type == .image }
            guard chained != nil else {
                throw RecipeError("'\(op)' takes no image input, so it cannot work on \(isFirst ? "the source" : "the previous step's image")",
                                  at: step.operation.location)
            }
        }
        guard info.arguments.contains(where: { $0.isOutput && $0.isRequired && $0.type == .image }) else {
            throw RecipeError("'\(op)' does not produce an image", at: step.operation.location)
        }

        var errors: [RecipeError] = []
        var given: [String: ArgumentPlan] = [:]
        var failed: Set<String> = []
        var order: [String] = []
        var bare = inputs.filter { $0.isRequired && $0.name != chained!.name && $0.type != .image && $0.type != .arrayImage }
        for argument in step.arguments {
            let target: ArgumentInfo
            let location = argument.name?.location ?? argument.value.location
            if let name = argument.name {
                guard let found = info.argument(named: name.value), found.isInput, !found.isDeprecated || true else {
                    errors.append(RecipeError("'\(op)' has no argument '\(name.value)'", at: name.location,
                                              notes: suggestion(name.value, in: inputs.filter { $0.name != chained!.name }.map(\.name))
                                                + ["`imgmake ops \(op)` lists its arguments"]))
                    continue
                }
                if found.name == chained!.name {
                    errors.append(RecipeError("'\(found.name)' of '\(op)' is given by \(isFirst ? "the source" : "the previous step")",
                                              at: name.location))
                    continue
                }
                target = found
                bare.removeAll { $0.name == found.name }
            } else {
                guard !bare.isEmpty else {
                    errors.append(RecipeError("too many values for '\(op)': '\(argument.value.value)' has no argument to fill",
                                              at: argument.value.location,
                                              notes: ["bare values fill the required arguments in order; write name=value for the others"]))
                    continue
                }
                target = bare.removeFirst()
            }
            if given[target.name] != nil {
                errors.append(RecipeError("argument '\(target.name)' of '\(op)' is given twice", at: location))
                continue
            }
            do {
                given[target.name] = try plan(argument, for: target, directory: directory, known: known)
                order.append(target.name)
            } catch let error as RecipeError {
                errors.append(error)
                failed.insert(target.name)
            } catch let error as RecipeErrors {
                errors += error.errors
                failed.insert(target.name)
            }
        }
        for required in inputs where required.isRequired && required.name != chained!.name && given[required.name] == nil
            && !failed.contains(required.name) {
            errors.append(RecipeError("'\(op)' needs its argument '\(required.name)' (\(required.type))", at: step.operation.location,
                                      notes: ["`imgmake ops \(op)` lists its arguments"]))
        }
        guard errors.isEmpty else { throw RecipeErrors(errors) }
        return StepPlan(operation: info, location: step.operation.location, arguments: order.map { given[$0]! },
                        chainedArgument: chained!)
    }

    /// Compiles one argument: its template, and its typed value right away when it has no placeholder.
    func plan(_ argument: ArgumentSyntax, for target: ArgumentInfo, directory: String, known: Set<String>) throws -> ArgumentPlan {
        let template = try compileTemplate(argument.value)
        let unknown = unknownPlaceholders(template, at: argument.value.location, known: known, isAggregate: !known.contains(InputPlaceholder.path.rawValue))
        if let first = unknown.first { throw first }
        var constant: OperationValue?
        if template.names.isEmpty {
            do {
                constant = try ValueParser.parse(template.text, quoted: argument.quoted, as: target.type, directory: directory)
            } catch let error as ValueError {
                throw RecipeError("bad value for '\(target.name)': \(error.message)", at: argument.value.location,
                                  notes: error.suggestion.map { ["did you mean '\($0)'?"] } ?? [])
            }
        }
        return ArgumentPlan(argument: target, template: template, quoted: argument.quoted, location: argument.value.location,
                            constant: constant, directory: directory)
    }

    /// `load` options: named, checked against the arguments any loader has.
    private func checkLoaderArguments(_ step: StepSyntax, directory: String, known: Set<String>) throws -> [ArgumentPlan] {
        let loaderArguments = LoaderArguments.shared(catalog)
        var plans: [ArgumentPlan] = []
        var errors: [RecipeError] = []
        for argument in step.arguments {
            guard let name = argument.name else {
                errors.append(RecipeError("'load' takes name=value options only", at: argument.value.location))
                continue
            }
            guard let info = loaderArguments[ArgumentInfo.canonicalName(name.value)] else {
                errors.append(RecipeError("no loader has an option '\(name.value)'", at: name.location,
                                          notes: suggestion(name.value, in: Array(loaderArguments.keys))))
                continue
            }
            do { plans.append(try plan(argument, for: info, directory: directory, known: known)) } catch let error as RecipeError {
                errors.append(error)
            }
        }
        guard errors.isEmpty else { throw RecipeErrors(errors) }
        return plans
    }

    /// `save` options: named; bound to the saver's arguments when the output's extension is known.
    private func namedOnly(_ step: StepSyntax, known: Set<String>, directory: String) throws -> [ArgumentPlan] {
        var plans: [ArgumentPlan] = []
        var errors: [RecipeError] = []
        for argument in step.arguments {
            guard let name = argument.name else {
                errors.append(RecipeError("'save' takes name=value options only", at: argument.value.location))
                continue
            }
            let template = try compileTemplate(argument.value)
            errors += unknownPlaceholders(template, at: argument.value.location, known: known, isAggregate: !known.contains(InputPlaceholder.path.rawValue))
            let placeholder = ArgumentInfo(name: ArgumentInfo.canonicalName(name.value), description: "", type: .string,
                                           isRequired: false, isInput: true, isOutput: false)
            plans.append(ArgumentPlan(argument: placeholder, template: template, quoted: argument.quoted,
                                      location: name.location, constant: nil, directory: directory))
        }
        guard errors.isEmpty else { throw RecipeErrors(errors) }
        return plans
    }

    // MARK: Helpers

    private func unknownPlaceholders(_ template: Template, at location: SourceLocation, known: Set<String>,
                                     isAggregate: Bool, candidates: Set<String>? = nil) -> [RecipeError] {
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

    private func collect<T>(_ errors: inout [RecipeError], _ body: () throws -> [T]) -> [T] {
        do { return try body() } catch let error as RecipeErrors { errors += error.errors } catch let error as RecipeError {
            errors.append(error)
        } catch { errors.append(RecipeError("\(error)", at: nil)) }
        return []
    }
}

/// "did you mean" as a note, when something is close enough.
func suggestion(_ word: String, in candidates: [String]) -> [String] {
    Suggestions.closest(to: word, in: candidates).map { ["did you mean '\($0)'?"] } ?? []
}

/// Compiles a template, turning its syntax error into a located recipe error.
func compileTemplate(_ text: Located<String>) throws -> Template {
    do { return try Template(text.value) } catch { throw RecipeError("\(error)", at: text.location) }
}
