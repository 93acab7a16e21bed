import ImgmakeJob
import ImgmakeRecipe

/// Expands a checked rule for one output: placeholders filled in, values typed, the saver chosen from the
/// output's extension and its options checked. Errors are recipe errors at the argument's location, and
/// are found at load time because every output is expanded before any job runs.
package final class JobExpander {
    private let catalog: OperationCatalog
    private let maxPixels: Int
    private var savers: [String: (nickname: String, info: OperationInfo)?] = [:]

    package init(catalog: OperationCatalog, maxPixels: Int) {
        self.catalog = catalog
        self.maxPixels = maxPixels
    }

    /// The job for one output, and the `@` image files it reads.
    func job(for rule: CheckedRule, output: String, sources: [String], placeholders: [String: String]) throws
        -> (job: ImageJob, imageInputs: [String])
    {
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
            ResolvedStep(operation: step.operation.nickname, arguments: try step.arguments.map(resolve))
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
        // Options the file name implies (AV1 for .avif: the saver writes to a temporary name), then the recipe's.
        let written = Set(saveOptions.map(\.name))
        let implied = catalog.saveOptions(impliedByPath: output).filter { !written.contains($0.name) }
        // A saver that cannot keep alpha flattens it on white unless the recipe says what goes under it.
        let saysBackground = Self.saysBackground(steps: steps, saveOptions: saveOptions)
        let job = ImageJob(
            sources: sources, isAggregate: rule.isAggregate, loadOptions: loadOptions, steps: steps,
            saver: saver.nickname, saveOptions: implied + saveOptions, maxPixels: maxPixels,
            flattensAlphaOnWhite: !saysBackground && !catalog.saverKeepsAlpha(saver.nickname))
        return (job, imageInputs)
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
