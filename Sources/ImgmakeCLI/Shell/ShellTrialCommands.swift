import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeVips

/// The shell as an image REPL (README's *Trying steps on an image*): `try` runs steps (or a rule's steps) on an
/// image with the build's own code, `save` keeps the result, `preview` draws an image in the terminal, `compare`
/// draws two and measures how far apart they are, `add` writes the tried steps into the recipe as a rule.
final class ShellTrials {
    /// What `_` is: the last result, and how to make it again into another file (`save _ out.webp`).
    struct Result {
        var path: String
        var trial: ImageTrial
        /// The image the steps ran on, as typed (relative to the shell's directory) and absolute.
        var image: String
        var imagePath: String
        /// The same steps into another file (its extension picks the saver).
        var redo: (String) throws -> ImageTrial
    }

    private(set) var last: Result?
    /// `set preview on`: `try` draws its result.
    var previews = false
    /// How the terminal draws images, once asked.
    var graphics: TerminalGraphics?
    private var directory: String?
    private var count = 0

    /// A new file for a result, in this shell's own temporary folder (made on first use, removed at exit).
    func newResultPath(extension ext: String) throws -> String {
        if directory == nil {
            var template = Array((NSTemporaryDirectory() + "imgmake-try-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else {
                throw ShellFailure("try: cannot make a temporary folder: \(String(cString: strerror(errno)))")
            }
            directory = String(cString: made)
        }
        count += 1
        return PathName.join(directory ?? "/tmp", "\(count).\(ext)")
    }

    func keep(_ result: Result) { last = result }

    /// Removes the temporary folder (the shell is ending).
    func removeAll() {
        guard let directory else { return }
        try? FileManager.default.removeItem(atPath: directory)
        self.directory = nil
    }

    deinit { removeAll() }
}

/// `try`'s words: where the image is and where each step starts (columns of the typed line, from 1).
struct TrialSyntax: Equatable {
    var image: String
    var steps: [ImageTrial.Step]
    /// `as EXT`: the result's format.
    var format: String?

    static let usage = "usage: try STEP [| STEP]... on IMAGE [as EXT], try IMAGE | STEP [| STEP]..., try RULE on IMAGE"

    /// A word of the typed text, quotes kept (a step is recipe text); `|` is a word of its own.
    struct Word: Equatable {
        var text: String
        var column: Int
        var end: Int
        var quoted: Bool
    }

    /// `raw` is the command's text (from `try`), starting at column `column` of the typed line.
    static func parse(_ raw: String, column: Int) throws -> TrialSyntax {
        var words = Self.words(raw, column: column)
        guard words.first?.text == "try" else { throw ShellUsage(usage) }
        words.removeFirst()
        var format: String?
        if words.count >= 2, words[words.count - 2].text == "as", !words[words.count - 2].quoted {
            format = unquoted(words[words.count - 1].text).trimmingPrefix(".").lowercased()
            words.removeLast(2)
        }
        let imageWord: Word
        var stepWords: [Word]
        if let on = words.lastIndex(where: { $0.text == "on" && !$0.quoted }) {
            guard on + 2 == words.count else {
                throw ShellUsage(on + 1 == words.count ? "try: no image after 'on'; \(usage)" : "try: one image after 'on'; \(usage)")
            }
            imageWord = words[on + 1]
            stepWords = Array(words[..<on])
        } else {
            guard let bar = words.firstIndex(where: { $0.text == "|" }), bar == 1 else { throw ShellUsage(usage) }
            imageWord = words[0]
            stepWords = Array(words[(bar + 1)...])
        }
        var steps: [ImageTrial.Step] = []
        var current: [Word] = []
        func endStep() throws {
            guard let first = current.first, let last = current.last else { throw ShellUsage("try: an empty step; \(usage)") }
            let characters = Array(raw)
            let text = String(characters[(first.column - column)..<(last.end - column)])
            steps.append(ImageTrial.Step(text, column: first.column))
            current = []
        }
        for word in stepWords {
            if word.text == "|" { try endStep() } else { current.append(word) }
        }
        try endStep()
        return TrialSyntax(image: unquoted(imageWord.text), steps: steps, format: format)
    }

    /// Blank-separated words, `"..."` and `'...'` keeping blanks; `|` outside quotes always a word.
    static func words(_ raw: String, column: Int) -> [Word] {
        var words: [Word] = []
        var text = ""
        var start = 0
        var quote: Character?
        var quoted = false
        var position = column
        func end() {
            if !text.isEmpty { words.append(Word(text: text, column: start, end: position, quoted: quoted)) }
            text = ""
            quoted = false
        }
        for character in raw {
            defer { position += 1 }
            if let open = quote {
                text.append(character)
                if character == open { quote = nil }
                continue
            }
            if character.isWhitespace {
                end()
            } else if character == "|" {
                end()
                words.append(Word(text: "|", column: position, end: position + 1, quoted: false))
            } else {
                if text.isEmpty { start = position }
                if character == "\"" || character == "'" {
                    quote = character
                    quoted = true
                }
                text.append(character)
            }
        }
        end()
        return words
    }

    /// A path word as a shell reads it: surrounding quotes removed.
    static func unquoted(_ word: String) -> String {
        if word.count >= 2, let first = word.first, first == "\"" || first == "'", word.last == first {
            return String(word.dropFirst().dropLast())
        }
        return word
    }
}

extension String {
    fileprivate func trimmingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}

extension Shell {
    /// A path typed in the shell, absolute (relative paths are relative to the shell's directory); `_` is the
    /// last result.
    func imagePath(_ word: String, for command: String) throws -> (shown: String, path: String) {
        if word == "_" {
            guard let last = trials.last else { throw ShellUsage("\(command): no result yet: `_` is the last `try`'s result") }
            return ("_", last.path)
        }
        let path = PathName.normalize(PathName.join(cwd, word))
        guard FileManager.default.fileExists(atPath: path) else {
            if let edges = lastGood?.graph.edges(forTarget: word, cwd: cwd), edges.count == 1 {
                throw ShellFailure("\(command): \(word) is not built yet (`build \(word)` makes it)")
            }
            throw ShellFailure("\(command): no file \(word)")
        }
        return (word, path)
    }

    /// The session whose variables and rules `try` uses: the recipe as it is now, else the last good one.
    /// With no recipe file here, none: `try` works in any folder.
    private var trialSession: Session? {
        guard FileManager.default.fileExists(atPath: PathName.join(cwd, options.file)) else { return nil }
        return readableSession()?.0
    }

    func trial(raw: String, column: Int, line: String) throws -> Outcome {
        let syntax = try TrialSyntax.parse(raw, column: column)
        let (shown, imagePath) = try imagePath(syntax.image, for: "try")
        let catalog = sessions.catalog.operations
        let session = trialSession
        if let format = syntax.format, catalog.saverNickname(forPath: "x." + format) == nil {
            throw ShellUsage("try: no saver writes .\(format) files")
        }
        let redo: (String) throws -> ImageTrial
        if syntax.steps.count == 1, let name = syntax.steps.first?.text, let rule = session?.recipe.rule(named: name) {
            let maxPixels = session?.maxPixels ?? OptionDefaults.maxPixels
            redo = { path in
                try ImageTrial.rule(rule, image: imagePath, result: path, catalog: catalog, maxPixels: maxPixels)
            }
            let ext = syntax.format ?? ImageTrial.resultExtension(of: rule, image: imagePath, catalog: catalog)
            return try runTrial(redo: redo, ext: ext, image: shown, imagePath: imagePath, line: line)
        }
        let variables = (session?.recipe.recipe.variables ?? [:]).merging(overrides) { _, new in new }
        let directory = cwd
        redo = { path in
            try ImageTrial.steps(
                syntax.steps, image: imagePath, result: path, variables: variables, directory: directory, catalog: catalog)
        }
        let ext = syntax.format ?? ImageTrial.resultExtension(for: imagePath, catalog: catalog)
        return try runTrial(redo: redo, ext: ext, image: shown, imagePath: imagePath, line: line)
    }

    private func runTrial(
        redo: @escaping (String) throws -> ImageTrial, ext: String, image: String, imagePath: String, line: String
    ) throws -> Outcome {
        let path = try trials.newResultPath(extension: ext)
        let trial: ImageTrial
        do {
            trial = try redo(path)
        } catch let errors as RecipeErrors {
            return reportTrialErrors(errors, line: line)
        }
        let outcome = Self.run(trial.job, writing: path)
        if let output = outcome.output { out(output.hasSuffix("\n") ? output : output + "\n") }
        if let error = outcome.error {
            return report(ShellFailure("try: \(error.step): \(error.message)"))
        }
        trials.keep(ShellTrials.Result(path: path, trial: trial, image: image, imagePath: imagePath, redo: redo))
        out(Self.facts(outcome, saver: trial.job.saver, path: path, notes: trial.notes))
        if let result = outcome.result { out("   returned \(result)\n") }
        if trials.previews { _ = try preview(["_"]) }
        return Outcome()
    }

    /// Runs one job as a build does: libvips steps in this thread (JobRunner), your own code through UserCode
    /// (a worker process for `python` and `worker`, stopped afterwards, so an edited module is read again).
    static func run(_ job: ImageJob, writing path: String) -> JobOutcome {
        let request = JobRequest(id: 0, output: path, job: job)
        guard let program = job.program else { return JobRunner.run(request) }
        let code = UserCode(jobTimeout: nil, maxWorkers: 1)
        defer { code.shutdown() }
        return code.run(request, program)
    }

    /// `_: 200×133, 3 bands, jpeg, 9.8 KiB, 42 ms (/tmp/imgmake-try-x/1.jpg)`: the file's own header (a JPEG
    /// saver flattens an alpha band away), its size on disk, the job's time.
    static func facts(_ outcome: JobOutcome, saver: String, path: String, notes: [String]) -> String {
        var format = saver.hasSuffix("save") ? String(saver.dropLast(4)) : saver
        if format.isEmpty { format = PathName.fileExtension(path) }
        var parts: [String] = []
        if let header = try? ImageLoader.header(of: path) {
            parts.append("\(header.width)×\(header.height)")
            parts.append("\(header.bands) band\(header.bands == 1 ? "" : "s")")
            if header.loader.hasSuffix("load") { format = String(header.loader.dropLast(4)) }
        } else if let summary = outcome.summary {
            parts.append("\(summary.width)×\(summary.height)")
            parts.append("\(summary.bands) band\(summary.bands == 1 ? "" : "s")")
        }
        parts.append(format)
        let bytes = outcome.summary?.bytes ?? Int(RealDisk().stamp(path)?.size ?? 0)
        parts.append(ByteCount.text(bytes))
        parts.append(outcome.seconds < 1 ? "\(Int((outcome.seconds * 1000).rounded())) ms" : String(format: "%.2f s", outcome.seconds))
        return "_: " + parts.joined(separator: ", ") + " (\(path))" + notes.map { "\n   \($0)" }.joined() + "\n"
    }

    /// A mistake in typed steps, as a recipe's is reported, with the typed line and a caret under its column.
    private func reportTrialErrors(_ errors: RecipeErrors, line: String) -> Outcome {
        for error in errors.errors {
            var text = ErrorMessage(RecipeErrors([error])).text
            if let column = error.location?.column, column >= 1, column <= line.count + 1 {
                text += "\n    " + line + "\n    " + String(repeating: " ", count: column - 1) + "^"
            }
            err(text + "\n")
        }
        return Outcome(.usage)
    }

    /// `save _ PATH`: the last result into a file of the user's; another extension runs its steps again with that
    /// format's saver (no second encoding).
    func saveResult(_ args: [String]) throws -> Outcome {
        guard args.count == 2, args[0] == "_" else { throw ShellUsage("usage: save _ PATH (the last `try`'s result into PATH)") }
        guard let last = trials.last else { throw ShellUsage("save: no result yet: `try` makes one") }
        let target = PathName.normalize(PathName.join(cwd, args[1]))
        if PathName.fileExtension(target).lowercased() == PathName.fileExtension(last.path).lowercased() {
            // The disk's own atomic write: the file is the old one or the whole new one, never half of it.
            do {
                let disk = RealDisk()
                try disk.makeDirectories(PathName.directory(of: target))
                try disk.writeAtomically(target, [UInt8](try Data(contentsOf: URL(fileURLWithPath: last.path))))
            } catch {
                return report(ShellFailure("save: cannot write \(args[1]): \(error)"))
            }
        } else {
            if last.trial.job.program == nil, sessions.catalog.operations.saverNickname(forPath: target) == nil {
                throw ShellUsage("save: no saver writes \(args[1])")
            }
            let trial: ImageTrial
            do { trial = try last.redo(target) } catch let errors as RecipeErrors { return reportTrialErrors(errors, line: "") }
            let outcome = Self.run(trial.job, writing: target)
            if let error = outcome.error {
                return report(ShellFailure("save: \(args[1]): \(error.step): \(error.message)"))
            }
        }
        out("saved \(args[1]) (\(ByteCount.text(Int(RealDisk().stamp(target)?.size ?? 0))))\n")
        return Outcome()
    }
}

extension Shell {
    /// `add RULE [OUTPUT-PATTERN <- GLOB...]`: the last tried steps as a new rule at the end of the recipe file
    /// (the rest of the file as it was), which is then loaded again. Without the pattern and globs, the shell
    /// asks for them (interactive), offering `build/RULE/{path}.EXT` and the tried image's folder.
    func add(_ args: [String]) throws -> Outcome {
        guard let name = args.first else { throw ShellUsage("usage: add RULE [OUTPUT-PATTERN <- GLOB...]") }
        guard let last = trials.last else { throw ShellUsage("add: nothing tried yet: `try STEPS on IMAGE` first") }
        guard !last.trial.steps.isEmpty else {
            throw ShellUsage("add: the last `try` ran rule '\(last.trial.rule ?? "")', which is in the recipe already")
        }
        let nameCharacters = name.allSatisfy { $0.isLetter || $0.isNumber || "_-.".contains($0) }
        guard nameCharacters, name.first.map({ $0.isLetter || $0 == "_" }) == true else {
            throw ShellUsage("add: '\(name)' is not a rule name (letters, digits, '_', '-' and '.', starting with a letter)")
        }
        let file = PathName.normalize(PathName.join(cwd, options.file))
        let directory = PathName.directory(of: file)
        let exists = FileManager.default.fileExists(atPath: file)
        if exists, let session = readableSession()?.0, session.recipe.targetNames.contains(name) {
            throw ShellUsage("add: the recipe has a rule or group '\(name)' already")
        }
        let ext = PathName.fileExtension(last.path)
        let imageDirectory = PathName.directory(of: last.imagePath)
        let folder = PathName.relative(imageDirectory, to: directory) ?? imageDirectory
        let defaultOutput = "build/\(name)/{path}.\(ext)"
        let imageExt = PathName.fileExtension(last.imagePath)
        let defaultGlob = (folder.isEmpty || folder == "." ? "" : folder + "/") + "*" + (imageExt.isEmpty ? "" : "." + imageExt)
        var output: String
        var globs: [String]
        if args.count > 1 {
            guard let arrow = args.firstIndex(of: "<-"), arrow == 2, args.count > 3 else {
                throw ShellUsage("usage: add RULE [OUTPUT-PATTERN <- GLOB...]")
            }
            output = args[1]
            globs = Array(args[3...])
        } else if let ask {
            guard let typed = ask("output pattern [\(defaultOutput)]: ") else { return Outcome(.usage) }
            output = typed.trimmingCharacters(in: .whitespaces).isEmpty ? defaultOutput : typed.trimmingCharacters(in: .whitespaces)
            guard let typedGlob = ask("input glob [\(defaultGlob)]: ") else { return Outcome(.usage) }
            let trimmed = typedGlob.trimmingCharacters(in: .whitespaces)
            globs = trimmed.isEmpty ? [defaultGlob] : trimmed.split(separator: " ").map(String.init)
        } else {
            throw ShellUsage("add: say where the outputs go and what they are made from: add \(name) \(defaultOutput) <- \(defaultGlob)")
        }
        let old = exists ? ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "") : ""
        var text = old
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        if !text.isEmpty { text += "\n" }
        text += "# Added in imgmake shell, after trying it on \(PathName.relative(last.imagePath, to: directory) ?? last.imagePath).\n"
        text += "\(name): \(output) <- \(globs.joined(separator: " "))\n"
        for step in last.trial.steps { text += "    \(step)\n" }
        try write(text, to: file)
        guard case .fresh(let session) = load() else {
            if exists { try write(old, to: file) } else { unlink(file) }
            err("add: the new rule does not load (see above); \(options.file) is as it was\n")
            return Outcome(.usage)
        }
        let outputs = session.outputCount(of: name)
        out("added rule \(name) to \(options.file): \(outputs) output\(outputs == 1 ? "" : "s")\n")
        return Outcome()
    }

}

/// `preview` and `compare`: images drawn in the terminal (TerminalImage), the way the terminal can.
extension Shell {
    /// The terminal's window in cells: TIOCGWINSZ on standard output, else COLUMNS and LINES, else 80×24.
    static func windowSize() -> (columns: Int, rows: Int, cellWidth: Int, cellHeight: Int) {
        if let window = TerminalWindow.current() {
            // A terminal that gives no pixel size: cells of 10×20 pixels, a common font's.
            let width = window.cellWidth > 0 ? window.cellWidth : 10
            let height = window.cellHeight > 0 ? window.cellHeight : 20
            return (window.columns, window.rows, width, height)
        }
        let environment = ProcessInfo.processInfo.environment
        return (Int(environment["COLUMNS"] ?? "") ?? 80, Int(environment["LINES"] ?? "") ?? 24, 10, 20)
    }

    /// How this terminal draws images: asked once per shell (`TerminalGraphics.detect`); colour blocks when the
    /// shell is not at a terminal.
    var graphics: TerminalGraphics {
        if let known = trials.graphics { return known }
        let found =
            interactive && isatty(STDOUT_FILENO) == 1
            ? TerminalGraphics.detect(environment: ProcessInfo.processInfo.environment, input: STDIN_FILENO, output: STDOUT_FILENO)
            : .blocks
        trials.graphics = found
        return found
    }

    /// `preview IMAGE|OUTPUT|_`: the image drawn to fit the window (never enlarged), then its size.
    func preview(_ args: [String]) throws -> Outcome {
        guard args.count == 1 else { throw ShellUsage("usage: preview IMAGE|OUTPUT|_") }
        let (shown, path) = try imagePath(args[0], for: "preview")
        let window = Self.windowSize()
        do {
            let size = try ImagePixels.size(of: path)
            let (drawing, grid) = try draw(path, size: size, columns: window.columns, rows: window.rows, window: window)
            out(drawing)
            out(
                "\(shown): \(size.width)×\(size.height)\(grid.width == size.width && grid.height == size.height ? "" : " (drawn at \(grid.width)×\(grid.height))")\n"
            )
        } catch {
            return report(ShellFailure("preview: \(shown): \(error)"))
        }
        return Outcome()
    }

    /// The image at `path` as terminal output within `columns`×`rows` cells, and the pixel size it is drawn at.
    private func draw(
        _ path: String, size: (width: Int, height: Int), columns: Int, rows: Int,
        window: (columns: Int, rows: Int, cellWidth: Int, cellHeight: Int)
    ) throws -> (String, (width: Int, height: Int)) {
        let reserved = 3  // the caption, the prompt, a line of the command
        switch graphics {
        case .blocks:
            let grid = TerminalImage.halfBlockGrid(
                width: size.width, height: size.height, columns: columns, rows: rows, reservedRows: reserved)
            let pixels = try ImagePixels.read(path, width: grid.width, height: grid.height)
            return (TerminalImage.halfBlocks(RGBImage(width: pixels.width, height: pixels.height, pixels: pixels.rgb)), grid)
        case .sixel:
            let cells = TerminalImage.halfBlockGrid(
                width: size.width, height: size.height, columns: columns * window.cellWidth,
                rows: (rows - reserved) * window.cellHeight / 2 + reserved, reservedRows: reserved)
            let pixels = try ImagePixels.read(path, width: cells.width, height: cells.height)
            return (TerminalImage.sixel(RGBImage(width: pixels.width, height: pixels.height, pixels: pixels.rgb)) + "\n", cells)
        case .kitty, .iterm2:
            // The terminal scales a PNG to the cells it is given: one of a sensible pixel size is enough.
            let grid = TerminalImage.halfBlockGrid(
                width: size.width, height: size.height, columns: columns * window.cellWidth,
                rows: (rows - reserved) * window.cellHeight / 2 + reserved, reservedRows: reserved)
            let png = try trials.newResultPath(extension: "preview.png")
            defer { unlink(png) }
            try ImagePixels.writePNG(path, width: grid.width, height: grid.height, to: png)
            let bytes = [UInt8](FileManager.default.contents(atPath: png) ?? Data())
            let cellColumns = max(1, min(columns, (grid.width + window.cellWidth - 1) / window.cellWidth))
            let text =
                graphics == .kitty
                ? TerminalImage.kitty(png: bytes, columns: cellColumns, rows: nil)
                : TerminalImage.iterm2(png: bytes, name: PathName.fileName(path), columns: cellColumns)
            return (text + "\n", grid)
        }
    }

    /// `compare A B`: both drawn side by side (one above the other with graphics protocols), their sizes, and how
    /// far apart their pixels are: PSNR and the largest sample difference, over A's size (B resized to it when the
    /// sizes differ), in 8-bit sRGB.
    func compare(_ args: [String]) throws -> Outcome {
        guard args.count == 2 else { throw ShellUsage("usage: compare A B (images, outputs or _)") }
        let (shownA, pathA) = try imagePath(args[0], for: "compare")
        let (shownB, pathB) = try imagePath(args[1], for: "compare")
        let window = Self.windowSize()
        do {
            let sizeA = try ImagePixels.size(of: pathA)
            let sizeB = try ImagePixels.size(of: pathB)
            if graphics == .blocks {
                let half = max(1, (window.columns - 2) / 2)
                let (drawingA, gridA) = try draw(pathA, size: sizeA, columns: half, rows: window.rows, window: window)
                let (drawingB, _) = try draw(pathB, size: sizeB, columns: half, rows: window.rows, window: window)
                let linesA = drawingA.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
                let linesB = drawingB.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
                var text = ""
                for index in 0..<max(linesA.count, linesB.count) {
                    let left = index < linesA.count ? linesA[index] : String(repeating: " ", count: gridA.width)
                    let right = index < linesB.count ? linesB[index] : ""
                    text += left + String(repeating: " ", count: half - gridA.width + 2) + right + "\n"
                }
                out(text)
            } else {
                out(try draw(pathA, size: sizeA, columns: window.columns / 2, rows: window.rows / 2 + 2, window: window).0)
                out(try draw(pathB, size: sizeB, columns: window.columns / 2, rows: window.rows / 2 + 2, window: window).0)
            }
            let a = try ImagePixels.read(pathA)
            let b = try ImagePixels.read(pathB, width: sizeA.width, height: sizeA.height)
            let (maximum, psnr) = ImagePixels.difference(a, b)
            out("A \(shownA): \(sizeA.width)×\(sizeA.height)   B \(shownB): \(sizeB.width)×\(sizeB.height)\n")
            let over = sizeA == sizeB ? "" : " (B resized to A's size)"
            if let psnr {
                out("PSNR \(String(format: "%.2f", psnr)) dB, largest sample difference \(maximum) of 255\(over)\n")
            } else {
                out("identical pixels (PSNR ∞, largest sample difference 0)\(over)\n")
            }
        } catch {
            return report(ShellFailure("compare: \(error)"))
        }
        return Outcome()
    }
}

extension Shell {
    /// Replaces a recipe file's text in one step (`DiskInterface.writeAtomically`).
    fileprivate func write(_ text: String, to file: String) throws {
        do { try RealDisk().writeAtomically(file, Array(text.utf8)) } catch {
            throw ShellFailure("add: cannot write \(file): \(error)")
        }
    }
}

extension Session {
    /// How many outputs the rule called `name` has.
    fileprivate func outputCount(of name: String) -> Int {
        graph.edges(forTarget: name, cwd: cwd)?.count ?? 0
    }
}
