import CVips
import ImgmakeJob

/// Reads image files with the loader libvips picks by sniffing their content, safely for a build tool:
/// truncated files fail (`fail-on=truncated`) instead of coming out with a gray fill.
public enum ImageLoader {
    /// A loaded file: the image (header read, pixels decoded on demand) and the loader that read it.
    struct Loaded {
        var image: VipsImageHandle
        var loader: String
    }

    /// Opens an image file. `options` are loader arguments (`n=-1`, `access=sequential`); an option the
    /// picked loader does not have is an error (see `supportedOptions`). Only the header is read here.
    /// Throws a `VipsError` ("load" when no loader knows the file or lacks an option).
    public static func open(_ path: String, options: [ResolvedArgument] = []) throws -> VipsImageHandle {
        try load(path, options: options).image
    }

    /// What a file's header says (`header(of:)`).
    public struct Header: Sendable {
        public var loader: String
        public var width: Int
        public var height: Int
        public var bands: Int
    }

    /// Reads a file's header (the user's code wrote it: is it an image, and of which format?). Throws a
    /// `VipsError` with this file's own message: read again alone when other threads' libvips errors may be
    /// mixed in (as `ImageRunner.run` does).
    public static func header(of path: String) throws -> Header {
        VipsRuntime.start()
        func attempt() throws -> Header {
            let loaded = try load(path, options: [])
            return Header(
                loader: loaded.loader, width: loaded.image.width, height: loaded.image.height, bands: loaded.image.bands)
        }
        let (first, alone) = VipsErrorLog.sharing { try attempt() }
        if alone { return try first.get() }
        guard case .failure = first else { return try first.get() }
        return try VipsErrorLog.exclusively { try attempt() }
    }

    /// `loader`: the loader already picked for this file (no second sniffing).
    static func load(_ path: String, options: [ResolvedArgument], loader known: String? = nil) throws -> Loaded {
        let loader = try known ?? VipsCatalog.shared.loaderNickname(forFile: path)
        var call = VipsOperationCall(loader)
        call.set("filename", .value(.string(path)))
        for option in try supportedOptions(options, loader: loader) {
            call.set(option.name, .value(option.value))
        }
        guard let image = try call.run()["out"] else {
            throw VipsError(operation: loader, message: "gave no image")
        }
        return Loaded(image: image, loader: loader)
    }

    /// The options for `loader`, with `fail-on=truncated` added when it has that argument and the options
    /// do not set it. An option it does not have is an error: the loader is picked by the file's content,
    /// so the inputs of one rule may be read by loaders with different options (`shrink` is JPEG's), and
    /// skipping it would give outputs made in different ways.
    static func supportedOptions(_ options: [ResolvedArgument], loader: String) throws -> [ResolvedArgument] {
        guard let info = VipsCatalog.shared.operation(named: loader) else { return [] }
        if let missing = options.first(where: { info.argument(named: $0.name)?.isInput != true }) {
            let format = loader.hasSuffix("load") ? String(loader.dropLast(4)) : loader
            throw VipsError(
                operation: "load",
                message: "the \(format) loader (\(loader)) has no option '\(missing.name)'"
                    + (missing.origin.map { " (from \($0))" } ?? ""))
        }
        var supported = options
        let setsFailOn = supported.contains { ArgumentInfo.canonicalName($0.name) == "fail-on" }
        if !setsFailOn, info.argument(named: "fail-on") != nil {
            supported.append(ResolvedArgument(name: "fail-on", value: .enumeration("truncated")))
        }
        return supported
    }

    /// libvips reads a trailing `[...]` of a file name as options; an empty `[]` keeps a name that itself
    /// ends in `]` whole.
    static func sniffablePath(_ path: String) -> String {
        path.hasSuffix("]") ? path + "[]" : path
    }

    /// A file name with loader options in libvips' `name[k=v,...]` form, for operations such as `thumbnail`
    /// that open the file themselves. Always has the brackets, so that a name ending in `]` stays whole.
    static func pathWithOptions(_ path: String, _ options: [ResolvedArgument]) -> String {
        let text = options.map { option -> String in
            let value: String
            switch option.value {
            case .arrayDouble(let numbers): value = "\"" + numbers.map { String($0) }.joined(separator: " ") + "\""
            case .arrayInt(let numbers): value = "\"" + numbers.map { String($0) }.joined(separator: " ") + "\""
            default: value = option.value.canonicalText
            }
            return ArgumentInfo.canonicalName(option.name) + "=" + value
        }
        return path + "[" + text.joined(separator: ",") + "]"
    }
}
