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
/// named by -f/-C on the line being completed). Only the lines that define names are read (`RecipeLoader.targetNames`):
/// no libvips, no steps or globs parsed, so it answers at once.
enum TargetCompletion {
    static func complete(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        var file = OptionDefaults.recipeFile
        var directory: String?
        for (i, word) in words.enumerated() where i + 1 < words.count {
            if word == "-f" { file = words[i + 1] }
            if word == "-C" { directory = words[i + 1] }
        }
        let base = directory.map { PathName.join(FileManager.default.currentDirectoryPath, $0) } ?? FileManager.default.currentDirectoryPath
        let names = RecipeLoader().targetNames(file: PathName.join(base, file)) ?? []
        return names.filter { $0.hasPrefix(prefix) }
    }
}

/// Dynamic completion of libvips operation names.
enum OperationCompletion {
    static func complete(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        VipsCatalog.shared.operationNames.filter { $0.hasPrefix(prefix) }
    }
}
