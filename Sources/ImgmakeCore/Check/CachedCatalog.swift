import Foundation
import ImgmakeJob
import ImgmakeRecipe

/// The catalog answers a recipe needed last time, kept in `.imgmake/catalog.json`, so that a run with nothing
/// to build does not pay for libvips' start-up. A question the file cannot answer goes to the real catalog
/// (which starts libvips) and the file is rewritten.
///
/// The file is trusted only under its key: the imgmake version and executable and the libvips library file
/// (path, size, modification time), so an upgrade or a rebuild of either asks libvips again. The libvips
/// version (in every recipe fingerprint) is one of the answers: a no-op does not even load libvips for it. A file that still disagrees with libvips (damaged, copied, forged) is caught when jobs run, since
/// libvips is started then anyway: `verifiedAgainstLibrary()` compares every answer and rewrites the file,
/// and each job checks its saver against libvips' own choice for the output's name (`JobRunner`).
package final class CachedCatalog: OperationCatalog {
    private struct Stored: Codable {
        var key: String
        var version: String?
        var operations: [String: OperationInfo?] = [:]
        var savers: [String: String?] = [:]
        var implied: [String: [ResolvedArgument]] = [:]
        var keepsAlpha: [String: Bool] = [:]
        var names: [String]?
    }

    private let path: String
    private let disk: DiskInterface
    private let real: () -> OperationCatalog
    private let realVersion: () -> String
    private var stored: Stored
    private var dirty = false

    /// The image library's version, such as "vips-8.14.1": from the file, else from libvips (loading it).
    package var libraryVersion: String { answer(\.version, ask: realVersion) }

    /// Whether an answer came from the file (rather than from libvips in this run).
    private(set) var answeredFromFile = false

    /// `trustingFile` false: the file is not read (it is rewritten with libvips' answers when saved).
    package init(directory: String, disk: DiskInterface, library: ImageLibrary, trustingFile: Bool = true) {
        self.path = PathName.join(directory, "catalog.json")
        self.disk = disk
        self.real = library.catalog
        self.realVersion = library.version
        let key = Self.key(library: library)
        if trustingFile, let bytes = try? disk.read(path), let decoded = try? JSONDecoder().decode(Stored.self, from: Data(bytes)),
            decoded.key == key
        {
            stored = decoded
        } else {
            stored = Stored(key: key)
        }
    }

    /// What the answers are valid for (see the type's comment); cheap: two `stat`s, libvips not loaded.
    static func key(library: ImageLibrary) -> String {
        var executable = stat()
        let program =
            stat("/proc/self/exe", &executable) == 0
            ? "\(executable.st_size) \(executable.st_mtim.tv_sec).\(executable.st_mtim.tv_nsec)" : "?"
        return "imgmake \(ImgmakeVersion.current) (\(program)) (\(library.libraryFile ?? "?"))"
    }

    /// Compares every stored answer with libvips' own (starting libvips) and keeps libvips' answers, saving
    /// the file when one differed. Returns the differences, one line each (`.png files: saver jpegsave,
    /// libvips says pngsave`); empty when the file agreed.
    func verifiedAgainstLibrary() -> [String] {
        let real = real()
        var differences: [String] = []
        if let version = stored.version, case let actual = realVersion(), version != actual {
            differences.append("version \(version), libvips says \(actual)")
            stored.version = actual
        }
        func describe(_ value: String??) -> String { value.flatMap { $0 } ?? "none" }
        for (ext, saver) in stored.savers.sorted(by: { $0.key < $1.key }) {
            let actual = real.saverNickname(forPath: "x." + ext)
            if actual != saver {
                differences.append(".\(ext) files: saver \(describe(saver)), libvips says \(describe(actual))")
                stored.savers[ext] = .some(actual)
            }
        }
        for (ext, options) in stored.implied.sorted(by: { $0.key < $1.key }) {
            let actual = real.saveOptions(impliedByPath: "x." + ext)
            if actual != options {
                differences.append(".\(ext) files: implied save options differ from libvips'")
                stored.implied[ext] = actual
            }
        }
        for (saver, keeps) in stored.keepsAlpha.sorted(by: { $0.key < $1.key }) {
            let actual = real.saverKeepsAlpha(saver)
            if actual != keeps {
                differences.append("\(saver): keeps alpha \(keeps), libvips says \(actual)")
                stored.keepsAlpha[saver] = actual
            }
        }
        for (nickname, info) in stored.operations.sorted(by: { $0.key < $1.key }) {
            let actual = real.operation(named: nickname)
            if actual != info {
                differences.append("operation \(nickname): its arguments differ from libvips'")
                stored.operations[nickname] = .some(actual)
            }
        }
        if let names = stored.names, names != real.operationNames {
            differences.append("the list of operations differs from libvips'")
            stored.names = real.operationNames
        }
        if !differences.isEmpty {
            dirty = true
            save()
        }
        return differences
    }

    /// The file, for messages (`.imgmake/catalog.json` relative to the root is what users see).
    var file: String { path }

    package var operationNames: [String] { answer(\.names) { real().operationNames } }

    package func operation(named nickname: String) -> OperationInfo? {
        answer(\.operations, nickname) { real().operation(named: nickname) }
    }

    package func saverNickname(forPath path: String) -> String? {
        answer(\.savers, PathName.fileExtension(path).lowercased()) { real().saverNickname(forPath: path) }
    }

    package func saveOptions(impliedByPath path: String) -> [ResolvedArgument] {
        answer(\.implied, PathName.fileExtension(path).lowercased()) { real().saveOptions(impliedByPath: path) }
    }

    package func saverKeepsAlpha(_ nickname: String) -> Bool {
        answer(\.keepsAlpha, nickname) { real().saverKeepsAlpha(nickname) }
    }

    /// The answer stored for `key` (which may be "none": `Value` is optional for some questions), else libvips'
    /// answer, kept for the file.
    private func answer<Value>(_ field: WritableKeyPath<Stored, [String: Value]>, _ key: String, ask: () -> Value) -> Value {
        if let stored = stored[keyPath: field][key] {
            answeredFromFile = true
            return stored
        }
        let value = ask()
        stored[keyPath: field][key] = value
        dirty = true
        return value
    }

    /// The answer stored in `field`, else libvips' answer, kept for the file.
    private func answer<Value>(_ field: WritableKeyPath<Stored, Value?>, ask: () -> Value) -> Value {
        if let stored = stored[keyPath: field] {
            answeredFromFile = true
            return stored
        }
        let value = ask()
        stored[keyPath: field] = value
        dirty = true
        return value
    }

    /// Writes the file when something new was learnt (best effort: a read-only tree just asks libvips again).
    func save() {
        guard dirty, let data = try? JSONEncoder().encode(stored) else { return }
        try? disk.makeDirectories(PathName.directory(of: path))
        try? disk.writeAtomically(path, Array(data))
        dirty = false
    }
}
