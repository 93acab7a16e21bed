/// A rule's user code (README's *Your own code*): a `run` command, a `python` function or a `worker` program,
/// expanded for one output. Codable: it crosses the process pool's pipes inside its `ImageJob`.
public struct ProgramStep: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// `run ARG...`: one process per output; argv, never a shell.
        case run
        /// `python FILE:FUNCTION NAME=VALUE...`: a function called in a persistent Python worker.
        case python
        /// `worker CMD ARG... [NAME=VALUE...]`: a persistent worker program that speaks the worker protocol.
        case worker
    }

    public var kind: Kind
    /// `run`: the command (the executable first); `worker`: the worker program's command; `python`: the
    /// interpreter's command (`PYTHON`, `python3` unless the recipe says otherwise).
    public var command: [CommandWord]
    /// `python`: the module file (absolute) and the function in it.
    public var module: String?
    public var function: String?
    /// `python` and `worker`: keyword arguments, in the order written.
    public var arguments: [ProgramArgument]
    /// The directory commands run in and relative paths in the recipe start from (the rule's directory).
    public var directory: String
    /// The step as the recipe wrote it, for messages: `python tools/augment.py:random_crop`.
    public var display: String
    /// The output's extension names an image format: what the code wrote must load as an image.
    public var checksImage: Bool

    public init(
        kind: Kind, command: [CommandWord], module: String? = nil, function: String? = nil,
        arguments: [ProgramArgument] = [], directory: String, display: String, checksImage: Bool
    ) {
        self.kind = kind
        self.command = command
        self.module = module
        self.function = function
        self.arguments = arguments
        self.directory = directory
        self.display = display
        self.checksImage = checksImage
    }

    /// The step's name in messages: `run cwebp`, `python augment.py:random_crop`, `worker tools/w`.
    public var stepName: String {
        switch kind {
        case .run, .worker:
            let program = command.first?.pieces.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined() ?? ""
            return kind.rawValue + " " + (program.split(separator: "/").last.map(String.init) ?? program)
        case .python:
            let file = (module ?? "").split(separator: "/").last.map(String.init) ?? ""
            return "python \(file):\(function ?? "")"
        }
    }
}

/// One word of a command: literal text and the paths filled in when the job runs.
public struct CommandWord: Sendable, Hashable, Codable {
    public enum Piece: Sendable, Hashable, Codable {
        case text(String)
        /// `{in}`: the source (absolute).
        case input
        /// `{out}`: the file to write (a temporary in the output's folder, renamed into place).
        case output
        /// `{inputs}` (a word of its own): one word per source.
        case inputs
    }
    public var pieces: [Piece]
    public init(_ pieces: [Piece]) { self.pieces = pieces }
    public static func text(_ text: String) -> CommandWord { CommandWord([.text(text)]) }

    /// The words of this one for a job: `{inputs}` gives one per source.
    public func expanded(sources: [String], output: String) -> [String] {
        if pieces == [.inputs] { return sources }
        var word = ""
        for piece in pieces {
            switch piece {
            case .text(let text): word += text
            case .input: word += sources.first ?? ""
            case .output: word += output
            case .inputs: word += sources.joined(separator: " ")
            }
        }
        return [word]
    }

    /// A stable text form for fingerprints and `show`: `{in}`, `{out}`, `{inputs}` as written, literal braces doubled.
    public var canonicalText: String {
        pieces.map { piece -> String in
            switch piece {
            case .text(let text): return text.replacing("{", with: "{{").replacing("}", with: "}}")
            case .input: return "{in}"
            case .output: return "{out}"
            case .inputs: return "{inputs}"
            }
        }.joined()
    }
}

/// `NAME=VALUE` of a `python` or `worker` step, typed as JSON.
public struct ProgramArgument: Sendable, Hashable, Codable {
    public var name: String
    public var value: ProgramValue
    public init(name: String, value: ProgramValue) {
        self.name = name
        self.value = value
    }
}

/// A JSON scalar: how a recipe value reaches user code. An unquoted value without placeholders that reads as
/// an integer, a number, `true` or `false` is one; anything else (quoted, with a placeholder, `@FILE`) is a string.
public enum ProgramValue: Sendable, Hashable, Codable {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)

    /// The value of recipe text written without quotes and without placeholders.
    public static func typed(_ text: String) -> ProgramValue {
        if let int = Int(text) { return .int(int) }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let double = Double(text), double.isFinite, text.contains(where: \.isNumber) { return .double(double) }
        return .string(text)
    }

    /// The value as JSON text.
    public var json: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let v): return JSONText.quoted(v)
        }
    }
}

/// Minimal JSON writing for the worker protocol (no Foundation in this target).
public enum JSONText {
    /// `text` as a JSON string, quotes included.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
