/// A line that starts in column 1, other than a variable assignment.
enum TopLevelLine {
    /// `include PATH...`: the paths as written (relative to the including file).
    case include([Located<String>])
    /// `NAME: OUTPUT-PATTERN <- INPUT-GLOB...`
    case rule(name: Located<String>, outputPattern: Located<String>, inputGlobs: [Located<String>])
    /// `NAME: TARGET...`
    case group(name: Located<String>, targets: [Located<String>])
}

/// Parses column-1 lines. Structural errors are thrown (the line is then dropped); errors inside a
/// pattern or glob are added to `errors` and the line is still returned.
enum TopLevelLineParser {
    /// `NAME = value` on a line before expansion: the name and the value's characters (blanks trimmed).
    /// Recognised on the raw line so that the value of an overridden variable is never expanded.
    static func assignment(in line: ArraySlice<Character>) -> (name: String, value: ArraySlice<Character>)? {
        let nameEnd = line.firstIndex { !RecipeNames.isTargetNameCharacter($0) } ?? line.endIndex
        guard nameEnd > line.startIndex,
            let equals = line[nameEnd...].firstIndex(where: { !RecipeNames.isBlank($0) }),
            line[equals] == "="
        else { return nil }
        var value = line[(equals + 1)...]
        while let first = value.first, RecipeNames.isBlank(first) { value = value.dropFirst() }
        while let last = value.last, RecipeNames.isBlank(last) { value = value.dropLast() }
        return (String(line[..<nameEnd]), value)
    }

    /// The line; `checkingPatterns` false leaves a rule's output pattern and input globs unchecked.
    static func parse(
        _ text: LineText, at position: LinePosition, checkingPatterns: Bool = true,
        errors: inout [RecipeError]
    ) throws(RecipeError) -> TopLevelLine {
        var cursor = LineCursor(text, at: position)
        guard let name = cursor.readName(RecipeNames.isTargetNameCharacter) else {
            throw RecipeError("expected a rule or group name, a variable assignment or 'include'", at: cursor.location)
        }
        let nameEnd = cursor.index
        cursor.skipBlanks()
        if cursor.current == ":" {
            if name.value.first == "-" || name.value.first == "." {
                throw RecipeError("a rule or group name must start with a letter, a digit or '_'", at: name.location)
            }
            let colon = cursor.location
            cursor.advance()
            if cursor.current == "=" {
                throw RecipeError("':=' is not supported: write 'NAME = value'", at: colon)
            }
            return try ruleOrGroup(named: name, &cursor, checkingPatterns: checkingPatterns, errors: &errors)
        }
        if name.value == "include", cursor.isAtEnd || cursor.index > nameEnd {
            return try include(&cursor)
        }
        throw RecipeError(
            "expected ':' after rule name '\(name.value)'", at: cursor.location,
            notes: ["a rule is 'NAME: OUTPUT <- INPUTS', a group 'NAME: TARGETS', a variable 'NAME = value'"])
    }

    private static func include(_ cursor: inout LineCursor) throws(RecipeError) -> TopLevelLine {
        var paths: [Located<String>] = []
        while true {
            cursor.skipBlanks()
            if cursor.isAtEnd { break }
            let word = try cursor.readWord()
            guard !word.characters.isEmpty else {
                throw RecipeError("empty file name after 'include'", at: cursor.position.at(word.startColumn))
            }
            paths.append(word.located(in: cursor.position))
        }
        guard !paths.isEmpty else { throw RecipeError("expected a file name after 'include'", at: cursor.location) }
        return .include(paths)
    }

    private static func ruleOrGroup(
        named name: Located<String>, _ cursor: inout LineCursor, checkingPatterns: Bool,
        errors: inout [RecipeError]
    ) throws(RecipeError) -> TopLevelLine {
        var beforeArrow: [LineWord] = []
        var afterArrow: [LineWord] = []
        var arrow: SourceLocation?
        while true {
            cursor.skipBlanks()
            if cursor.isAtEnd { break }
            if cursor.looks(at: "<-") {
                if arrow != nil { throw RecipeError("a rule has only one '<-'", at: cursor.location) }
                arrow = cursor.location
                cursor.advance(by: 2)
                continue
            }
            let word = try cursor.readWord(stoppingAtArrow: true)
            if arrow == nil { beforeArrow.append(word) } else { afterArrow.append(word) }
        }
        let position = cursor.position
        guard let arrow else {
            guard !beforeArrow.isEmpty else {
                throw RecipeError("expected '<-' or targets after '\(name.value):'", at: cursor.location)
            }
            for target in beforeArrow where target.characters.isEmpty {
                throw RecipeError("empty target name", at: position.at(target.startColumn))
            }
            return .group(name: name, targets: beforeArrow.map { $0.located(in: position) })
        }
        guard let output = beforeArrow.first else { throw RecipeError("expected an output pattern before '<-'", at: arrow) }
        guard beforeArrow.count == 1 else {
            throw RecipeError(
                "expected one output pattern before '<-'", at: position.at(beforeArrow[1].startColumn),
                notes: ["quote a pattern that contains spaces"])
        }
        guard !afterArrow.isEmpty else {
            throw RecipeError("expected at least one input glob after '<-'", at: cursor.location)
        }
        if checkingPatterns {
            checkOutputPattern(output, at: position, errors: &errors)
            for glob in afterArrow { checkInputGlob(glob, at: position, errors: &errors) }
        }
        return .rule(
            name: name, outputPattern: output.located(in: position),
            inputGlobs: afterArrow.map { $0.located(in: position) })
    }

    private static func checkOutputPattern(_ word: LineWord, at position: LinePosition, errors: inout [RecipeError]) {
        guard !word.characters.isEmpty else {
            errors.append(RecipeError("empty output pattern", at: position.at(word.startColumn)))
            return
        }
        do {
            _ = try Template(word.text)
        } catch {
            errors.append(RecipeError("output pattern: \(error)", at: position.at(word.column(at: error.offset))))
        }
    }

    private static func checkInputGlob(_ word: LineWord, at position: LinePosition, errors: inout [RecipeError]) {
        do {
            _ = try Glob(word.text)
        } catch {
            errors.append(RecipeError("input glob: \(error)", at: position.at(word.column(at: error.offset))))
        }
    }
}
