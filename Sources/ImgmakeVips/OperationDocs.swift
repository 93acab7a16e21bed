import CVips
import Foundation
import ImgmakeJob

/// Text for the command line and the shell: `imgmake ops [FILTER]`, `imgmake ops OPERATION`, `info IMAGE`.
public enum OperationDocs {
    /// One line per operation, `nickname  description`, sorted by nickname. `filter` keeps operations
    /// whose nickname or description contains it (case-insensitive). Empty when nothing matches.
    public static func list(filter: String? = nil) -> String {
        let catalog = VipsCatalog.shared
        let infos = catalog.operationNames.compactMap { catalog.operation(named: $0) }.filter { info in
            guard let filter, !filter.isEmpty else { return true }
            return info.nickname.localizedCaseInsensitiveContains(filter)
                || info.description.localizedCaseInsensitiveContains(filter)
        }
        let width = min(24, infos.map(\.nickname.count).max() ?? 0)
        return infos.map { pad($0.nickname, width) + "  " + $0.description + "\n" }.joined()
    }

    /// What a file operation is: libvips' savers (`jpegsave`) and loaders (`jpegload`) are not steps.
    public enum FileRole: Sendable {
        case saver, loader
    }

    /// Whether an operation is a saver or a loader (a subclass of libvips' VipsForeignSave or VipsForeignLoad);
    /// nil for every other operation.
    public static func fileRole(of nickname: String) -> FileRole? {
        VipsRuntime.start()
        if vips_type_find("VipsForeignSave", nickname) != 0 { return .saver }
        if vips_type_find("VipsForeignLoad", nickname) != 0 { return .loader }
        return nil
    }

    /// One operation's usage, in the manner of `vips thumbnail`: required arguments in order, optional
    /// ones with their type, default and allowed values or range, then outputs. Deprecated arguments are
    /// left out. Nil for an unknown operation. `usage`, when given, says how to use the operation instead of
    /// a step's usage line (for savers and loaders, which are not steps).
    public static func describe(_ nickname: String, usage: String? = nil) -> String? {
        guard let info = VipsCatalog.shared.operation(named: nickname) else { return nil }
        let implied = info.firstImageInput?.name
        let inputs = info.arguments.filter { $0.isInput && !$0.isDeprecated }
        let required = inputs.filter(\.isRequired)
        let optional = inputs.filter { !$0.isRequired }
        let outputs = info.arguments.filter { $0.isOutput && $0.isRequired }
        let bare = required.filter { $0.name != implied }.map(\.name)

        var text = "\(info.nickname) - \(info.description)\(info.isDeprecated ? " (deprecated)" : "")\n"
        if let usage {
            text += "usage:\n" + wrapped(usage, indent: "   ", width: 100)
        } else {
            text += "usage in a step:\n   " + ([info.nickname] + bare + ["[name=value ...]"]).joined(separator: " ") + "\n"
        }
        if usage == nil, let implied = info.firstImageInput {
            text +=
                implied.type == .arrayImage
                ? "   (\(implied.name) is the previous step's image, or an aggregate rule's inputs, then any @files given)\n"
                : "   (\(implied.name) is the previous step's image, or the source)\n"
        }
        if !required.isEmpty {
            text += "where:\n" + required.map(entry).joined()
        }
        if !optional.isEmpty {
            text += "optional arguments:\n" + optional.map(entry).joined()
        }
        if !outputs.isEmpty {
            text += "outputs:\n" + outputs.map(entry).joined()
        }
        return text
    }

    /// A file's header facts and metadata, one per line, without decoding pixels. Throws `VipsError`.
    public static func imageInfo(path: String) throws -> String {
        let image = try ImageLoader.open(path)
        var lines = [
            ("file", path),
            ("width", String(image.width)),
            ("height", String(image.height)),
            ("bands", String(image.bands)),
            ("format", image.format),
            ("interpretation", image.interpretation),
            ("loader", image.loader ?? "unknown"),
            ("pages", String(image.pageCount)),
        ].map { pad($0.0 + ":", 16) + $0.1 }
        let fields = image.fieldNames.filter { !headerFields.contains($0) }.sorted()
        if !fields.isEmpty {
            let width = min(36, fields.map(\.count).max() ?? 0)
            lines.append("metadata:")
            lines += fields.map { "   " + pad($0, width) + "  " + short(image.fieldText($0) ?? "") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fields every image has, shown above the metadata.
    private static let headerFields: Set<String> = [
        "width", "height", "bands", "format", "coding", "interpretation", "xoffset", "yoffset", "xres", "yres",
        "filename", "vips-loader", "n-pages",
    ]

    /// An argument's lines: `name - description, type`, then default and allowed values or range.
    private static func entry(_ argument: ArgumentInfo) -> String {
        let type = argument.isInput ? typeLabel(argument.type) : argument.type.description
        var text = "   \(pad(argument.name, 12)) - \(argument.description), \(type)\n"
        let detail = "\t\t\t"
        if !argument.defaultText.isEmpty, argument.isInput {
            text += detail + "default: \(argument.defaultText)\n"
        }
        switch argument.type {
        case .int(let min, let max):
            text += detail + "min: \(min), max: \(max)\n"
        case .double(let min, let max):
            text += detail + "min: \(ArgumentIntrospection.numberText(min)), max: \(ArgumentIntrospection.numberText(max))\n"
        case .enumeration(_, let nicks):
            text += detail + "allowed: \(nicks.joined(separator: ", "))\n"
        case .flags(_, let nicks):
            text += detail + "allowed: \(nicks.joined(separator: ", ")) (combine with |)\n"
        default:
            break
        }
        return text
    }

    private static func typeLabel(_ type: ArgumentType) -> String {
        switch type {
        case .int: return "integer"
        case .double: return "number"
        case .enumeration(let name, _): return "enum \(name)"
        case .flags(let name, _): return "flags \(name)"
        case .image: return "image (@file)"
        case .arrayImage: return "array of images (@file,@file)"
        case .interpolate: return ValueWords.interpolatorDescription
        default: return type.description
        }
    }

    /// `text` in lines of at most `width` characters (a longer word has a line of its own), each after `indent`.
    private static func wrapped(_ text: String, indent: String, width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, indent.count + line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(line)
        return lines.map { indent + $0 + "\n" }.joined()
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// A metadata value on one line, at most 60 characters.
    private static func short(_ value: String) -> String {
        let line = value.replacingOccurrences(of: "\n", with: " ")
        return line.count > 60 ? String(line.prefix(59)) + "…" : line
    }
}
