import CVips
import Foundation
import ImgmakeJob
import ImgmakeSync

/// The `OperationCatalog` answered by libvips' own introspection. Thread-safe; each operation's
/// `OperationInfo` is built once (from a throw-away instance) and cached. Every query starts libvips.
public final class VipsCatalog: OperationCatalog, Sendable {
    public static let shared = VipsCatalog()

    /// libvips' answers so far.
    private struct Cache {
        var names: [String]?
        /// Keyed by the name asked for; nil entries remember unknown names.
        var infos: [String: OperationInfo?] = [:]
        var suffixes: Set<String>?
    }
    private let cache = Mutex(Cache())

    private init() {}

    /// Every file suffix some saver handles (`.jpg`, `.webp`...), lower case; computed once.
    private var saverSuffixes: Set<String> {
        cache.withLock { cache in
            if let suffixes = cache.suffixes { return suffixes }
            let suffixes = Self.saverSuffixesFromLibrary()
            cache.suffixes = suffixes
            return suffixes
        }
    }

    private static func saverSuffixesFromLibrary() -> Set<String> {
        VipsRuntime.start()
        var result: Set<String> = []
        if let suffixes = vips_foreign_get_suffixes() {
            var index = 0
            while let suffix = suffixes[index] {
                result.insert(String(cString: suffix).lowercased())
                index += 1
            }
            g_strfreev(suffixes)
        }
        return result
    }

    public var libraryVersion: String { VipsRuntime.version }

    /// Every non-abstract, non-deprecated operation nickname, sorted.
    public var operationNames: [String] {
        cache.withLock { cache in
            if let names = cache.names { return names }
            let names = Self.operationNamesFromLibrary()
            cache.names = names
            return names
        }
    }

    private static func operationNamesFromLibrary() -> [String] {
        VipsRuntime.start()
        return Set(
            Self.operationTypes().compactMap { type -> String? in
                guard cvips_type_is_abstract(type) == 0,
                    cvips_object_class_deprecated(type) == 0,
                    cvips_operation_class_flags(type).rawValue & VIPS_OPERATION_DEPRECATED.rawValue == 0,
                    let nickname = vips_nickname_find(type)
                else { return nil }
                return String(cString: nickname)
            }
        ).sorted()
    }

    /// One operation's metadata, or nil when libvips has no (concrete) operation by that nickname.
    public func operation(named nickname: String) -> OperationInfo? {
        if let cached = cache.withLock({ $0.infos[nickname] }) { return cached }
        let info = Self.introspect(nickname)
        cache.withLock { $0.infos[nickname] = .some(info) }
        return info
    }

    /// The saver nickname libvips picks from a file name's extension (`webpsave` for `a.webp`), or nil.
    /// The file need not exist.
    public func saverNickname(forPath path: String) -> String? {
        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        // An unknown extension is answered here: vips_foreign_find_save would write to the shared error buffer.
        guard !fileExtension.isEmpty, saverSuffixes.contains("." + fileExtension) else { return nil }
        let found = VipsErrorLog.shared { () -> UnsafePointer<CChar>? in
            guard let className = vips_foreign_find_save(path) else {
                VipsErrorLog.drain()
                return nil
            }
            return className
        }
        guard let className = found else { return nil }
        return vips_nickname_find(g_type_from_name(className)).map { String(cString: $0) }
    }

    /// The file suffixes (`.jpg`, `.jpeg` ...) whose files libvips writes with `saver`, in libvips' order: what
    /// `ops SAVER` says instead of a step's usage.
    public func suffixes(savedBy saver: String) -> [String] {
        VipsRuntime.start()
        var result: [String] = []
        guard let suffixes = vips_foreign_get_suffixes() else { return [] }
        var index = 0
        while let suffix = suffixes[index] {
            let text = String(cString: suffix).lowercased()
            if !result.contains(text), saverNickname(forPath: "x" + text) == saver { result.append(text) }
            index += 1
        }
        g_strfreev(suffixes)
        return result
    }

    /// See `OperationCatalog.saveOptions(impliedByPath:)`.
    public func saveOptions(impliedByPath path: String) -> [ResolvedArgument] {
        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        switch saverNickname(forPath: path) {
        case "heifsave" where fileExtension == "avif":
            return [ResolvedArgument(name: "compression", value: .enumeration("av1"))]
        case "ppmsave", "magicksave":
            return fileExtension.isEmpty ? [] : [ResolvedArgument(name: "format", value: .enumeration(fileExtension))]
        default:
            return []
        }
    }

    /// See `OperationCatalog.saverKeepsAlpha`: from the saver class' `saveable` bands (RGBA, RGBA_ONLY and
    /// ANY take a fourth band as alpha; MONO, RGB and RGB_CMYK flatten it).
    public func saverKeepsAlpha(_ nickname: String) -> Bool {
        VipsRuntime.start()
        let saveable = cvips_foreign_save_saveable(vips_type_find("VipsOperation", nickname))
        let keeping = [VIPS_SAVEABLE_RGBA, VIPS_SAVEABLE_RGBA_ONLY, VIPS_SAVEABLE_ANY].map { Int32($0.rawValue) }
        return saveable < 0 || keeping.contains(saveable)
    }

    /// The loader nickname libvips picks by sniffing a file's content (so a PNG named `.jpg` gives
    /// `pngload`); throws when the file is missing, empty, or no loader recognises it.
    public func loaderNickname(forFile path: String) throws -> String {
        VipsRuntime.start()
        return try VipsErrorLog.shared { try sniffLoader(path) }
    }

    private func sniffLoader(_ path: String) throws -> String {
        // Missing and empty files are answered here: trying every loader on them is slow, and some of
        // libvips' format probes clear the process-wide error buffer, losing other threads' messages.
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw VipsError(operation: "load", message: "\"\(path)\": \(String(cString: strerror(errno)))")
        }
        // Anything but a regular file (a socket, a FIFO, a device, a folder) is no image: libvips' probes
        // would either block on it or name a loader whose guess failed ("radload").
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw VipsError(operation: "load", message: "\"\(path)\" is not a regular file (\(Self.kind(of: status.st_mode)))")
        }
        guard status.st_size > 0 else {
            throw VipsError(operation: "load", message: "\"\(path)\" is an empty file")
        }
        // A file that cannot be read (permissions) is said so: libvips' probes fail one after the other and
        // the message names the last loader tried (radload), not the cause.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw VipsError(operation: "load", message: "\"\(path)\": cannot open: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        // The loader the extension suggests, confirmed by its own content check (one small read), saves
        // trying every loader in turn, which costs ten times as much.
        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        if let likely = Self.likelyLoaders[fileExtension], vips_foreign_is_a(likely, path) != 0 {
            return likely
        }
        let mark = VipsErrorLog.mark()  // after the check above, which complains about a missing file too
        guard let className = vips_foreign_find_load(ImageLoader.sniffablePath(path)) else {
            let error = VipsError.logged(operation: "load", since: mark)
            // libvips' own line can be lost to another thread's probe clearing the shared error buffer; the
            // failure means one thing, so say it.
            guard error.message.hasPrefix("failed (libvips gave no message)") else { throw error }
            throw VipsError(operation: "load", message: "\"\(path)\" is not a known file format")
        }
        return vips_nickname_find(g_type_from_name(className)).map { String(cString: $0) } ?? String(cString: className)
    }

    /// What a non-regular file is, for errors.
    private static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFSOCK: return "a socket"
        case S_IFIFO: return "a FIFO"
        case S_IFDIR: return "a folder"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a file"
        }
    }

    /// Whether an operation reads its image inputs top to bottom (libvips' `sequential` flag), so that they
    /// may be loaded with `access=sequential`, streaming instead of decoding whole images first.
    func isSequential(_ nickname: String) -> Bool {
        VipsRuntime.start()
        let type = vips_type_find("VipsOperation", nickname)
        return type != 0 && cvips_operation_class_flags(type).rawValue & VIPS_OPERATION_SEQUENTIAL.rawValue != 0
    }

    /// File loaders for the common extensions.
    private static let likelyLoaders = [
        "jpg": "jpegload", "jpeg": "jpegload", "png": "pngload", "webp": "webpload", "gif": "gifload",
        "tif": "tiffload", "tiff": "tiffload", "heic": "heifload", "heif": "heifload", "avif": "heifload",
        "jxl": "jxlload", "jp2": "jp2kload",
    ]

    /// The argument imgmake adds to `thumbnail`: `libvips=true` runs libvips' own thumbnail instead of imgmake's
    /// (`ThumbnailPipeline`); the operation itself never sees it.
    public static let ownThumbnailSwitch = "libvips"

    /// Builds the info from an instance of the operation type, without touching libvips' error buffer; the
    /// `thumbnail` operation gets imgmake's `libvips` switch.
    private static func introspect(_ nickname: String) -> OperationInfo? {
        VipsRuntime.start()
        let type = vips_type_find("VipsOperation", nickname)
        guard type != 0, cvips_type_is_abstract(type) == 0, let operation = vips_operation_new(nickname) else {
            return nil
        }
        defer { g_object_unref(operation) }
        let flags = cvips_operation_class_flags(type).rawValue
        var arguments = ArgumentIntrospection.arguments(of: operation)
        if nickname == "thumbnail" {
            arguments.append(
                ArgumentInfo(
                    name: ownThumbnailSwitch,
                    description: "Use libvips' own thumbnail instead of imgmake's (box shrink + exact Lanczos-3)",
                    type: .bool, isRequired: false, isInput: true, isOutput: false, defaultText: "false"))
        }
        return OperationInfo(
            nickname: vips_nickname_find(type).map { String(cString: $0) } ?? nickname,
            description: vips_object_get_description(cvips_object(operation)).map { String(cString: $0) } ?? "",
            arguments: arguments,
            isDeprecated: flags & VIPS_OPERATION_DEPRECATED.rawValue != 0 || cvips_object_class_deprecated(type) != 0)
    }

    /// Every GType below VipsOperation.
    private static func operationTypes() -> [GType] {
        final class Collector { var types: [GType] = [] }
        let collector = Collector()
        withExtendedLifetime(collector) {
            _ = vips_type_map_all(
                cvips_type_operation(),
                { type, context in
                    // swift-format-ignore: NeverForceUnwrap
                    // `context` is the collector passed just below; libvips hands it back unchanged.
                    Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue().types.append(type)
                    return nil
                }, Unmanaged.passUnretained(collector).toOpaque())
        }
        return collector.types
    }
}
