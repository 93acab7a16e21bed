import ImgmakeJob
import ImgmakeRecipe

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

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
    struct Stored: Codable, Equatable {
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
        if trustingFile, let bytes = try? disk.read(path), let decoded = Stored(json: bytes), decoded.key == key {
            stored = decoded
        } else {
            stored = Stored(key: key)
        }
    }

    /// What the answers are valid for (see the type's comment); cheap: two `stat`s, libvips not loaded.
    static func key(library: ImageLibrary) -> String {
        "imgmake \(ImgmakeVersion.current) (\(executableIdentity)) (\(library.libraryFile ?? "?"))"
    }

    /// The running executable's size and modification time: of the file `/proc/self/exe` links to, stat'ed by
    /// that name rather than through the link, which is the same file, except under valgrind, which
    /// gives its programs its own executable there but their own name when the link is read (so a profiled
    /// run keeps the key of the binary it profiles). A binary replaced since it started reads as
    /// `PATH (deleted)`, which cannot be stat'ed: "?", a key no file written by a binary has.
    static let executableIdentity: String = {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "?" }
        var executable = stat()
        guard stat(String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self), &executable) == 0 else {
            return "?"
        }
        return "\(executable.st_size) \(executable.st_mtim.tv_sec).\(executable.st_mtim.tv_nsec)"
    }()

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

extension CachedCatalog.Stored {
    /// The file's contents, read with `JSONValue` (its synthesized `Codable` form, as `JSONEncoder` writes it:
    /// optional values missing or null, enums as `{"case":{"label":value}}`, unlabelled values as `_0`).
    /// nil when the file is not that: damaged, or not JSON at all; an answer that is missing is not damage (it
    /// is asked of libvips).
    init?(json bytes: [UInt8]) {
        guard let root = JSONValue.parse(bytes)?.object, let key = root["key"]?.string else { return nil }
        self.init(key: key)
        func map<T>(_ value: JSONValue?, _ read: (JSONValue) -> T?) -> [String: T]? {
            guard let value else { return [:] }
            guard let members = value.object else { return nil }
            var result: [String: T] = [:]
            for (name, member) in members {
                guard let element = read(member) else { return nil }
                result[name] = element
            }
            return result
        }
        guard case .some(let version) = Self.optional(root["version"], { $0.string }),
            let operations = map(root["operations"], { Self.optional($0, Self.operation) }),
            let savers = map(root["savers"], { Self.optional($0, { $0.string }) }),
            let implied = map(root["implied"], { $0.array.flatMap { Self.all($0, Self.resolvedArgument) } }),
            let keepsAlpha = map(root["keepsAlpha"], { $0.bool }),
            case .some(let names) = Self.optional(root["names"], { $0.array.flatMap { Self.all($0, { $0.string }) } })
        else { return nil }
        self.version = version
        self.operations = operations
        self.savers = savers
        self.implied = implied
        self.keepsAlpha = keepsAlpha
        self.names = names
    }

    private static func all<T>(_ values: [JSONValue], _ read: (JSONValue) -> T?) -> [T]? {
        var result: [T] = []
        result.reserveCapacity(values.count)
        for value in values {
            guard let element = read(value) else { return nil }
            result.append(element)
        }
        return result
    }

    private static func operation(_ value: JSONValue) -> OperationInfo? {
        guard let object = value.object, let nickname = object["nickname"]?.string,
            let description = object["description"]?.string, let isDeprecated = object["isDeprecated"]?.bool,
            let arguments = object["arguments"]?.array.flatMap({ all($0, argument) })
        else { return nil }
        return OperationInfo(nickname: nickname, description: description, arguments: arguments, isDeprecated: isDeprecated)
    }

    private static func argument(_ value: JSONValue) -> ArgumentInfo? {
        guard let object = value.object, let name = object["name"]?.string, let description = object["description"]?.string,
            let type = object["type"].flatMap(argumentType), let isRequired = object["isRequired"]?.bool,
            let isInput = object["isInput"]?.bool, let isOutput = object["isOutput"]?.bool,
            let isDeprecated = object["isDeprecated"]?.bool, let defaultText = object["defaultText"]?.string
        else { return nil }
        return ArgumentInfo(
            name: name, description: description, type: type, isRequired: isRequired, isInput: isInput, isOutput: isOutput,
            isDeprecated: isDeprecated, defaultText: defaultText)
    }

    /// An enum case in its synthesized form: the one member's name and its (labelled) values.
    private static func enumCase(_ value: JSONValue) -> (name: String, values: [String: JSONValue])? {
        guard let object = value.object, object.count == 1, let (name, values) = object.first, let values = values.object else {
            return nil
        }
        return (name, values)
    }

    private static func argumentType(_ value: JSONValue) -> ArgumentType? {
        guard let (name, values) = enumCase(value) else { return nil }
        func nicks() -> (String, [String])? {
            guard let typeName = values["typeName"]?.string, let nicks = values["nicks"]?.array.flatMap({ all($0, \.string) }) else {
                return nil
            }
            return (typeName, nicks)
        }
        switch name {
        case "int":
            guard let min = values["min"]?.int, let max = values["max"]?.int else { return nil }
            return .int(min: min, max: max)
        case "double":
            guard let min = values["min"]?.double, let max = values["max"]?.double else { return nil }
            return .double(min: min, max: max)
        case "bool": return .bool
        case "string": return .string
        case "enumeration": return nicks().map { .enumeration(typeName: $0.0, nicks: $0.1) }
        case "flags": return nicks().map { .flags(typeName: $0.0, nicks: $0.1) }
        case "arrayDouble": return .arrayDouble
        case "arrayInt": return .arrayInt
        case "image": return .image
        case "arrayImage": return .arrayImage
        case "interpolate": return .interpolate
        case "unsupported": return values["typeName"]?.string.map { .unsupported(typeName: $0) }
        default: return nil
        }
    }

    private static func resolvedArgument(_ value: JSONValue) -> ResolvedArgument? {
        guard let object = value.object, let name = object["name"]?.string, let operationValue = object["value"].flatMap(operationValue),
            case .some(let origin) = optional(object["origin"], \.string)
        else { return nil }
        return ResolvedArgument(name: name, value: operationValue, origin: origin)
    }

    private static func optional<T>(_ value: JSONValue?, _ read: (JSONValue) -> T?) -> T?? {
        guard let value, value != .null else { return .some(nil) }
        return read(value).map { .some($0) }
    }

    private static func operationValue(_ value: JSONValue) -> OperationValue? {
        guard let (name, values) = enumCase(value), let only = values["_0"] else { return nil }
        switch name {
        case "int": return only.int.map { .int($0) }
        case "double": return only.double.map { .double($0) }
        case "bool": return only.bool.map { .bool($0) }
        case "string": return only.string.map { .string($0) }
        case "enumeration": return only.string.map { .enumeration($0) }
        case "flags": return only.string.map { .flags($0) }
        case "arrayDouble": return only.array.flatMap { all($0, \.double) }.map { .arrayDouble($0) }
        case "arrayInt": return only.array.flatMap { all($0, \.int) }.map { .arrayInt($0) }
        case "imageFile": return only.string.map { .imageFile($0) }
        case "imageFiles": return only.array.flatMap { all($0, \.string) }.map { .imageFiles($0) }
        case "interpolate": return only.string.map { .interpolate($0) }
        default: return nil
        }
    }
}
