import ImgmakeRecipe

/// Recipe files served from memory, keyed by absolute path.
struct MemoryFiles: RecipeFileReader {
    var files: [String: String]

    func read(_ absolutePath: String) throws -> String {
        guard let text = files[absolutePath] else { throw RecipeFileReadError.notFound }
        return text
    }
}

/// Loads `/r/Imgmakefile` (its text is `top`) with the other files given relative to `/r`, showing
/// locations relative to `/r`.
func load(_ top: String, files: [String: String] = [:], overrides: [String: String] = [:]) throws(RecipeErrors) -> Recipe {
    var all = ["/r/Imgmakefile": top]
    for (path, text) in files { all["/r/" + path] = text }
    return try RecipeLoader(reader: MemoryFiles(files: all))
        .load(file: "/r/Imgmakefile", overrides: overrides, displayRelativeTo: "/r")
}

/// The errors loading `top` produces (empty when it loads).
func errors(_ top: String, files: [String: String] = [:], overrides: [String: String] = [:]) -> [RecipeError] {
    do {
        _ = try load(top, files: files, overrides: overrides)
        return []
    } catch {
        return error.errors
    }
}

/// Each error as `FILE:LINE:COLUMN: error: MESSAGE` plus notes, for compact expectations.
func describe(_ errors: [RecipeError]) -> [String] {
    errors.map(\.description)
}

extension Located where Value == String {
    /// `value@LINE:COLUMN`, for compact expectations.
    var brief: String { "\(value)@\(location.line):\(location.column)" }
}
