import ImgmakeRecipe

/// Whether an output would land outside the recipe's directory tree (refused unless `--allow-outside`):
/// not below the root by its path, or led out of it by a symbolic link, a link to a folder on the way
/// or the output's own name a link. Each folder of outputs is resolved and listed once (the listing shared
/// with the globs through `GlobWalker`; names as bytes when they are all regular files), so a tree of many
/// outputs pays no `lstat` per output.
struct OutsideTreeCheck {
    let root: String
    let disk: DiskInterface
    private let walker: GlobWalker
    /// The root with its links resolved.
    private let realRoot: String
    private var folders: [String: FolderVerdict] = [:]

    init(root: String, disk: DiskInterface, walker: GlobWalker) {
        self.root = root
        self.disk = disk
        self.walker = walker
        self.realRoot = disk.realPath(root) ?? root
    }

    /// The last folder asked about by ID, and its verdict (outputs come folder by folder).
    private var lastFolder: (bytes: [UInt8], verdict: FolderVerdict)?

    /// Why an output would land outside the tree, or nil when it does not. The folder's verdict is found
    /// again without a `String` while outputs stay in one folder.
    mutating func reason(for output: PathTable.ID, in paths: PathTable) -> String? {
        let (within, folderEnd) = paths.withBytes(output) { bytes in
            (GraphBytes.offsetBelow(bytes, root) != nil, GraphBytes.fileNameStart(bytes))
        }
        guard within else { return "not below \(root)" }
        let sameFolder = paths.withBytes(output) { bytes in
            lastFolder.map { GraphBytes.equal($0.bytes, UnsafeBufferPointer(rebasing: bytes[..<folderEnd])) } ?? false
        }
        let verdict: FolderVerdict
        if sameFolder, let last = lastFolder {
            verdict = last.verdict
        } else {
            let path = paths.string(output)
            let folder = PathName.directory(of: path)
            if let known = folders[folder] {
                verdict = known
            } else {
                verdict = folderVerdict(folder)
                folders[folder] = verdict
            }
            lastFolder = (paths.withBytes(output) { Array($0[..<folderEnd]) }, verdict)
        }
        if let reason = verdict.reason { return reason }
        guard !verdict.links.isEmpty else { return nil }
        return linkReason(paths.string(output), verdict)
    }

    private func linkReason(_ output: String, _ verdict: FolderVerdict) -> String? {
        if verdict.links.contains(PathName.fileName(output)), let real = disk.realPath(output), real != realRoot,
            PathName.relative(real, to: realRoot) == nil
        {
            return "it is a link to \(real)"
        }
        return nil
    }

    /// What the check knows of one folder of outputs.
    private struct FolderVerdict {
        /// Why the folder leads outside the tree, if it does.
        var reason: String?
        /// Names in the folder that are symbolic links (from one listing: no `lstat` per output).
        var links: Set<String>
    }

    /// Whether a folder of outputs leads outside the tree (the deepest part of it that exists must resolve,
    /// through links, to a place inside the tree), and which of its entries are links.
    private func folderVerdict(_ folder: String) -> FolderVerdict {
        var directory = folder
        while !directory.isEmpty, directory != root, !disk.isDirectory(directory) {
            directory = PathName.directory(of: directory)
        }
        if let real = disk.realPath(directory), real != realRoot, PathName.relative(real, to: realRoot) == nil {
            return FolderVerdict(reason: "\(PathName.display(directory, from: root)) leads to \(real)", links: [])
        }
        guard directory == folder else { return FolderVerdict(reason: nil, links: []) }
        return FolderVerdict(reason: nil, links: walker.linkNames(folder))
    }
}
