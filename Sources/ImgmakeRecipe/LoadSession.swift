/// The state of one `RecipeLoader.load` call: reads files line by line, follows includes in place,
/// keeps variables, and collects rules, groups and errors.
struct LoadSession {
    /// A recipe file being read.
    struct File {
        /// Absolute, normalised.
        var path: String
        var directory: String
        /// As shown in error locations.
        var shown: String
        /// The top recipe file (not an include).
        var isTop: Bool
    }

    /// What the indented lines that follow belong to.
    enum BodyOwner {
        case nothing
        case rule(index: Int)
        case group(name: String)
        /// The line that would own them had an error: skip them quietly.
        case skipped
    }

    let reader: any RecipeFileReader
    let overrides: [String: String]
    /// Only the names of rules and groups are wanted (completion): indented lines are skipped, output patterns
    /// and input globs not checked.
    let namesOnly: Bool
    /// Error locations show files relative to this directory, when set.
    let displayDirectory: String?

    private(set) var variables: [String: String]
    /// Every variable name the files assign or refer to (`$(NAME)`), overridden or not.
    private(set) var variableNames: Set<String> = []
    private(set) var rules: [RuleSyntax] = []
    private(set) var groups: [GroupSyntax] = []
    private(set) var defaultTarget: String?
    /// Every file read, first-read order.
    private(set) var files: [String] = []
    private(set) var errors: [RecipeError] = []

    /// Rule and group names: where each was first defined, and as what.
    private var definitions: [String: (kind: String, location: SourceLocation)] = [:]
    /// The files being read, outermost first, to detect include cycles.
    private var includeStack: [String] = []
    private var bodyOwner = BodyOwner.nothing

    init(reader: any RecipeFileReader, overrides: [String: String], displayDirectory: String?, namesOnly: Bool = false) {
        self.reader = reader
        self.overrides = overrides
        self.namesOnly = namesOnly
        self.displayDirectory = displayDirectory
        self.variables = overrides
    }

    /// Reads `path` (absolute, normalised) and everything it includes. `includeLocation` is where an
    /// include names it (nil for the top file).
    mutating func read(file path: String, includedAt includeLocation: SourceLocation?) {
        let file = File(
            path: path, directory: PathName.directory(of: path), shown: shown(path),
            isTop: includeStack.isEmpty)
        var text: String
        do {
            text = try reader.read(path)
        } catch {
            let what = file.isTop ? "recipe file" : "included file"
            errors.append(RecipeError("cannot read \(what) '\(file.shown)': \(error)", at: includeLocation))
            return
        }
        if text.first == "\u{FEFF}" { text.removeFirst() }
        if !files.contains(path) { files.append(path) }
        includeStack.append(path)
        bodyOwner = .nothing
        for (index, range) in LineText.lineRanges(of: text).enumerated() {
            let line = text[range]
            // An indented line belongs to a rule (its steps): the names are on the other lines.
            if namesOnly, let first = line.first, RecipeNames.isBlank(first) { continue }
            readLine(Array(line), in: file, at: LinePosition(file: file.shown, line: index + 1))
        }
        bodyOwner = .nothing
        includeStack.removeLast()
    }

    private func shown(_ path: String) -> String {
        displayDirectory.map { PathName.displayClimbing(path, from: $0) } ?? path
    }

    private mutating func readLine(_ line: [Character], in file: File, at position: LinePosition) {
        let content = LineText.removingComment(line)
        guard content.contains(where: { !RecipeNames.isBlank($0) }) else { return }
        if let first = content.first, RecipeNames.isBlank(first) {
            readBodyLine(content, at: position)
            return
        }
        bodyOwner = .nothing
        if let (name, value) = TopLevelLineParser.assignment(in: content) {
            variableNames.insert(name)
            guard overrides[name] == nil else {
                variableNames.formUnion(VariableExpansion.referencedNames(in: value))
                return
            }
            variables[name] = String(expand(LineText(value), at: position).text.characters)
            return
        }
        let (text, isComplete) = expand(LineText(content), at: position)
        guard isComplete else {
            bodyOwner = .skipped
            return
        }
        do {
            switch try TopLevelLineParser.parse(text, at: position, checkingPatterns: !namesOnly, errors: &errors) {
            case .include(let paths):
                for path in paths { include(path, from: file) }
            case .rule(let name, let outputPattern, let inputGlobs):
                guard define(name, as: "rule", in: file) else { break }
                rules.append(
                    RuleSyntax(
                        name: name, outputPattern: outputPattern, inputGlobs: inputGlobs,
                        directory: file.directory, matrix: [], steps: []))
                bodyOwner = .rule(index: rules.count - 1)
            case .group(let name, let targets):
                guard define(name, as: "group", in: file) else { break }
                groups.append(GroupSyntax(name: name, targets: targets))
                bodyOwner = .group(name: name.value)
            }
        } catch {
            errors.append(error)
            bodyOwner = .skipped
        }
    }

    private mutating func readBodyLine(_ content: ArraySlice<Character>, at position: LinePosition) {
        guard let firstNonBlank = content.firstIndex(where: { !RecipeNames.isBlank($0) }) else {
            preconditionFailure("readLine passes only lines with a non-blank character")
        }
        let start = position.at(firstNonBlank + 1)
        switch bodyOwner {
        case .skipped:
            return
        case .nothing:
            errors.append(
                RecipeError(
                    "indented line is not part of a rule", at: start,
                    notes: ["only a rule's steps and 'with' lines are indented"]))
            bodyOwner = .skipped
        case .group(let name):
            errors.append(
                RecipeError(
                    "group '\(name)' cannot have steps", at: start,
                    notes: ["a rule needs '<-' and input globs: 'NAME: OUTPUT <- INPUTS'"]))
            bodyOwner = .skipped
        case .rule(let index):
            let (text, isComplete) = expand(LineText(content), at: position)
            guard isComplete else { return }
            do {
                switch try BodyLineParser.parse(text, at: position, errors: &errors) {
                case .axis(let axis): try rules[index].add(axis)
                case .step(let step): rules[index].steps.append(step)
                }
            } catch {
                errors.append(error)
            }
        }
    }

    /// Deeper includes are refused: paths are compared lexically, so a symbolic link to a parent
    /// directory could otherwise hide a cycle.
    private static let maximumIncludeDepth = 50

    private mutating func include(_ path: Located<String>, from file: File) {
        let target = PathName.absolute(path.value, from: file.directory)
        guard includeStack.count < Self.maximumIncludeDepth else {
            errors.append(RecipeError("includes are nested more than \(Self.maximumIncludeDepth) deep", at: path.location))
            return
        }
        if let cycleStart = includeStack.firstIndex(of: target) {
            let chain = (includeStack[cycleStart...] + [target]).map(shown).joined(separator: " -> ")
            errors.append(RecipeError("include cycle: \(chain)", at: path.location))
            return
        }
        read(file: target, includedAt: path.location)
    }

    /// Records a rule or group name; false (after adding an error) when the name is taken.
    private mutating func define(_ name: Located<String>, as kind: String, in file: File) -> Bool {
        if let previous = definitions[name.value] {
            errors.append(
                RecipeError(
                    "'\(name.value)' is already defined as a \(previous.kind) at \(previous.location)",
                    at: name.location))
            bodyOwner = .skipped
            return false
        }
        definitions[name.value] = (kind, name.location)
        if file.isTop, defaultTarget == nil { defaultTarget = name.value }
        return true
    }

    private mutating func expand(_ text: LineText, at position: LinePosition) -> (text: LineText, isComplete: Bool) {
        variableNames.formUnion(VariableExpansion.referencedNames(in: text.characters))
        return VariableExpansion.expand(text, variables: variables, at: position, errors: &errors)
    }
}

extension RuleSyntax {
    /// Adds a `with` axis; throws when its name is built in or already used, or a value repeats.
    mutating func add(_ axis: MatrixAxis) throws(RecipeError) {
        let name = axis.name.value
        if Template.builtinNames.contains(name) {
            throw RecipeError("'\(name)' is a built-in placeholder and cannot be a matrix name", at: axis.name.location)
        }
        if let previous = matrix.first(where: { $0.name.value == name }) {
            throw RecipeError("matrix '\(name)' is already defined at \(previous.name.location)", at: axis.name.location)
        }
        var seen = Set<String>()
        for value in axis.values where !seen.insert(value.value).inserted {
            throw RecipeError("value '\(value.value)' appears twice in matrix '\(name)'", at: value.location)
        }
        matrix.append(axis)
    }
}
