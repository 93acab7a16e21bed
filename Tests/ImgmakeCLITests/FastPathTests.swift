import ArgumentParser
import Foundation
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCLI
@testable import ImgmakeCore

/// `FastPath` answers `--version` and the completion callbacks without swift-argument-parser: its answers
/// must be the bytes the parser's own path prints (`ImgmakeMain.exitParsing`: `exit(withError:)` prints the
/// full message and a newline, or nothing when the message is empty).
@Suite struct FastPathTests {
    /// What swift-argument-parser prints on standard output for `arguments`, as `ImgmakeMain` runs it; nil
    /// when it does not exit 0 with a message (a usage error, or a command to run).
    private func parsersAnswer(_ arguments: [String]) -> String? {
        do {
            _ = try ImgmakeCommand.parseAsRoot(ImgmakeCommand.subcommandFirst(arguments))
            return nil
        } catch {
            guard ImgmakeCommand.exitCode(for: error) == .success else { return nil }
            let message = ImgmakeCommand.fullMessage(for: error)
            return message.isEmpty ? "" : message + "\n"
        }
    }

    /// The completion scripts' environment as this test process has it (the parser reads it too).
    private var shell: String? { ProcessInfo.processInfo.environment["SAP_SHELL"] }

    /// `--version` is `VersionReport`'s (it loads libvips), answered before the fast path is asked; its first
    /// line is the parser's version.
    @Test func versionIsNotTheFastPathsButItsFirstLineIsTheParsers() throws {
        #expect(FastPath.answer(["--version"], shell: shell) == nil)
        #expect(parsersAnswer(["--version"]) == "imgmake \(ImgmakeVersion.current)\n")
    }

    /// A recipe folder on the real disk (TargetCompletion reads it with the recipe loader), named by `-C` on
    /// the line, so that the answers do not depend on this process's current directory.
    private func recipeFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "imgmake-fastpath-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        try CompletionTestRecipe.text.write(toFile: folder + "/Imgmakefile", atomically: true, encoding: .utf8)
        try "small: out/{name}.png <- *.jpg\n    thumbnail 8\nsmaller: out/s/{name}.png <- *.jpg\n    thumbnail 4\n"
            .write(toFile: folder + "/sub/other.imgmake", atomically: true, encoding: .utf8)
        return folder
    }

    @Test func targetCompletionsAreTheParsersCompletions() throws {
        let folder = try recipeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines: [(command: String, words: [String], cursor: Int)] = [
            ("build", ["imgmake", "build", "-C", folder, ""], 0),
            ("build", ["imgmake", "build", "-C", folder, "th"], 2),
            ("build", ["imgmake", "build", "-C", folder, "thumbs_"], 3),
            ("build", ["imgmake", "-C", folder, "build", "e"], 1),
            ("explain", ["imgmake", "explain", "-C", folder, "sh"], 2),
            ("clean", ["imgmake", "clean", "-C", folder, "-f", "sub/other.imgmake", "sm"], 2),
            ("clean", ["imgmake", "clean", "-f", folder + "/sub/other.imgmake", ""], 0),
            ("build", ["imgmake", "build", "-C", folder + "/none", ""], 0),
            ("build", ["imgmake", "build", "-C", folder, "nothing"], 7),
        ]
        for line in lines {
            let arguments =
                ["---completion", line.command, "--", "positional@0", String(line.words.count - 1), String(line.cursor)] + line.words
            let fast = try #require(FastPath.answer(arguments, shell: shell), "\(arguments)")
            #expect(fast == parsersAnswer(arguments), "\(arguments)")
        }
        // The answers themselves (what both paths print).
        let thumbs = ["---completion", "build", "--", "positional@0", "4", "2", "imgmake", "build", "-C", folder, "th"]
        #expect(FastPath.completions(thumbs).map { Set($0) } == ["thumbs", "thumbs_large"])
        let zsh = try #require(FastPath.answer(thumbs, shell: "zsh"))
        #expect(zsh.hasSuffix("\n \n"), "zsh's answers end with a line holding one space: \(zsh.debugDescription)")
        let none = ["---completion", "build", "--", "positional@0", "4", "1", "imgmake", "build", "-C", folder, "x"]
        #expect(FastPath.answer(none, shell: "bash") == "", "no completion prints nothing, not an empty line")
    }

    /// Argument lists the parser answers on its own: the fast path leaves them alone.
    @Test(
        arguments: [
            [], ["--version", "--version"], ["build", "--version"], ["--help"], ["-j2"],
            ["---completion", "ops", "--", "positional@0", "2", "0", "imgmake", "ops", ""],
            ["---completion", "build", "--", "positional@00", "2", "0", "imgmake", "build", ""],
            ["---completion", "build", "--", "positional@1", "2", "0", "imgmake", "build", ""],
            ["---completion", "build", "--", "positional@0", "2", "1"],
            ["---completion", "build", "--", "positional@0", "x", "0", "imgmake", "build", ""],
            ["---completion", "build", "--", "positional@0", "2", "-1", "imgmake", "build", ""],
            ["build", "---completion", "build", "--", "positional@0", "2", "0", "imgmake", "build", ""],
        ])
    func otherArgumentListsAreLeftToTheParser(arguments: [String]) {
        #expect(FastPath.answer(arguments, shell: nil) == nil)
    }

    /// With no words after the cursor index, the prefix is empty (cursor 0): the recipe of the current
    /// directory is completed, by both paths alike.
    @Test func aCallbackWithNoWords() throws {
        let arguments = ["---completion", "build", "--", "positional@0", "0", "0"]
        let fast = try #require(FastPath.answer(arguments, shell: shell))
        #expect(fast == parsersAnswer(arguments))
    }

    /// The build the parser makes of `arguments` (nil when they do not parse to a build).
    private func parsersBuild(_ arguments: [String]) -> BuildInvocation? {
        (try? ImgmakeCommand.parseAsRoot(ImgmakeCommand.subcommandFirst(arguments)) as? BuildCommand)?.invocation
    }

    /// The plain builds the fast path makes without the parser are the parser's own, value for value.
    @Test(
        arguments: [
            [], ["build"], ["thumbs"], ["build", "thumbs", "sheet"], ["thumbs", "SIZE=320"], ["-j8"], ["-j", "3"],
            ["build", "-j1"], ["thumbs", "-j", "2", "web", "Q=90"], ["-j8", "-j2"], ["build", "build/a.webp"],
            ["photos dir/x.webp"], ["-j", "007"], ["-C", "/tmp/x", "-q"], ["-Cdir", "-v", "thumbs"], ["-q", "-v"],
            ["-v", "-q"], ["build", "-k", "-n", "-B", "--explain", "--no-wait"], ["--quiet", "--verbose", "--keep-going"],
            ["--dry-run", "--always-make"], ["-f", "web.imgmake", "-C", "site"], ["-fweb.imgmake"], ["-C", "list"],
            ["-C", "a", "-C", "b"], ["-j2", "-C", "dir dir", "x=1", "thumbs"], ["-f", "build"],
        ])
    func plainBuildsAreTheParsersBuilds(arguments: [String]) throws {
        let fast = try #require(FastPath.buildInvocation(arguments), "\(arguments)")
        let parsed = try #require(parsersBuild(arguments), "\(arguments)")
        #expect(fast == parsed, "\(arguments)")
    }

    /// Anything else goes to the parser: another option, `--`, an empty word, a subcommand's name (which may
    /// make it that subcommand), a job count the parser refuses or reads otherwise.
    @Test(
        arguments: [
            ["-kq"], ["-qv"], ["--jobs", "2"], ["-C"], ["-C", "-q"], ["-C="], ["-C=dir"], ["-C", ""], ["-f"], ["-q", "-q"],
            ["-q", "--quiet"], ["--check=hash"], ["--pool", "process"], ["--report", "r.json"], ["--shard", "1/2"],
            ["-C-x"], ["--"], [""], ["thumbs", ""], ["list"], ["-C", "dir", "list"],
            ["thumbs", "clean"], ["help"], ["build", "help"], ["-j0"], ["-j", "0"], ["-j"], ["-j", "x"], ["-j+2"],
            ["-j", "-2"], ["-j2x"], ["-j", "99999999999"], ["--version"], ["build", "--check", "hash"],
        ])
    func otherBuildsAreLeftToTheParser(arguments: [String]) {
        #expect(FastPath.buildInvocation(arguments) == nil, "\(arguments)")
    }
}
