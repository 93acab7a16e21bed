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
    private var fileListings: [String: FileNames?] = [:]
    private var identities: [String: DirectoryIdentity?] = [:]
    /// Files and folders skipped, each named once, in the order met.
    private(set) var warnings: [String] = []
    private var warned: Set<String> = []
    /// Where each folder's matched files go to have their stamps read beside the walk, if anywhere.
    private let earlyStamps: EarlyStamps?

    init(disk: DiskInterface, root: String, earlyStamps: EarlyStamps? = nil) {
        self.disk = disk
        self.root = root
        self.earlyStamps = earlyStamps
    }

    /// The files under `glob.directory` that the glob matches, as IDs of `paths`, interned as the walk finds
    /// them (no `String` per file). A glob without wildcards names its files: they are stat'ed, not walked.
    func fileIDs(matching glob: RuleGlob, into paths: PathTable) -> [PathTable.ID] {
        if let literals = glob.glob.literalPaths {
            return literals.map { PathName.normalize(PathName.join(glob.directory, $0)) }.filter { disk.stamp($0) != nil }
                .map { paths.intern($0) }
        }
        var found: [PathTable.ID] = []
        var ancestors: [DirectoryIdentity: String] = [:]
        var walk = ByteWalk(path: Array(glob.baseDirectory.utf8), relative: Array(glob.glob.base.utf8))
        walkBytes(directory: glob.baseDirectory, glob: glob.glob, walk: &walk, ancestors: &ancestors, paths: paths, into: &found)
        return found
    }

    /// The path and the glob-relative path of the folder being walked, as bytes that each entry's name is
    /// appended to (and taken off again).
    private struct ByteWalk {
        var path: [UInt8]
        var relative: [UInt8]
    }

    private func walkBytes(
        directory: String, glob: Glob, walk: inout ByteWalk, ancestors: inout [DirectoryIdentity: String],
        paths: PathTable, into found: inout [PathTable.ID]
    ) {
        guard let identity = identity(directory) else { return }
        ancestors[identity] = directory
        defer { ancestors[identity] = nil }
        let pathLength = walk.path.count
        let relativeLength = walk.relative.count
        if walk.path.last != UInt8(ascii: "/") { walk.path.append(UInt8(ascii: "/")) }
        if !walk.relative.isEmpty { walk.relative.append(UInt8(ascii: "/")) }
        let pathPrefix = walk.path.count
        let relativePrefix = walk.relative.count
        // This folder's matched files and their names, for `earlyStamps`.
        var matchedHere: [PathTable.ID] = []
        var namesHere: [UInt8] = []
        defer {
            walk.path.removeSubrange(pathLength...)
            walk.relative.removeSubrange(relativeLength...)
            earlyStamps?.read(folder: directory, ids: matchedHere, names: namesHere)
        }
        if var names = fileNames(directory), !names.hasOthers {
            // Only regular files with UTF-8 names, the common folder of photos: matched as bytes, in byte order
            // (sorted once, for every glob that walks the folder).
            names.sort()
            fileListings[directory] = names
            names.bytes.withUnsafeBufferPointer { bytes in
                for index in 0..<names.count {
                    let name = UnsafeBufferPointer(rebasing: bytes[names.name(index)])
                    if name.first == UInt8(ascii: ".") { continue }
                    walk.path.removeSubrange(pathPrefix...)
                    walk.relative.removeSubrange(relativePrefix...)
                    walk.path.append(contentsOf: name)
                    walk.relative.append(contentsOf: name)
                    guard walk.relative.withUnsafeBufferPointer({ glob.matches(bytes: $0) }) else { continue }
                    let id = walk.path.withUnsafeBufferPointer { paths.intern($0) }
                    found.append(id)
                    if earlyStamps != nil {
                        matchedHere.append(id)
                        namesHere.append(contentsOf: name)
                        namesHere.append(0)
                    }
                }
            }
            return
        }
        // Entries in the order of the paths they lead to (a folder's name as if followed by its `/`), so that
        // the files come out sorted.
        let entries = listing(directory).sorted { a, b in
            let x = Array(a.name.utf8) + (a.isDirectory ? [UInt8(ascii: "/")] : [])
            let y = Array(b.name.utf8) + (b.isDirectory ? [UInt8(ascii: "/")] : [])
            return x.lexicographicallyPrecedes(y)
        }
        for entry in entries where entry.name.utf8.first != UInt8(ascii: ".") {
            walk.path.removeSubrange(pathPrefix...)
            walk.relative.removeSubrange(relativePrefix...)
            var name = entry.name
            name.withUTF8 { bytes in
                walk.path.append(contentsOf: bytes)
                walk.relative.append(contentsOf: bytes)
            }
            if entry.hasInvalidName || entry.isDirectory || entry.special != nil {
                // The rare kinds, with a String path (and a warning where the glob would have matched).
                let path = String(decoding: walk.path, as: UTF8.self)
                let rel = String(decoding: walk.relative, as: UTF8.self)
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
                    walkBytes(directory: path, glob: glob, walk: &walk, ancestors: &ancestors, paths: paths, into: &found)
                } else if let special = entry.special, glob.matches(rel) {
                    warn("\(display(path)): skipped: \(special), not a regular file")
                }
                continue
            }
            let matched = walk.relative.withUnsafeBufferPointer { glob.matches(bytes: $0) }
            guard matched else { continue }
            let id = walk.path.withUnsafeBufferPointer { paths.intern($0) }
            found.append(id)
            if earlyStamps != nil {
                matchedHere.append(id)
                namesHere.append(contentsOf: walk.path[pathPrefix...])
                namesHere.append(0)
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

    /// The names of a directory's regular files (`DiskInterface.fileNames`), read once per walker.
    func fileNames(_ directory: String) -> FileNames? {
        if let cached = fileListings[directory] { return cached }
        let names = disk.fileNames(directory)
        fileListings[directory] = names
        return names
    }

    /// The names of a directory's entries that are symbolic links: none when it holds only regular files.
    func linkNames(_ directory: String) -> Set<String> {
        if listings[directory] == nil, let names = fileNames(directory), !names.hasOthers { return [] }
        return Set(listing(directory).lazy.filter(\.isSymbolicLink).map(\.name))
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
