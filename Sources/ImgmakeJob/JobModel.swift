#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// What recipes need to know about image operations, independent of libvips so that the recipe checker
/// and its tests can run against a fake. `VipsCatalog` answers from libvips' own introspection.
public protocol OperationCatalog: AnyObject {
    /// Every operation nickname that a recipe may name (not abstract, not deprecated), sorted.
    var operationNames: [String] { get }
    /// The arguments of one operation, or nil when there is no such operation.
    func operation(named nickname: String) -> OperationInfo?
    /// The saver nickname (`webpsave`, `jpegsave`, ...) libvips picks for a file name, or nil.
    func saverNickname(forPath path: String) -> String?
    /// Version string of the image library that matters to the pixels (e.g. "vips-8.14.1").
    var libraryVersion: String { get }
    /// Saver options that libvips infers from a file name's extension, which a temporary file name loses:
    /// `compression=av1` for `.avif` (`heifsave` otherwise writes HEVC), `format=pgm` for `.pgm`. Jobs
    /// add them to their save options (before the recipe's own, which win). Empty for most formats.
    func saveOptions(impliedByPath path: String) -> [ResolvedArgument]
    /// Whether a saver writes an alpha channel (PNG, WebP, TIFF...) or has to flatten it away (JPEG, PPM).
    func saverKeepsAlpha(_ nickname: String) -> Bool
}

extension OperationCatalog {
    public func saveOptions(impliedByPath path: String) -> [ResolvedArgument] { [] }
    public func saverKeepsAlpha(_ nickname: String) -> Bool { true }
}

/// One operation's metadata.
public struct OperationInfo: Sendable, Hashable, Codable {
    public var nickname: String
    public var description: String
    /// Arguments in libvips' priority order (the order the `vips` command line uses).
    public var arguments: [ArgumentInfo]
    public var isDeprecated: Bool

    public init(nickname: String, description: String, arguments: [ArgumentInfo], isDeprecated: Bool = false) {
        self.nickname = nickname
        self.description = description
        self.arguments = arguments
        self.isDeprecated = isDeprecated
    }

    /// Looks an argument up by name; `no_rotate` and `no-rotate` are the same name.
    public func argument(named name: String) -> ArgumentInfo? {
        let canonical = ArgumentInfo.canonicalName(name)
        return arguments.first { $0.name == canonical }
    }

    public var requiredInputs: [ArgumentInfo] { arguments.filter { $0.isInput && $0.isRequired } }
    public var optionalInputs: [ArgumentInfo] { arguments.filter { $0.isInput && !$0.isRequired } }
    public var outputs: [ArgumentInfo] { arguments.filter { $0.isOutput } }
}

/// One argument of an operation.
public struct ArgumentInfo: Sendable, Hashable, Codable {
    /// libvips' canonical name, with dashes (`no-rotate`).
    public var name: String
    public var description: String
    public var type: ArgumentType
    public var isRequired: Bool
    public var isInput: Bool
    public var isOutput: Bool
    public var isDeprecated: Bool
    /// Default value as text for display (may be empty).
    public var defaultText: String

    public init(
        name: String, description: String, type: ArgumentType, isRequired: Bool, isInput: Bool,
        isOutput: Bool, isDeprecated: Bool = false, defaultText: String = ""
    ) {
        self.name = name
        self.description = description
        self.type = type
        self.isRequired = isRequired
        self.isInput = isInput
        self.isOutput = isOutput
        self.isDeprecated = isDeprecated
        self.defaultText = defaultText
    }

    /// GObject property names use dashes; recipes may write underscores.
    public static func canonicalName(_ name: String) -> String {
        name.replacing("_", with: "-")
    }
}

/// The kinds of argument value a recipe can give.
public enum ArgumentType: Sendable, Hashable, Codable, CustomStringConvertible {
    case int(min: Int, max: Int)
    case double(min: Double, max: Double)
    case bool
    case string
    /// A GEnum, given by nick (`attention`); `typeName` is the GType name (`VipsInteresting`).
    case enumeration(typeName: String, nicks: [String])
    /// A GFlags, given by nicks joined with `|` or `+`.
    case flags(typeName: String, nicks: [String])
    case arrayDouble
    case arrayInt
    case image
    case arrayImage
    /// `VipsInterpolate`, given by nickname (`bicubic`).
    case interpolate
    /// Anything recipes cannot give (sources, targets, blobs...); the GType name.
    case unsupported(typeName: String)

    public var description: String {
        switch self {
        case .int(let min, let max): return "integer (\(min) to \(max))"
        case .double(let min, let max): return "number (\(min) to \(max))"
        case .bool: return "true or false"
        case .string: return "string"
        case .enumeration(_, let nicks): return "one of \(nicks.joined(separator: ", "))"
        case .flags(_, let nicks): return "flags from \(nicks.joined(separator: ", "))"
        case .arrayDouble: return "array of numbers"
        case .arrayInt: return "array of integers"
        case .image: return "image"
        case .arrayImage: return "array of images"
        case .interpolate: return ValueWords.interpolatorDescription
        case .unsupported(let name): return "\(name) (not settable from a recipe)"
        }
    }
}

/// A typed argument value, ready to hand to an operation. Codable so that a job can cross a pipe.
public enum OperationValue: Sendable, Hashable, Codable {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case enumeration(String)
    case flags(String)
    case arrayDouble([Double])
    case arrayInt([Int])
    /// An image read from a file (absolute path).
    case imageFile(String)
    /// Several images read from files (absolute paths).
    case imageFiles([String])
    case interpolate(String)

    /// A number as a recipe writes it: `2` for 2.0, `0.5`; every double reads back as itself.
    static func numberText(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    /// A stable text form, used in recipe fingerprints and `show`.
    public var canonicalText: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return Self.numberText(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let v):
            return "\"" + v.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        case .enumeration(let v): return v
        case .flags(let v): return v
        case .arrayDouble(let v): return v.map(Self.numberText).joined(separator: ",")
        case .arrayInt(let v): return v.map { String($0) }.joined(separator: ",")
        case .imageFile(let p): return "@" + p
        case .imageFiles(let p): return p.map { "@" + $0 }.joined(separator: ",")
        case .interpolate(let v): return v
        }
    }
}

/// One step with every argument resolved and typed: what a worker runs.
public struct ResolvedStep: Sendable, Hashable, Codable {
    public var operation: String
    /// Arguments in a stable order (the order they were written, bare values given their names).
    public var arguments: [ResolvedArgument]
    public init(operation: String, arguments: [ResolvedArgument]) {
        self.operation = operation
        self.arguments = arguments
    }
}

public struct ResolvedArgument: Sendable, Hashable, Codable {
    public var name: String
    public var value: OperationValue
    /// Where the recipe wrote it, for errors found at run time (`` `load shrink=2`, Imgmakefile:2:17 ``).
    public var origin: String?
    public init(name: String, value: OperationValue, origin: String? = nil) {
        self.name = name
        self.value = value
        self.origin = origin
    }
}

/// Everything needed to make one output file: libvips steps, or the user's code (`program`). Codable for the
/// process pool.
public struct ImageJob: Sendable, Hashable, Codable {
    /// One source file (per-input rules) or all inputs in path order (aggregate rules), absolute paths.
    public var sources: [String]
    public var isAggregate: Bool
    /// Loader options from a leading `load` step (`n=-1`), applied when libvips loads the source.
    public var loadOptions: [ResolvedArgument]
    /// Processing steps, without `load` and `save`.
    public var steps: [ResolvedStep]
    /// The saver nickname picked from the output's extension (`webpsave`).
    public var saver: String
    /// Saver options from the `save` step.
    public var saveOptions: [ResolvedArgument]
    /// Refuse sources over this many pixels (width × height × pages), from their header; 0 = no limit.
    public var maxPixels: Int
    /// The saver cannot keep an alpha channel and the recipe did not say what goes under it (no `flatten`
    /// step, no `save background=`): an image with alpha is flattened on white as it is saved, where
    /// libvips would flatten it on black.
    public var flattensAlphaOnWhite: Bool
    /// The rule's `run`, `python` or `worker` step: the job runs it instead of libvips (no steps, no saver).
    public var program: ProgramStep?

    public init(
        sources: [String], isAggregate: Bool, loadOptions: [ResolvedArgument], steps: [ResolvedStep],
        saver: String, saveOptions: [ResolvedArgument], maxPixels: Int, flattensAlphaOnWhite: Bool = false,
        program: ProgramStep? = nil
    ) {
        self.program = program
        self.flattensAlphaOnWhite = flattensAlphaOnWhite
        self.sources = sources
        self.isAggregate = isAggregate
        self.loadOptions = loadOptions
        self.steps = steps
        self.saver = saver
        self.saveOptions = saveOptions
        self.maxPixels = maxPixels
    }
}

extension ImageJob {
    /// The job's steps as they run, expanded for its output (`-v`): `thumbnail filename=photos/a.jpg width=320
    /// | sharpen sigma=0.5 | webpsave Q=80 strip=true`; `display` shows a path (relative to the tree).
    public func stepsText(display: (String) -> String) -> String {
        if let program { return program.display }
        func text(_ argument: ResolvedArgument) -> String {
            let value: String
            switch argument.value {
            case .imageFile(let path): value = "@" + display(path)
            case .imageFiles(let paths): value = paths.map { "@" + display($0) }.joined(separator: ",")
            default: value = argument.value.canonicalText
            }
            return argument.name + "=" + value
        }
        var parts: [String] = []
        if !loadOptions.isEmpty { parts.append((["load"] + loadOptions.map(text)).joined(separator: " ")) }
        for step in steps { parts.append(([step.operation] + step.arguments.map(text)).joined(separator: " ")) }
        parts.append(([saver] + saveOptions.map(text)).joined(separator: " "))
        return parts.joined(separator: " | ")
    }

    /// Whether the save options say `strip=true` (the last `strip` given wins, as for the saver): the output
    /// carries no metadata, whatever the saver (README: *Metadata*, under *The recipe language*).
    public var stripsMetadata: Bool {
        saveOptions.last { ArgumentInfo.canonicalName($0.name) == "strip" }?.value == .bool(true)
    }
}

/// What a finished job tells about the image it wrote.
public struct ImageSummary: Sendable, Hashable, Codable {
    public var width: Int
    public var height: Int
    public var bands: Int
    public var bytes: Int
    /// What the source was, for `-v` (`JobRequest.verbose`): nil otherwise, and for user code and aggregates.
    public var source: SourceFacts?
    public init(width: Int, height: Int, bands: Int, bytes: Int, source: SourceFacts? = nil) {
        self.width = width
        self.height = height
        self.bands = bands
        self.bytes = bytes
        self.source = source
    }
}

/// A source image as its header says, and the loader libvips picked for it by its content.
public struct SourceFacts: Sendable, Hashable, Codable {
    public var loader: String
    public var width: Int
    public var height: Int
    public var bands: Int
    public var bytes: Int
    public init(loader: String, width: Int, height: Int, bands: Int, bytes: Int) {
        self.loader = loader
        self.width = width
        self.height = height
        self.bands = bands
        self.bytes = bytes
    }
}

/// A job that failed, with the step that failed and libvips' message.
public struct ImageJobError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The operation that failed (`jpegload`, `thumbnail`, `webpsave`), or "pixel limit".
    public var step: String
    /// The input file involved, when known.
    public var input: String?
    /// libvips' message (trimmed), or ours.
    public var message: String
    public init(step: String, input: String?, message: String) {
        self.step = step
        self.input = input
        self.message = message
    }
    public var description: String {
        "\(step): \(message)"
    }
}
