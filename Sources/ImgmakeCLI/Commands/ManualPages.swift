import ArgumentParser
import ArgumentParserToolInfo
import ImgmakeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// imgmake's manual pages in man(7) roff (`imgmake --generate-manual DIR`, committed in man/): `imgmake.1` and one
/// page per public subcommand (`imgmake-build.1` ...; never the hidden `__worker`, nor the parser's `help`).
/// Their NAME, SYNOPSIS, ARGUMENTS, OPTIONS and COMMANDS come from the command tree swift-argument-parser
/// exposes (`ToolInfoV0`, as `BashCompletionScript`'s), so a new option appears in them with no edit; the
/// sections a command definition cannot say (the recipe language, exit status, files, environment, examples)
/// are `ManualText`'s, and the version is `ImgmakeVersion.current`. swift-argument-parser's own
/// `generate-manual` plugin is not used: it documents `__worker` and a generic exit status.
enum ManualPages {
    /// The hidden option that writes the pages: `imgmake --generate-manual DIR` (scripts/generate-manual.sh).
    static let option = "--generate-manual"

    /// One page: its file name (`imgmake-build.1`) and its roff text.
    struct Page: Equatable {
        var fileName: String
        var text: String
    }

    /// The pages of imgmake's own command line.
    static func imgmake() throws -> [Page] {
        let json = ImgmakeCommand._dumpHelp()
        let root = try JSONDecoder().decode(ToolInfoV0.self, from: Data(json.utf8)).command
        return pages(
            for: root, usage: ImgmakeCommand.configuration.usage ?? root.commandName, version: ImgmakeVersion.current, text: .imgmake)
    }

    /// Writes `imgmake()`'s pages into `directory` (made when missing) and returns their paths.
    static func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try imgmake().map { page in
            let path = directory + "/" + page.fileName
            try page.text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    /// The pages of the command tree whose root is `root`, with the hand-written sections `text`: the root's page
    /// (its synopsis `usage`), then one per public subcommand.
    static func pages(for root: CommandInfoV0, usage: String, version: String, text: ManualText) -> [Page] {
        let tool = root.commandName
        let subcommands = publicSubcommands(of: root)
        let defaultCommand = subcommands.first { $0.commandName == root.defaultSubcommand }
        var pages = [
            Page(fileName: tool + ".1", text: rootPage(root, usage: usage, defaultCommand: defaultCommand, version: version, text: text))
        ]
        for command in subcommands {
            pages.append(
                Page(
                    fileName: "\(tool)-\(command.commandName).1",
                    text: subcommandPage(command, tool: tool, version: version, text: text.subcommands[command.commandName])))
        }
        return pages
    }

    /// The subcommands a user runs: shown in help, and not swift-argument-parser's own `help`.
    static func publicSubcommands(of command: CommandInfoV0) -> [CommandInfoV0] {
        (command.subcommands ?? []).filter { $0.shouldDisplay && $0.commandName != "help" }
    }

    /// `imgmake.1`: the synopsis of a build and of each subcommand, the default command's arguments and options
    /// (what `imgmake --help` lists), the subcommands, and the sections of `text`.
    private static func rootPage(
        _ root: CommandInfoV0, usage: String, defaultCommand: CommandInfoV0?, version: String, text: ManualText
    ) -> String {
        let tool = root.commandName
        let subcommands = publicSubcommands(of: root)
        var page = header(title: tool, tool: tool, abstract: root.abstract, version: version)
        page += ".SH SYNOPSIS\n" + synopsisLine(usage)
        for command in subcommands where command.commandName != defaultCommand?.commandName {
            page += ".br\n" + synopsisLine(synopsis(of: command, tool: tool))
        }
        page += section("DESCRIPTION", text.description)
        let arguments =
            (defaultCommand?.arguments ?? [])
            + (root.arguments ?? []).filter { argument in
                !(defaultCommand?.arguments ?? []).contains { $0.preferredName == argument.preferredName }
            }
        page += argumentSections(arguments)
        if !subcommands.isEmpty { page += ".SH COMMANDS\n" }
        for command in subcommands {
            let isDefault = command.commandName == defaultCommand?.commandName
            page += ".TP\n" + "\\fB\(escaped(command.commandName))\\fR" + (isDefault ? " (the default)" : "") + "\n"
            page += escaped(command.abstract ?? "") + " See\n.BR \(escaped(tool))\\-\(escaped(command.commandName)) (1).\n"
        }
        for (title, body) in text.sections { page += section(title, body) }
        page += section("EXIT STATUS", text.exitStatus) + section("ENVIRONMENT", text.environment)
        page += section("FILES", text.files) + section("EXAMPLES", text.examples)
        let pages = subcommands.map { (tool + "-" + $0.commandName, "1") }
        page += seeAlso(pages + text.seeAlso)
        return page
    }

    /// `imgmake-NAME.1`: a subcommand's synopsis, abstract and discussion, arguments and options, and its own
    /// hand-written sections (`text`).
    private static func subcommandPage(_ command: CommandInfoV0, tool: String, version: String, text: ManualText.Subcommand?) -> String {
        let name = tool + "-" + command.commandName
        var page = header(title: name, tool: tool, abstract: command.abstract, version: version)
        page += ".SH SYNOPSIS\n" + synopsisLine(synopsis(of: command, tool: tool))
        page += ".SH DESCRIPTION\n" + paragraph(command.abstract)
        if let discussion = command.discussion, !discussion.isEmpty { page += ".PP\n" + paragraph(discussion) }
        if let description = text?.description { page += ".PP\n" + description }
        page += argumentSections(command.arguments ?? [])
        page += section("EXIT STATUS", text?.exitStatus ?? "") + section("EXAMPLES", text?.examples ?? "")
        page += seeAlso([(tool, "1")] + (text?.seeAlso ?? []))
        return page
    }

    /// `.SH TITLE` and `body`, or nothing when `body` is empty.
    private static func section(_ title: String, _ body: String) -> String {
        body.isEmpty ? "" : ".SH \(title)\n" + body
    }

    /// The title line (`.TH`; no date, so that the pages are the same whenever they are generated) and NAME.
    private static func header(title: String, tool: String, abstract: String?, version: String) -> String {
        var summary = abstract ?? ""
        if summary.hasSuffix(".") { summary.removeLast() }
        if let first = summary.first { summary = first.lowercased() + summary.dropFirst() }
        return """
            .\\" Generated by `\(tool) \(option) DIR` (scripts/generate-manual.sh) from its command definitions: do not edit.
            .TH \(escaped(title.uppercased())) 1 "" "\(escaped(tool)) \(escaped(version))" "\(escaped(tool)) manual"
            .nh
            .ad l
            .SH NAME
            \(escaped(title)) \\- \(escaped(summary))

            """
    }

    /// A synopsis of `command`: `imgmake list [OPTIONS] [NAME=VALUE...]`, as swift-argument-parser's usage
    /// line says it but with the options in one word.
    static func synopsis(of command: CommandInfoV0, tool: String) -> String {
        let arguments = (command.arguments ?? []).filter(\.shouldDisplay)
        var words = [tool, command.commandName]
        if arguments.contains(where: { $0.kind != .positional }) { words.append("[OPTIONS]") }
        for argument in arguments where argument.kind == .positional {
            let name = (argument.valueName ?? "ARGUMENT") + (argument.isRepeating ? "..." : "")
            words.append(argument.isOptional ? "[\(name)]" : name)
        }
        return words.joined(separator: " ")
    }

    /// A synopsis as a roff line: the command in bold, the words in capitals (placeholders) in italics.
    static func synopsisLine(_ synopsis: String) -> String {
        var words = synopsis.split(separator: " ").map(String.init)
        var line = ".B " + escaped(words.removeFirst())
        while let first = words.first, first.allSatisfy({ $0.isLowercase || $0 == "-" || $0 == "_" }) {
            line += "\\ " + escaped(first)
            words.removeFirst()
        }
        line += "\n"
        guard !words.isEmpty else { return line }
        var rest = ""
        var placeholder = ""
        for character in words.joined(separator: " ") + " " {
            if character.isUppercase && character.isASCII || !placeholder.isEmpty && (character == "_" || character.isNumber) {
                placeholder.append(character)
                continue
            }
            if !placeholder.isEmpty {
                rest += "\\fI\(placeholder)\\fR"
                placeholder = ""
            }
            rest += inlineEscaped(String(character)[...])
        }
        while rest.hasSuffix(" ") { rest.removeLast() }
        return line + protectingLineStarts(rest) + "\n"
    }

    /// ARGUMENTS (the positional ones) and OPTIONS (flags and options, in the parser's order), each with its help,
    /// possible values and default.
    private static func argumentSections(_ arguments: [ArgumentInfoV0]) -> String {
        let shown = arguments.filter(\.shouldDisplay)
        var text = ""
        let positionals = shown.filter { $0.kind == .positional }
        if !positionals.isEmpty {
            text += ".SH ARGUMENTS\n"
            for argument in positionals {
                let name = "\\fI\(escaped(argument.valueName ?? "ARGUMENT"))\\fR" + (argument.isRepeating ? "..." : "")
                text += ".TP\n" + name + "\n" + help(argument)
            }
        }
        let named = shown.filter { $0.kind != .positional && !($0.names ?? []).isEmpty }
        if !named.isEmpty {
            text += ".SH OPTIONS\n"
            for argument in named { text += ".TP\n" + optionTerm(argument) + "\n" + help(argument) }
        }
        return text
    }

    /// `\fB\-j\fR, \fB\-\-jobs\fR \fIN\fR`: every name of an option, then its value (its possible values
    /// when it has a list of them).
    private static func optionTerm(_ argument: ArgumentInfoV0) -> String {
        let names = (argument.names ?? []).map { "\\fB\(escaped($0.commonCompletionSynopsis))\\fR" }.joined(separator: ", ")
        guard argument.kind == .option else { return names }
        if let values = argument.allValues, !values.isEmpty {
            return names + " " + values.map { "\\fB\(escaped($0))\\fR" }.joined(separator: "|")
        }
        return names + " \\fI\(escaped(argument.valueName ?? "VALUE"))\\fR"
    }

    /// Options whose parser default depends on the machine that prints it, which the manual does not say (its
    /// help says what the default is): `--pool`'s is `process` under a memory limit (`PoolKind.default`).
    static let machineDependentDefaults: Set<String> = ["pool"]

    /// An argument's help (abstract and discussion) as a paragraph, with its default when the help does not
    /// say one and it is the same on every machine.
    private static func help(_ argument: ArgumentInfoV0) -> String {
        var text = argument.abstract ?? ""
        if let discussion = argument.discussion, !discussion.isEmpty { text += " " + discussion }
        if let value = argument.defaultValue, !value.isEmpty, argument.kind == .option, !text.contains("default"),
            !machineDependentDefaults.contains(argument.preferredName?.name ?? "")
        {
            let period = text.hasSuffix(".") ? "." : ""
            text.removeLast(period.count)
            // `(0: no limit)` becomes `(0: no limit; default: ...)`, not two parentheses in a row.
            let inParentheses = text.hasSuffix(")")
            if inParentheses { text.removeLast() }
            text += (inParentheses ? "; " : " (") + "default: `\(value)`)" + period
        }
        return paragraph(text)
    }

    /// SEE ALSO: the pages as `.BR NAME (SECTION)` lines, separated by commas.
    private static func seeAlso(_ pages: [(name: String, section: String)]) -> String {
        ".SH SEE ALSO\n"
            + pages.enumerated().map { index, page in
                ".BR \(escaped(page.name)) (\(page.section))" + (index < pages.count - 1 ? "," : "") + "\n"
            }.joined()
    }

    /// Plain text (a help string) as roff lines: escaped, and each `code` span in bold.
    static func paragraph(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "" }
        var result = ""
        var inCode = false
        for piece in text.split(separator: "`", omittingEmptySubsequences: false) {
            result += inCode ? "\\fB\(inlineEscaped(piece))\\fR" : inlineEscaped(piece)
            inCode.toggle()
        }
        return protectingLineStarts(result) + "\n"
    }

    /// `text` with roff's special characters escaped: a backslash is `\e`, a hyphen-minus `\-` (so options read
    /// and copy as typed), a non-ASCII character `\[uXXXX]`, and a line that starts with `.` or `'` (a request)
    /// begins with `\&`.
    static func escaped(_ text: String) -> String {
        protectingLineStarts(inlineEscaped(text[...]))
    }

    /// `text` with `\&` before each line that starts with `.` or `'`, which roff would take for a request.
    private static func protectingLineStarts(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : String($0) }
            .joined(separator: "\n")
    }

    /// `text` with a backslash, a hyphen-minus and each non-ASCII character escaped (line breaks stay).
    private static func inlineEscaped(_ text: Substring) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\e"
            case "-": result += "\\-"
            case _ where !scalar.isASCII:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
