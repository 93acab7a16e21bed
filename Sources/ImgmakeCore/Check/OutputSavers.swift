import ImgmakeRecipe

/// Savers that cannot make an output. An output is one file, written to a temporary beside it and renamed
/// into place; a saver that writes several files, or names what it writes after its file, does not fit.
enum OutputSavers {
    /// Why outputs with extension `ext`, written by `saver`, are refused; nil when they can be built.
    static func refusal(saver: String, ext: String) -> String? {
        switch saver {
        case "dzsave":
            return "'.\(ext)' outputs are not supported: dzsave writes a deep-zoom pyramid of many files (an index "
                + "and a folder of tiles named after the file, or a zip of them), and an output must be one file"
        default:
            return nil
        }
    }

    /// The refusal as a recipe error at the output pattern of `rule`.
    static func error(saver: String, ext: String, rule: String, at location: SourceLocation) -> RecipeError? {
        refusal(saver: saver, ext: ext).map {
            RecipeError(
                "rule '\(rule)': \($0)", at: location,
                notes: ["for a tiled pyramid in one file, write .tif with `save tile=true pyramid=true`"])
        }
    }
}
