import ArgumentParser

/// `imgmake --help`, `imgmake -h` and `imgmake help`: the top-level help make and ninja users expect of a build
/// tool, with the usage of a build, every build option, then the subcommands. swift-argument-parser's help of
/// the root command lists only `--version` and `--help` (the build options belong to its default subcommand,
/// `build`), so this help is put together from two of the parser's own screens, both rendered from the command
/// definitions: the root's (its overview, `ImgmakeCommand`'s usage line, its subcommands without the hidden
/// `__worker`) with its OPTIONS section replaced by the ARGUMENTS and OPTIONS sections of `imgmake build --help`.
/// Every other help screen (`imgmake build --help`, `imgmake help list`, `imgmake list -h`) is the parser's.
enum TopLevelHelp {
    /// The argument lists that ask for the top-level help (`ImgmakeMain` answers them before parsing).
    static let requests: Set<[String]> = [["--help"], ["-h"], ["help"]]

    /// The help text, wrapped at `columns` (nil: the terminal's width, as the parser's help screens).
    static func text(columns: Int? = nil) -> String {
        let build = sections(of: ImgmakeCommand.helpMessage(for: BuildCommand.self, columns: columns))
            .filter { $0.title == "ARGUMENTS" || $0.title == "OPTIONS" }
        return sections(of: ImgmakeCommand.helpMessage(columns: columns))
            .flatMap { $0.title == "OPTIONS" ? build : [$0] }
            .map(\.text).joined(separator: "\n\n") + "\n"
    }

    /// One section of a help screen: its title (`USAGE`, `OPTIONS`; empty for text before the first one) and its
    /// lines, without the blank lines that end it.
    struct Section {
        var title: String
        var text: String
    }

    /// The sections of a help screen: each starts at a line that begins with its title, capital letters and
    /// spaces followed by a colon (`OVERVIEW: ...`, `OPTIONS:`), and runs to the next one. Every other line
    /// (wrapped text, the options' indented lines, a discussion's sentences) belongs to the section above it.
    static func sections(of help: String) -> [Section] {
        var sections: [Section] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if let title = title(of: line) {
                sections.append(Section(title: title, text: ""))
            } else if sections.isEmpty {
                sections.append(Section(title: "", text: ""))
            }
            let text = sections[sections.count - 1].text
            sections[sections.count - 1].text = text.isEmpty ? String(line) : text + "\n" + line
        }
        return sections.map { section in
            var section = section
            while section.text.hasSuffix("\n") { section.text.removeLast() }
            return section
        }
    }

    /// The title a line starts with (`OPTIONS` of `OPTIONS:`), or nil for any other line.
    private static func title(of line: Substring) -> String? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let title = line[..<colon]
        guard let first = title.first, first.isUppercase, title.allSatisfy({ $0 == " " || ($0.isUppercase && $0.isASCII) }) else {
            return nil
        }
        return String(title)
    }
}
