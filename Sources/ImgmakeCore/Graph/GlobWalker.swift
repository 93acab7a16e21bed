import ImgmakeRecipe

/// Finds the files a glob matches by reading directories (each directory read once per run, through a cache
/// shared by every glob), skipping hidden names and pruning folders the glob cannot reach.
///
/// Only regular files (and links to them) are inputs. A linked folder is followed, but not a link back into
/// a folder the walk is inside (a loop, told by device and inode); FIFOs, devices, dangling links and names
/// that are not valid UTF-8 (no path string can name them) are skipped. Each of these the glob would have
/// matched is named once in `warnings`.
final class GlobWalker {
    private let disk: DiskInterface
    private let root: String
    private var listings: [String: [DirectoryEntry]] = [:]
    private var identities: [String: DirectoryIdentity?] = [:]
    /// Files and folders skipped, each named once, in the order met.
    private(set) var warnings: [String] = []
    private var warned: Set<String> = []

    init(disk: DiskInterface, root: String) {
        self.disk = disk
        self.root = root
    }

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
        var ancestors: [DirectoryIdentity: String] = [:]
        walk(directory: glob.baseDirectory, relative: glob.glob.base, glob: glob.glob, ancestors: &ancestors, into: &found)
        return found
    }

    private func walk(
        directory: String, relative: String, glob: Glob, ancestors: inout [DirectoryIdentity: String],
        into found: inout [String]
    ) {
        guard let identity = identity(directory) else { return }
        ancestors[identity] = directory
        defer { ancestors[identity] = nil }
        let prefix = directory == "/" ? "/" : String(concatenating: [directory, "/"])
        let relativePrefix = relative.isEmpty ? "" : String(concatenating: [relative, "/"])
        for entry in listing(directory) where entry.name.utf8.first != UInt8(ascii: ".") {
            let rel = relative.isEmpty ? entry.name : String(concatenating: [relativePrefix, entry.name])
            let path = String(concatenating: [prefix, entry.name])
            if entry.hasInvalidName {
                if entry.isDirectory ? glob.mayMatchBelow(rel) : glob.matches(rel) {
                    warn("\(display(path)): skipped: its name is not valid UTF-8 (rename it to use it)")
                }
            } else if entry.isDirectory {
                guard glob.mayMatchBelow(rel) else { continue }
                if entry.isSymbolicLink, let target = self.identity(path), let enclosing = ancestors[target] {
                    warn("\(display(path)): skipped: a link to \(display(enclosing)), which it is inside (a loop)")
                    continue
                }
                walk(directory: path, relative: rel, glob: glob, ancestors: &ancestors, into: &found)
            } else if glob.matches(rel) {
                if let special = entry.special {
                    warn("\(display(path)): skipped: \(special), not a regular file")
                } else {
                    found.append(path)
                }
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

    private func identity(_ directory: String) -> DirectoryIdentity? {
        if let known = identities[directory] { return known }
        let identity = disk.directoryIdentity(directory)
        identities[directory] = identity
        return identity
    }

    private func warn(_ text: String) {
        if warned.insert(text).inserted { warnings.append(text) }
    }

    private func display(_ path: String) -> String { PathName.display(path, from: root) }
}
