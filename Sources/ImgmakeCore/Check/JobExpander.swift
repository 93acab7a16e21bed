import ImgmakeJob
import ImgmakeRecipe

/// Expands a checked rule for one output: placeholders filled in, values typed, the saver chosen from the
/// output's extension and its options checked. Errors are recipe errors at the argument's location, and
/// are found at load time because every output is expanded before any job runs.
package final class JobExpander {
    private let catalog: OperationCatalog
    private let maxPixels: Int
    /// The root of the tree: a command's program in it is an input of the command's outputs.
    private let root: String
    private var savers: [String: (nickname: String, info: OperationInfo)?] = [:]

    package init(catalog: OperationCatalog, maxPixels: Int, root: String = "/") {
        self.catalog = catalog
        self.maxPixels = maxPixels
        self.root = root
    }

    /// The job for one output, and the files it reads besides its sources (`@` files; a `python` step's module,
    /// a command's program in the tree).
    func job(for rule: CheckedRule, output: String, sources: [String], placeholders: [String: String]) throws
        -> (job: ImageJob, imageInputs: [String])
    {
        if let program = rule.program {
            return try job(running: program, of: rule, output: output, sources: sources, placeholders: placeholders)
        }
        var imageInputs: [String] = []
        func resolve(_ plan: ArgumentPlan) throws -> ResolvedArgument {
            let value: OperationValue
            if let constant = plan.constant {
                value = constant
            } else {
                let text = plan.template.expanded(placeholders) ?? plan.template.text
                do throws(ValueError) {
                    value = try ValueParser.parse(text, quoted: plan.quoted, as: plan.argument.type, directory: plan.directory)
                } catch {
                    throw RecipeError(
                        "bad value for '\(plan.argument.name)': \(error.message) (after placeholders)",
                        at: plan.location, notes: error.suggestion.map { ["did you mean '\($0)'?"] } ?? [])
                }
            }
            switch value {
            case .imageFile(let path): imageInputs.append(path)
            case .imageFiles(let paths): imageInputs += paths
            default: break
            }
            return ResolvedArgument(name: plan.argument.name, value: value)
        }

        // Which loader reads a source is known only from its content, when the job runs: an option it lacks
        // fails the job then, naming where the recipe gave it.
        let loadOptions = try rule.loadArguments.map { plan in
            var option = try resolve(plan)
            option.origin = "`load \(plan.displayText)`, \(plan.location)"
            return option
        }
        let steps = try rule.steps.map { step in
            ResolvedStep(
                operation: step.operation.nickname,
                arguments: Self.normalized(try step.arguments.map(resolve), of: step.operation))
        }
        guard let saver = saver(for: output) else {
            throw RecipeError(
                "no libvips saver writes '.\(PathName.fileExtension(output))' files (output \(output))",
                at: rule.syntax.outputPattern.location)
        }
        if let refused = OutputSavers.error(
            saver: saver.nickname, ext: PathName.fileExtension(output), rule: rule.syntax.name.value,
            at: rule.syntax.outputPattern.location)
        {
            throw refused
        }
        let saveOptions = try rule.saveArguments.map { plan -> ResolvedArgument in
            guard let info = saver.info.argument(named: plan.argument.name), info.isInput, !info.isRequired else {
                let names = saver.info.optionalInputs.map(\.name)
                throw RecipeError(
                    "\(saver.nickname) has no option '\(plan.argument.name)'", at: plan.location,
                    notes: suggestion(plan.argument.name, in: names) + ["`imgmake ops \(saver.nickname)` lists its options"])
            }
            var typed = plan
            typed.argument = info
            typed.constant = nil
            return try resolve(typed)
        }
        // The recipe's options without defaults, and those the file name implies (AV1 for .avif, format=ppm for
        // .ppm: the saver writes to a temporary name) that the recipe does not set, even when they are defaults.
        let own = Self.normalized(saveOptions, of: saver.info)
        let written = Set(own.map(\.name))
        let implied = catalog.saveOptions(impliedByPath: output).filter { !written.contains($0.name) }
        // A saver that cannot keep alpha flattens it on white unless the recipe says what goes under it.
        let saysBackground = Self.saysBackground(steps: steps, saveOptions: saveOptions)
        let job = ImageJob(
            sources: sources, isAggregate: rule.isAggregate, loadOptions: loadOptions, steps: steps,
            saver: saver.nickname, saveOptions: (own + implied).sorted { $0.name < $1.name }, maxPixels: maxPixels,
            flattensAlphaOnWhite: !saysBackground && !catalog.saverKeepsAlpha(saver.nickname))
        return (job, imageInputs)
    }

    /// A step's arguments as the job and its fingerprint hold them (README's *How staleness works*, rule 3): in
    /// name order (a later value of one name wins, as it does in libvips), and without optional arguments given
    /// their default (what libvips takes when they are not given), so that reordering the arguments or spelling
    /// out a default changes nothing and rebuilds nothing. The default of imgmake's `thumbnail`'s `height` is
    /// the width (README's *How `thumbnail` resizes*), not libvips' 1.
    static func normalized(_ arguments: [ResolvedArgument], of operation: OperationInfo) -> [ResolvedArgument] {
        var last: [String: Int] = [:]
        for (index, argument) in arguments.enumerated() { last[argument.name] = index }
        let kept = arguments.enumerated().filter { index, argument in
            guard last[argument.name] == index, let info = operation.argument(named: argument.name) else {
                return last[argument.name] == index
            }
            if operation.nickname == "thumbnail", info.name == "height" {
                return arguments.last { $0.name == "width" }?.value != argument.value
            }
            return !isDefault(argument.value, of: info)
        }.map(\.element)
        return kept.sorted { $0.name < $1.name }
    }

    /// Whether `value` is the default of an optional argument (numbers, booleans, enums; never strings, arrays,
    /// images or interpolators, whose absence may mean something else).
    static func isDefault(_ value: OperationValue, of info: ArgumentInfo) -> Bool {
        guard !info.isRequired, info.isInput, !info.defaultText.isEmpty else { return false }
        switch value {
        case .int(let number): return Int(info.defaultText) == number
        case .double(let number): return Double(info.defaultText) == number
        case .bool(let flag): return info.defaultText == (flag ? "true" : "false")
        case .enumeration(let nick): return info.defaultText == nick
        default: return false
        }
    }

    /// The job of a `run`, `python` or `worker` rule: placeholders filled in (`{in}`, `{out}` and `{inputs}` are
    /// filled in when the job runs), `@FILE` words made absolute paths and inputs, values typed as JSON.
    private func job(
        running plan: ProgramPlan, of rule: CheckedRule, output: String, sources: [String], placeholders: [String: String]
    ) throws -> (job: ImageJob, imageInputs: [String]) {
        var inputs: [String] = []
        let directory = rule.syntax.directory
        func path(_ text: String) -> String { PathName.normalize(PathName.join(directory, text)) }
        func word(_ plan: ProgramWordPlan) throws -> CommandWord {
            var pieces: [CommandWord.Piece] = []
            for piece in plan.template.pieces {
                switch piece {
                case .literal(let text): pieces.append(.text(text))
                case .placeholder(let placeholder):
                    switch placeholder.name {
                    case ProgramSteps.input: pieces.append(.input)
                    case ProgramSteps.output: pieces.append(.output)
                    case ProgramSteps.inputs: pieces.append(.inputs)
                    default:
                        guard let value = placeholders[placeholder.name] else {
                            throw RecipeError("unknown placeholder {\(placeholder.name)}", at: plan.location)
                        }
                        pieces.append(.text(value))
                    }
                }
            }
            // `@FILE`: the file's path, and an input of the output.
            if !plan.quoted, case .text(let text)? = pieces.first, text.hasPrefix("@"), text.count > 1 {
                let file = path(String(text.dropFirst()))
                guard pieces.count == 1 else {
                    throw RecipeError("an @FILE argument cannot have {in}, {out} or {inputs}", at: plan.location)
                }
                inputs.append(file)
                return .text(file)
            }
            return CommandWord(pieces)
        }
        var command = try plan.words.map(word)
        if plan.kind != .python, case .text(let program)? = command.first?.pieces.first, program.contains("/") {
            // A program named by its path (`./tools/resize.sh`) is found from the rule's directory; in the
            // tree it is an input (a program found on PATH is not: make's rule).
            let file = path(program)
            command[0] = .text(file)
            if PathName.isWithin(file, root) && !inputs.contains(file) { inputs.append(file) }
        }
        var module: String?
        if let written = plan.module {
            module = path(written.value)
            inputs.insert(path(written.value), at: 0)
        }
        let arguments = try plan.arguments.map { argument -> ProgramArgument in
            let value: ProgramValue
            let typed = try word(argument.value)
            let text = typed.pieces.map { piece -> String in if case .text(let t) = piece { t } else { "" } }.joined()
            if argument.value.quoted || argument.value.template.hasPlaceholders || text != argument.value.template.text {
                value = .string(text)
            } else {
                value = .typed(text)
            }
            return ProgramArgument(name: argument.name, value: value)
        }
        let ext = PathName.fileExtension(output)
        let step = ProgramStep(
            kind: plan.kind, command: command, module: module, function: plan.function, arguments: arguments,
            directory: directory, display: plan.display,
            checksImage: !ext.isEmpty && catalog.saverNickname(forPath: "x." + ext.lowercased()) != nil)
        let job = ImageJob(
            sources: sources, isAggregate: rule.isAggregate, loadOptions: [], steps: [], saver: "", saveOptions: [],
            maxPixels: 0, program: step)
        return (job, inputs)
    }

    /// Whether a job says what goes under an alpha channel its saver cannot keep (a `flatten` step, or
    /// `save background=`).
    package static func saysBackground(steps: [ResolvedStep], saveOptions: [ResolvedArgument]) -> Bool {
        steps.contains { $0.operation == "flatten" }
            || saveOptions.contains { ArgumentInfo.canonicalName($0.name) == "background" }
    }

    private func saver(for output: String) -> (nickname: String, info: OperationInfo)? {
        let ext = PathName.fileExtension(output).lowercased()
        if let cached = savers[ext] { return cached }
        var found: (String, OperationInfo)?
        if let nickname = catalog.saverNickname(forPath: "x." + ext), let info = catalog.operation(named: nickname) {
            found = (nickname, info)
        }
        savers[ext] = found
        return found
    }
}
