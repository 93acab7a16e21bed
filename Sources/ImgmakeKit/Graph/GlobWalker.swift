import ImgmakeRecipe

/// Finds the files a glob matches by reading directories (each directory read once per run, through a cache
/// shared by every glob), skipping hidden names and pruning folders the glob cannot reach.
final class GlobWalker {
    private let disk: DiskInterface
    private var listings: [String: [DirectoryEntry]] = [:]

    init(disk: DiskInterface) { self.disk = disk }

    /// Absolute paths of the files under `glob.directory` that the glob matches.
    func files(matching glob: RuleGlob) -> [String] {
        var found: [String] = []
        if let literals = glob.glob.literalPaths {
            for literal in literals {
                let path = PathName.normalize(PathName.join(glob.directory, literal))
                if disk.stamp(path) != nil { found.append(path) }
            }
            return found
        }
        let baseRelative = glob.glob.base
        walk(directory: glob.baseDirectory, relative: baseRelative, glob: glob.glob, into: &found)
        return found
    }

    private func walk(directory: String, relative: String, glob: Glob, into found: inout [String]) {
        let prefix = directory == "/" ? "/" : String(concatenating: [directory, "/"])
        let relativePrefix = relative.isEmpty ? "" : String(concatenating: [relative, "/"])
        for entry in listing(directory) where entry.name.utf8.first != UInt8(ascii: ".") {
            let rel = relative.isEmpty ? entry.name : String(concatenating: [relativePrefix, entry.name])
            if entry.isDirectory {
                if glob.mayMatchBelow(rel) {
                    walk(directory: String(concatenating: [prefix, entry.name]), relative: rel, glob: glob, into: &found)
                }
            } else if glob.matches(rel) {
                found.append(String(concatenating: [prefix, entry.name]))
            }
        }
    }

    /// The entries of a directory, read once per walker ([] when it cannot be read).
    func listing(_ directory: String) -> [DirectoryEntry] {
        if let cached = listings[directory] { return cached }
        let entries = disk.list(directory) ?? []
        listings[directory] = entries
        return entries
    }
}
