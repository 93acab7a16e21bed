import Foundation
import ImgmakeVips

/// The catalog answers a recipe needed last time, kept in `.imgmake/catalog.json` (keyed by the imgmake and
/// libvips versions), so that a run with nothing to build does not pay for libvips' start-up. A question
/// the file cannot answer goes to the real catalog (which starts libvips) and the file is rewritten.
final class CachedCatalog: OperationCatalog {
    private struct Stored: Codable {
        var key: String
        var operations: [String: OperationInfo?] = [:]
        var savers: [String: String?] = [:]
        var implied: [String: [ResolvedArgument]] = [:]
        var keepsAlpha: [String: Bool] = [:]
        var names: [String]?
    }

    private let path: String
    private let disk: DiskInterface
    private let real: () -> OperationCatalog
    private var stored: Stored
    private var dirty = false

    let libraryVersion: String

    init(directory: String, disk: DiskInterface, real: @escaping () -> OperationCatalog = { VipsCatalog.shared }) {
        self.path = PathName.join(directory, "catalog.json")
        self.disk = disk
        self.real = real
        self.libraryVersion = VipsRuntime.version
        let key = "imgmake \(ImgmakeCommand.version) \(libraryVersion)"
        if let bytes = try? disk.read(path), let decoded = try? JSONDecoder().decode(Stored.self, from: Data(bytes)),
           decoded.key == key {
            stored = decoded
        } else {
            stored = Stored(key: key)
        }
    }

    var operationNames: [String] {
        if let names = stored.names { return names }
        let names = real().operationNames
        stored.names = names
        dirty = true
        return names
    }

    func operation(named nickname: String) -> OperationInfo? {
        if let cached = stored.operations[nickname] { return cached }
        let info = real().operation(named: nickname)
        stored.operations[nickname] = .some(info)
        dirty = true
        return info
    }

    func saverNickname(forPath path: String) -> String? {
        let ext = PathName.fileExtension(path).lowercased()
        if let cached = stored.savers[ext] { return cached }
        let saver = real().saverNickname(forPath: path)
        stored.savers[ext] = .some(saver)
        dirty = true
        return saver
    }

    func saveOptions(impliedByPath path: String) -> [ResolvedArgument] {
        let ext = PathName.fileExtension(path).lowercased()
        if let cached = stored.implied[ext] { return cached }
        let options = real().saveOptions(impliedByPath: path)
        stored.implied[ext] = options
        dirty = true
        return options
    }

    func saverKeepsAlpha(_ nickname: String) -> Bool {
        if let cached = stored.keepsAlpha[nickname] { return cached }
        let keeps = real().saverKeepsAlpha(nickname)
        stored.keepsAlpha[nickname] = keeps
        dirty = true
        return keeps
    }

    /// Writes the file when something new was learnt (best effort: a read-only tree just asks libvips again).
    func save() {
        guard dirty, let data = try? JSONEncoder().encode(stored) else { return }
        try? disk.makeDirectories(PathName.directory(of: path))
        try? disk.writeAtomically(path, Array(data))
        dirty = false
    }
}
