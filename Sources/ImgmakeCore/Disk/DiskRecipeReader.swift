import ImgmakeRecipe

/// Reads recipe files through a `DiskInterface`, so that tests on `MemoryDisk` load recipes from memory too.
struct DiskRecipeReader: RecipeFileReader {
    let disk: DiskInterface

    func read(_ absolutePath: String) throws -> String {
        if disk.isDirectory(absolutePath) { throw RecipeFileReadError.isDirectory }
        guard disk.stamp(absolutePath) != nil else { throw RecipeFileReadError.notFound }
        guard let bytes = try? disk.read(absolutePath) else { throw RecipeFileReadError.unreadable }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw RecipeFileReadError.notUTF8 }
        return text
    }
}
