import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeVips

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Dynamic completion of targets: rule and group names of the recipe in the current directory (or the one
/// named by -f/-C on the line being completed), then output paths one folder at a time (`TargetCandidates`).
/// The names come from the lines that define them alone (`RecipeLoader.targetNames`: no libvips, no steps or
/// globs), so a name completes at once; the outputs need the graph (the recipe checked, the globs walked), which
/// is made only when what is typed is a path (it has a `/`) or no name starts with it.
enum TargetCompletion {
    static func complete(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        var file = OptionDefaults.recipeFile
        var directory: String?
        for (i, word) in words.enumerated() where i + 1 < words.count {
            if ["-f", "--file"].contains(word) { file = words[i + 1] }
            if ["-C", "--directory"].contains(word) { directory = words[i + 1] }
        }
        let base = directory.map { PathName.join(FileManager.default.currentDirectoryPath, $0) } ?? FileManager.default.currentDirectoryPath
        let names = RecipeLoader().targetNames(file: PathName.join(base, file)) ?? []
        guard prefix.contains("/") || !names.contains(where: { $0.hasPrefix(prefix) }) else {
            return TargetCandidates.complete(names: names, outputs: [], current: prefix)
        }
        return TargetCandidates.complete(names: names, outputs: outputs(file: file, in: base), current: prefix)
    }

    /// The outputs of the recipe, relative to `base`; none when it does not load.
    private static func outputs(file: String, in base: String) -> [String] {
        var options = Session.Options()
        options.file = file
        options.savesCatalog = false  // a Tab writes nothing into the tree
        guard let session = try? Session(options: options, overrides: [:], library: .vips, cwd: base) else { return [] }
        return session.graph.edges.map { PathName.display($0.output, from: base) }.sorted()
    }
}

/// Dynamic completion of libvips operation names.
enum OperationCompletion {
    static func complete(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        VipsCatalog.shared.operationNames.filter { $0.hasPrefix(prefix) }
    }
}
