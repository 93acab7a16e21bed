import Foundation
import Testing

/// The interactive shell through a pseudo-terminal (tmux): the prompt, Tab completion, Ctrl-C at the prompt
/// and during a build, Ctrl-D, history across restarts, a recipe edited between commands.
@Suite(.enabled(if: Tmux.available, "tmux is not installed"), .serialized)
struct ShellTerminalTests {
    static let recipe = ShellProject.recipe

    func folder() throws -> Sandbox { try ShellProject.make("shellterminal", photos: ["apple", "banana", "cherry"]) }

    func shell(in folder: Sandbox) throws -> Tmux {
        let tmux = try Tmux([Imgmake.binary, "shell"], in: folder.root)
        let screen = try tmux.waitForPrompt()
        try #require(screen.hasSuffix("imgmake>"), "no prompt:\n\(screen)")
        return tmux
    }

    /// Types `text`, presses Tab, then types `X` (tmux drops trailing blanks, so this shows the space that
    /// completion appends), and returns the prompt line. Ctrl-C clears the line for the next one.
    func complete(_ tmux: Tmux, _ text: String, expecting expected: String) throws -> String {
        try tmux.type(text)
        try tmux.press("Tab")
        try tmux.wait(timeout: 10) { $0.split(separator: "\n").last.map(String.init) == expected.trimmingCharacters(in: .whitespaces) }
        try tmux.type("X")
        try tmux.wait(timeout: 10) { $0.split(separator: "\n").last.map(String.init) == expected + "X" }
        let line = try tmux.lastLine()
        try tmux.press("C-c")
        try tmux.waitForPrompt()
        return String(line.dropLast())
    }

    @Test func tabCompletesInContext() throws {
        let folder = try folder()
        let tmux = try shell(in: folder)
        #expect(try complete(tmux, "bui", expecting: "imgmake> build ") == "imgmake> build ")
        #expect(try complete(tmux, "build thu", expecting: "imgmake> build thumbs ") == "imgmake> build thumbs ")
        #expect(
            try complete(tmux, "explain build/ch", expecting: "imgmake> explain build/cherry.webp ")
                == "imgmake> explain build/cherry.webp ")
        #expect(try complete(tmux, "help gaussbl", expecting: "imgmake> help gaussblur ") == "imgmake> help gaussblur ")
        #expect(
            try complete(tmux, "help thumbnail cr", expecting: "imgmake> help thumbnail crop ")
                == "imgmake> help thumbnail crop ")
        #expect(
            try complete(tmux, "info photos/ba", expecting: "imgmake> info photos/banana.ppm ")
                == "imgmake> info photos/banana.ppm ")
        #expect(try complete(tmux, "build --po", expecting: "imgmake> build --pool ") == "imgmake> build --pool ")
        #expect(
            try complete(tmux, "build --pool pr", expecting: "imgmake> build --pool process ")
                == "imgmake> build --pool process ")
        #expect(try complete(tmux, "set pool t", expecting: "imgmake> set pool thread ") == "imgmake> set pool thread ")
        #expect(try complete(tmux, "set check h", expecting: "imgmake> set check hash ") == "imgmake> set check hash ")

        // Two Tabs list the choices.
        try tmux.type("show ")
        try tmux.press("Tab", "Tab")
        let listing = try tmux.wait(timeout: 10) { $0.contains("sheet") && $0.contains("thumbs") }
        #expect(listing.contains("sheet") && listing.contains("thumbs") && listing.contains("build/"), "\(listing)")
    }

    @Test func commandsAnswerAtThePrompt() throws {
        let folder = try folder()
        let tmux = try shell(in: folder)
        try tmux.enter("build thumbs -j2")
        var screen = try tmux.wait { $0.contains("3 built, 0 failed") }
        #expect(screen.contains("3 built, 0 failed"), "\(screen)")
        try tmux.waitForPrompt()
        try tmux.enter("status; info photos/apple.ppm")
        screen = try tmux.wait { $0.contains("loader:") }
        #expect(screen.contains("thumbs: up to date (3 outputs)"), "\(screen)")
        #expect(screen.contains("width:          96"), "\(screen)")
        try tmux.press("C-d")
        screen = try tmux.wait { $0.contains("EXITED") }
        #expect(screen.contains("EXITED 0"), "Ctrl-D leaves: \(screen)")
    }

    @Test func pythonRulesAreShownBuiltExplainedAndCompleted() throws {
        let folder = try folder()
        try folder.write("tools/copy.py", "import shutil\ndef copy(src, dst, level=1):\n    shutil.copyfile(src, dst)\n    return level\n")
        try folder.write(
            "Imgmakefile",
            (try folder.read("Imgmakefile")) + "\ncopies: build/copies/{name}.ppm <- photos/*.ppm\n    python tools/copy.py:copy level=2\n")
        let tmux = try shell(in: folder)
        try tmux.enter("show copies")
        var screen = try tmux.wait { $0.contains("3 stale") }
        #expect(screen.contains("    python tools/copy.py:copy level=2"), "\(screen)")
        #expect(screen.contains("<- photos/apple.ppm tools/copy.py"), "the Python file is an input: \(screen)")
        try tmux.waitForPrompt()
        try tmux.enter("build copies -j2")
        screen = try tmux.wait { $0.contains("3 built, 0 failed") }
        try tmux.waitForPrompt()
        try tmux.enter("explain copies")
        screen = try tmux.wait { $0.contains("build/copies/cherry.ppm: up to date") }
        try tmux.waitForPrompt()
        try tmux.enter("help python")
        screen = try tmux.wait { $0.contains("python FILE:FUNCTION NAME=VALUE") }
        #expect(screen.contains("Calls FUNCTION(src, dst, **args)"), "\(screen)")
        try tmux.waitForPrompt()
        #expect(try complete(tmux, "help pyth", expecting: "imgmake> help python ") == "imgmake> help python ")
        #expect(try complete(tmux, "build cop", expecting: "imgmake> build copies ") == "imgmake> build copies ")
    }

    @Test func ctrlCAtThePromptClearsTheLine() throws {
        let folder = try folder()
        let tmux = try shell(in: folder)
        try tmux.type("build thumbs")
        try tmux.wait(timeout: 10) { $0.hasSuffix("imgmake> build thumbs") }  // read by readline, not just queued
        try tmux.press("C-c")
        let screen = try tmux.waitForPrompt()
        #expect(screen.contains("imgmake> build thumbs^C"), "\(screen)")
        try tmux.enter("list")
        let after = try tmux.wait { $0.contains("default target") }
        #expect(after.contains("thumbs    3 outputs, 3 stale"), "the line was cleared, nothing was built: \(after)")
        #expect(!folder.exists("build"))
        try tmux.waitForPrompt()
        try tmux.enter("quit")
        let end = try tmux.wait { $0.contains("EXITED") }
        #expect(end.contains("EXITED 0"), "\(end)")
    }

    @Test func ctrlCDuringABuildCancelsItAndReturnsToThePrompt() throws {
        let folder = try Sandbox("shellctrlc")
        try folder.write(
            "Imgmakefile",
            """
            slow: out/{name}.png <- src/*.ppm
                resize 3
                gaussblur 6

            """)
        for i in 0..<60 { try folder.image("src/img\(i).ppm", width: 480, height: 360, seed: i % 4 + 1) }
        let tmux = try shell(in: folder)
        try tmux.enter("build -j2")
        let started = try tmux.wait(timeout: 60) { $0.contains("[1/60]") || $0.contains("[2/60]") }
        try #require(started.contains("/60]"), "the build did not start: \(started)")
        try tmux.press("C-c")
        let screen = try tmux.waitForPrompt(timeout: 120)
        #expect(screen.contains("interrupted"), "\(screen)")
        #expect(screen.hasSuffix("imgmake>") || screen.hasSuffix("imgmake> "), "back at the prompt: \(screen)")
        #expect(folder.temporaries().isEmpty, "temporaries left: \(folder.temporaries())")
        let outputs = folder.files(under: "out")
        #expect(outputs.count < 60, "the build was not cancelled")
        for output in outputs {
            let data = try folder.data(output)
            #expect(data.suffix(8).starts(with: Array("IEND".utf8)), "\(output) is not a whole PNG")
        }
        // The shell is still alive and knows what is left.
        try tmux.enter("status")
        let status = try tmux.wait { $0.contains("outputs stale") }
        #expect(status.contains("slow: \(60 - outputs.count) of 60 outputs stale"), "\(status)")
    }

    @Test func historySurvivesARestart() throws {
        let folder = try folder()
        do {
            let tmux = try shell(in: folder)
            try tmux.enter("show sheet")
            try tmux.waitForPrompt()
            try tmux.enter("list")
            try tmux.waitForPrompt()
            try tmux.enter("quit")
            try tmux.wait { $0.contains("EXITED") }
        }
        let history = try folder.read(".imgmake/history")
        #expect(history.contains("show sheet\nlist\nquit"), "\(history)")

        let tmux = try shell(in: folder)
        try tmux.press("Up", "Up")
        #expect(try tmux.wait(timeout: 10) { $0.hasSuffix("imgmake> list") }.hasSuffix("imgmake> list"))
        try tmux.press("Up")
        #expect(try tmux.wait(timeout: 10) { $0.hasSuffix("imgmake> show sheet") }.hasSuffix("imgmake> show sheet"))
        try tmux.press("C-c")
        try tmux.waitForPrompt()
        try tmux.enter("history")
        let listed = try tmux.wait { $0.contains("history\n") && $0.contains("3  quit") }
        #expect(listed.contains("1  show sheet") && listed.contains("2  list") && listed.contains("4  history"), "\(listed)")
    }

    @Test func aShellWithNoRecipeKeepsItsHistoryInMemoryOnly() throws {
        let folder = try Sandbox("shellnorecipe")
        let tmux = try Tmux([Imgmake.binary, "shell"], in: folder.root)
        let start = try tmux.waitForPrompt()
        #expect(start.contains("the history of this session is not saved"), "\(start)")
        try tmux.enter("help list")
        try tmux.waitForPrompt()
        try tmux.enter("history")
        let listed = try tmux.wait { $0.contains("2  history") }
        #expect(listed.contains("1  help list"), "the history is kept for the session: \(listed)")
        try tmux.waitForPrompt()
        try tmux.press("Up", "Up")
        #expect(try tmux.wait(timeout: 10) { $0.hasSuffix("imgmake> help list") }.hasSuffix("imgmake> help list"))
        try tmux.press("C-c")
        try tmux.waitForPrompt()
        try tmux.enter("quit")
        let end = try tmux.wait { $0.contains("EXITED") }
        #expect(end.contains("EXITED 0"), "\(end)")
        #expect(!folder.exists(".imgmake"), "nothing is written to a folder with no recipe: \(folder.files())")
    }

    @Test func anEditedRecipeIsSeenByTheNextCommand() throws {
        let folder = try folder()
        let tmux = try shell(in: folder)
        try tmux.enter("build -j2")
        try tmux.wait { $0.contains("3 built") }
        try tmux.waitForPrompt()

        // As in another pane: change a step of `thumbs`.
        try folder.write("Imgmakefile", Self.recipe.replacingOccurrences(of: "save Q=80", with: "save Q=70"))
        try tmux.press("C-l")
        try tmux.enter("status")
        var screen = try tmux.wait { $0.contains("outputs stale") }
        #expect(screen.contains("Imgmakefile changed: reloaded"), "\(screen)")
        #expect(screen.contains("thumbs: 3 of 3 outputs stale"), "\(screen)")
        #expect(screen.contains("build/apple.webp: its recipe changed"), "\(screen)")
        try tmux.waitForPrompt()
        try tmux.enter("build -j2 thumbs")
        screen = try tmux.wait { $0.contains("3 built, 0 failed, 0 up to date") }
        #expect(screen.contains("3 built, 0 failed, 0 up to date"), "only the changed rule's outputs: \(screen)")
        try tmux.waitForPrompt()

        // Break it: a clear error, and the shell stays up with the last good recipe.
        try folder.write("Imgmakefile", Self.recipe.replacingOccurrences(of: "thumbnail $(SIZE)", with: "thumbnial $(SIZE)"))
        try tmux.press("C-l")
        try tmux.enter("list")
        screen = try tmux.wait { $0.contains("default target") }
        #expect(screen.contains("Imgmakefile:3:5: error: unknown operation 'thumbnial'"), "\(screen)")
        #expect(screen.contains("did you mean 'thumbnail'?"), "\(screen)")
        #expect(screen.contains("thumbs    3 outputs"), "the last good recipe: \(screen)")
        try tmux.waitForPrompt()
        try tmux.enter("help")
        #expect(try tmux.wait { $0.contains("commands:") }.contains("commands:"), "still up")
    }
    @Test func watchRebuildsWhatAChangeMadeStaleUntilCtrlC() throws {
        let folder = try folder()
        let tmux = try shell(in: folder)
        try tmux.enter("watch thumbs -j2")
        var screen = try tmux.wait { $0.contains("3 built") }
        #expect(screen.contains("watching thumbs"), "\(screen)")
        #expect(screen.contains("3 built, 0 failed"), "\(screen)")

        // A photo changes: only its thumbnail is built again.
        try folder.image("photos/banana.ppm", width: 96, height: 64, seed: 99)
        screen = try tmux.wait { $0.contains("1 built, 0 failed, 2 up to date") }
        #expect(screen.contains("change seen: building"), "\(screen)")
        #expect(screen.contains("1 built, 0 failed, 2 up to date"), "\(screen)")

        // A new photo appears.
        try folder.image("photos/date.ppm", width: 96, height: 64, seed: 4)
        screen = try tmux.wait { $0.contains("1 built, 0 failed, 3 up to date") }
        #expect(screen.contains("1 built, 0 failed, 3 up to date"), "\(screen)")
        #expect(folder.exists("build/date.webp"))

        try tmux.press("C-c")
        screen = try tmux.waitForPrompt()
        #expect(screen.contains("stopped watching"), "\(screen)")
        try tmux.enter("status thumbs")
        #expect(try tmux.wait { $0.contains("up to date (4 outputs)") }.contains("thumbs: up to date (4 outputs)"))
    }
}
