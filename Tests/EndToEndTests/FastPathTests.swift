import Foundation
import ImgmakeTestSupport
import Testing

/// The binary answers `--version` and the completion scripts' target callbacks before swift-argument-parser
/// (`FastPath`); argument lists the fast path does not take get the same answer from the parser: the same
/// bytes on stdout and stderr, and the same status, in every shell's environment.
@Suite struct StartupFastPathTests {
    private func same(_ fast: RunResult, _ slow: RunResult, _ what: String) {
        #expect(fast.status == 0, "\(what): \(fast)")
        #expect(fast.status == slow.status, "\(what): \(fast)\n\(slow)")
        #expect(fast.stdout == slow.stdout, "\(what): \(fast.stdout.debugDescription) vs \(slow.stdout.debugDescription)")
        #expect(fast.stderr == slow.stderr, "\(what): \(fast)\n\(slow)")
    }

    @Test func versionPrintsTheSameWhereverItIs() throws {
        let box = try Sandbox("fast-version")
        let fast = try box.imgmake("--version")
        #expect(fast.stdout.hasPrefix("imgmake ") && fast.stdout.hasSuffix("\n"), "\(fast)")
        same(fast, try box.imgmake("--version", "--version"), "--version --version")
        same(fast, try box.imgmake("build", "--version"), "build --version")
        same(fast, try box.imgmake("-C", ".", "--version"), "-C . --version")
    }

    @Test(arguments: [nil, "bash", "zsh", "fish"] as [String?])
    func targetCompletionsPrintWhatTheParserPrints(shell: String?) throws {
        let box = try Sandbox("fast-completion")
        try box.write(
            "Imgmakefile", CompletionTestRecipe.text)
        try box.write("sub/web.imgmake", "small: out/{name}.png <- *.jpg\n    thumbnail 8\n")
        try box.write("sub/Imgmakefile", "medium: out/{name}.png <- *.jpg\n    thumbnail 80\nmore: medium\n")
        let lines: [(command: String, words: [String], cursor: Int)] = [
            ("build", ["imgmake", "build", ""], 0),
            ("build", ["imgmake", "build", "th"], 2),
            ("build", ["imgmake", "build", "th"], 1),
            ("build", ["imgmake", "build", "thumbs", "s"], 1),
            ("build", ["imgmake", "build", "-C", "sub", ""], 0),
            ("build", ["imgmake", "-C", "sub", "m"], 1),
            ("explain", ["imgmake", "explain", "-f", "sub/web.imgmake", "s"], 1),
            ("explain", ["imgmake", "explain", "ev"], 2),
            ("clean", ["imgmake", "clean", "-C", "sub", "-f", "web.imgmake", ""], 0),
            ("clean", ["imgmake", "clean", "-C", "missing", ""], 0),
            ("build", ["imgmake", "build", "zzz"], 3),
        ]
        let environment = shell.map { ["SAP_SHELL": $0, "SAP_SHELL_VERSION": "5.2"] } ?? [:]
        for line in lines {
            let tail = [String(line.words.count - 1), String(line.cursor)] + line.words
            // `positional@00` names the same argument to the parser, and is not the fast path's.
            let fast = try box.imgmake(arguments: ["---completion", line.command, "--", "positional@0"] + tail, environment: environment)
            let slow = try box.imgmake(arguments: ["---completion", line.command, "--", "positional@00"] + tail, environment: environment)
            same(fast, slow, "\(shell ?? "no shell"): \(line)")
        }
        let thumbs = try box.imgmake(
            arguments: ["---completion", "build", "--", "positional@0", "2", "2", "imgmake", "build", "th"], environment: environment)
        #expect(
            thumbs.stdout == (shell == "zsh" ? "thumbs\nthumbs_large\n \n" : "thumbs\nthumbs_large\n"),
            "\(thumbs.stdout.debugDescription)")
    }

    /// Completing an output path loads the recipe's graph, and writes nothing: no `.imgmake/` in a tree never built.
    @Test func completingAnOutputPathWritesNothingIntoTheTree() throws {
        let box = try Sandbox("completion-writes-nothing")
        try box.write("Imgmakefile", "thumbs: build/{name}.webp <- photos/*.png\n    thumbnail 16\n")
        try box.image("photos/a.png", width: 32, height: 32, seed: 1)
        let run = try box.imgmake("---completion", "--", "positional@0", "1", "6", "imgmake", "build/")
        #expect(run.status == 0 && run.stdout == "build/a.webp\n", "\(run)")
        #expect(!box.exists(".imgmake"), "a Tab wrote .imgmake/")
    }
}
