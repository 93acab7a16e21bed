import Foundation
import ImgmakeJob
import ImgmakeRecipe

/// The shell's `try` (README's *The interactive shell*): steps typed on one line, or a rule's steps, checked as
/// a recipe's are (the same checker, the same messages) and expanded into the job that one output of such a rule
/// would run, with any image as its source. Running it is the build's own code (`JobRunner`).
package struct ImageTrial {
    /// One step as typed: its text (recipe syntax) and the column of its first character in the typed line.
    package struct Step: Equatable, Sendable {
        package var text: String
        package var column: Int
        package init(_ text: String, column: Int) {
            self.text = text
            self.column = column
        }
    }

    /// The job: its source is the image.
    package let job: ImageJob
    /// The steps as typed (empty for a rule's): what `add` writes into the recipe.
    package let steps: [String]
    /// The rule whose steps ran, for `try RULE on IMAGE`.
    package let rule: String?
    /// What the user should know about how it ran (the matrix values picked for a rule with `with` lines).
    package let notes: [String]

    /// The name errors in typed steps show as their file: `try:1:COLUMN: error: ...`.
    package static let displayName = "try"

    /// The saver's extension `try` uses for `image`: its own when a saver writes it, else PNG.
    package static func resultExtension(for image: String, catalog: OperationCatalog) -> String {
        let ext = PathName.fileExtension(image).lowercased()
        return !ext.isEmpty && catalog.saverNickname(forPath: "x." + ext) != nil ? ext : "png"
    }

    /// Typed steps on `image` (absolute), writing `result` (absolute; its extension picks the saver). `variables`
    /// are the recipe's, so that `$(SIZE)` means what it means in the recipe; `directory` is where `@` paths are
    /// relative to. Errors are `RecipeErrors` at `try:1:COLUMN`.
    package static func steps(
        _ steps: [Step], image: String, result: String, variables: [String: String], directory: String,
        catalog: OperationCatalog, maxPixels: Int = OptionDefaults.maxPixels
    ) throws(RecipeErrors) -> ImageTrial {
        guard !steps.isEmpty else { throw RecipeErrors([RecipeError("try needs at least one step", at: nil)]) }
        // A recipe of one rule, each step on its own line indented to the column it was typed at: the loader's
        // and the checker's columns are then the typed line's. Line 1 is the rule, line N + 1 the step N.
        let ext = PathName.fileExtension(result)
        var text = "try: {name}.\(ext) <- source\n"
        for step in steps { text += String(repeating: " ", count: max(1, step.column - 1)) + step.text + "\n" }
        let file = PathName.join(directory, displayName)
        let loader = RecipeLoader(reader: TextRecipeReader(path: file, text: text))
        let place: (SourceLocation?) -> SourceLocation? = { location in
            location.map { SourceLocation(file: displayName, line: 1, column: $0.line == 1 ? 1 : $0.column) }
        }
        let moved: (RecipeError) -> RecipeError = { error in
            var error = error
            error.location = place(error.location)
            return error
        }
        let recipe: Recipe
        do throws(RecipeErrors) {
            recipe = try loader.load(file: file, overrides: variables, displayRelativeTo: directory)
        } catch {
            throw RecipeErrors(error.errors.map(moved))
        }
        let checked: CheckedRecipe
        do throws(RecipeErrors) { checked = try RecipeChecker(catalog: catalog).check(recipe) } catch {
            throw RecipeErrors(error.errors.map(moved))
        }
        guard let rule = checked.rules.first else { throw RecipeErrors([RecipeError("try needs at least one step", at: nil)]) }
        let job = try expand(
            rule, image: image, result: result, placeholders: InputPlaceholder.values(below: PathName.fileName(image)),
            catalog: catalog, maxPixels: maxPixels, moved: moved)
        return ImageTrial(job: job, steps: steps.map(\.text), rule: nil, notes: [])
    }

    /// The format a rule's output has for `image`: the extension of its output pattern (the first matrix
    /// combination), else the image's own (`resultExtension(for:)`).
    package static func resultExtension(of rule: CheckedRule, image: String, catalog: OperationCatalog) -> String {
        let ext = PathName.fileExtension(rule.output.expanded(placeholders(rule, image: image)) ?? "").lowercased()
        // Your own code writes what it writes (`stats.json`); libvips' steps need a saver.
        let written = !ext.isEmpty && (rule.program != nil || catalog.saverNickname(forPath: "x." + ext) != nil)
        return written ? ext : resultExtension(for: image, catalog: catalog)
    }

    /// The placeholders of one output of `rule` made from `image` alone, in the first matrix combination.
    private static func placeholders(_ rule: CheckedRule, image: String) -> [String: String] {
        var values = InputPlaceholder.values(below: PathName.fileName(image))
        for axis in rule.matrix { values[axis.name] = axis.values.first ?? "" }
        return values
    }

    /// A rule's steps on `image`, writing `result`: in the rule's first matrix combination when it has `with`
    /// lines.
    package static func rule(
        _ rule: CheckedRule, image: String, result: String, catalog: OperationCatalog, maxPixels: Int = OptionDefaults.maxPixels
    ) throws(RecipeErrors) -> ImageTrial {
        if rule.isAggregate {
            throw RecipeErrors([
                RecipeError("rule '\(rule.name)' makes one output from all its inputs; try runs a rule on one image", at: nil)
            ])
        }
        let job = try expand(
            rule, image: image, result: result, placeholders: placeholders(rule, image: image), catalog: catalog, maxPixels: maxPixels
        ) { $0 }
        let notes = rule.matrix.isEmpty ? [] : ["with " + rule.matrix.map { "\($0.name)=\($0.values.first ?? "")" }.joined(separator: " ")]
        return ImageTrial(job: job, steps: [], rule: rule.name, notes: notes)
    }

    private static func expand(
        _ rule: CheckedRule, image: String, result: String, placeholders: [String: String], catalog: OperationCatalog,
        maxPixels: Int, moved: (RecipeError) -> RecipeError
    ) throws(RecipeErrors) -> ImageJob {
        do {
            return try JobExpander(catalog: catalog, maxPixels: maxPixels).job(
                for: rule, output: result, sources: [image], placeholders: placeholders
            ).job
        } catch let error as RecipeError {
            throw RecipeErrors([moved(error)])
        } catch let error as RecipeErrors {
            throw RecipeErrors(error.errors.map(moved))
        } catch {
            throw RecipeErrors([RecipeError("\(error)", at: nil)])
        }
    }
}

/// One recipe file served from memory (the steps `try` checks).
private struct TextRecipeReader: RecipeFileReader {
    let path: String
    let text: String
    func read(_ absolutePath: String) throws -> String {
        guard absolutePath == path else { throw RecipeFileReadError.notFound }
        return text
    }
}
