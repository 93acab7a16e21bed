import ImgmakeRecipe

/// `--cache DIR` (README's *A shared cache*): outputs kept by a key of what makes them, shared by every tree and
/// clone that points at the folder, so nothing is built twice. An entry is `DIR/KK/KEY` (the output's bytes) and
/// `DIR/KK/KEY.meta` (their SHA-256, and the function's result when there is one), each written under a
/// temporary name and renamed, so several imgmake processes can use the folder at once. The `.meta` file's
/// modification time is when the entry was last used: over `maxBytes`, the least recently used entries go.
package final class ContentCache {
    package let directory: String
    package let maxBytes: Int64
    private let disk: DiskInterface

    package init(directory: String, maxBytes: Int64, disk: DiskInterface) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.disk = disk
    }

    /// Bumped when what an entry holds, or how a key is made, changes.
    static let version = "imgmake-cache-1"

    /// The key of an output: SHA-256 over the recipe fingerprint (expanded steps, saver and options, the versions
    /// that matter to the pixels) and each input's root-relative path and content digest, in order (an input made
    /// by another rule counts by its content, so a rebuilt-identical chain keeps its keys).
    package static func key(fingerprint: UInt64, inputs: [(path: String, digest: String)]) -> String {
        var text = version + "\n" + fingerprint.hex16 + "\n"
        for input in inputs { text += input.path + "\t" + input.digest + "\n" }
        return ContentDigest.sha256(bytes: Array(text.utf8))
    }

    /// A damaged entry (its bytes do not match its digest, or its metadata is unreadable) is removed.
    package typealias Lookup = CacheLookup

    private func paths(_ key: String) -> (data: String, meta: String) {
        let folder = PathName.join(directory, String(key.prefix(2)))
        return (PathName.join(folder, key), PathName.join(folder, key + ".meta"))
    }

    /// The entry of `key`; a hit is marked as used now.
    package func lookup(_ key: String) -> Lookup {
        let (data, meta) = paths(key)
        guard disk.stamp(meta) != nil, disk.stamp(data) != nil else { return .miss }
        guard let metaBytes = try? disk.read(meta), let bytes = try? disk.read(data) else { return .miss }
        let lines = String(decoding: metaBytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix("sha256 ") else {
            drop(key)
            return .corrupt("\(meta): not an entry's metadata")
        }
        let digest = String(first.dropFirst("sha256 ".count))
        guard ContentDigest.sha256(bytes: bytes) == digest else {
            drop(key)
            return .corrupt("\(data): its content does not match its digest (damaged): removed")
        }
        let result = lines.dropFirst().first { $0.hasPrefix("result ") }.map { String($0.dropFirst("result ".count)) }
        try? disk.writeAtomically(meta, metaBytes)  // used now: the least recently used entries are evicted first
        return .hit(bytes: bytes, result: result)
    }

    /// Keeps an output under `key` (replacing what was there).
    package func store(_ key: String, bytes: [UInt8], result: String?) throws {
        let (data, meta) = paths(key)
        try disk.makeDirectories(PathName.directory(of: data))
        try disk.writeAtomically(data, bytes)
        var text = "sha256 " + ContentDigest.sha256(bytes: bytes) + "\n"
        if let result { text += "result " + result + "\n" }
        try disk.writeAtomically(meta, Array(text.utf8))
    }

    private func drop(_ key: String) {
        let (data, meta) = paths(key)
        try? disk.remove(meta)
        try? disk.remove(data)
    }

    /// Removes the least recently used entries until the cache holds at most `maxBytes`; how many it removed.
    @discardableResult
    package func evictIfNeeded() -> Int {
        var entries: [(key: String, used: Int64, size: Int64)] = []
        var total: Int64 = 0
        for folder in disk.list(directory) ?? [] where folder.name.utf8.count == 2 {
            let path = PathName.join(directory, folder.name)
            for entry in disk.list(path) ?? [] where entry.name.hasSuffix(".meta") {
                let key = String(entry.name.dropLast(".meta".count))
                guard let used = disk.stamp(PathName.join(path, entry.name)), let data = disk.stamp(PathName.join(path, key)) else {
                    continue
                }
                entries.append((key, used.mtime, data.size + used.size))
                total += data.size + used.size
            }
        }
        guard total > maxBytes else { return 0 }
        var removed = 0
        for entry in entries.sorted(by: { $0.used < $1.used }) where total > maxBytes {
            drop(entry.key)
            total -= entry.size
            removed += 1
        }
        return removed
    }
}

extension ContentCache {
    /// `--cache-max-size`: a number of bytes, with K, M, G or T (powers of 1024); nil for anything else.
    package static func parseSize(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = text.uppercased()
        if digits.hasSuffix("B") { digits.removeLast() }
        var scale: Int64 = 1
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits.removeLast()
        }
        guard let value = Int64(digits), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    /// The default limit: 10 GiB.
    package static let defaultMaxBytes: Int64 = 10 << 30
}

/// `--cache DIR` and `--cache-max-size`, as the command line gives them.
package struct CacheSettings: Equatable, Sendable {
    package var directory: String
    package var maxBytes: Int64
    package init(directory: String, maxBytes: Int64 = ContentCache.defaultMaxBytes) {
        self.directory = directory
        self.maxBytes = maxBytes
    }
}
