import Foundation
import ImgmakeTestSupport
import Testing

/// `completions/`: the committed bash, zsh and fish scripts are what the command line generates now, bash
/// completes targets of the recipe in the current directory, and zsh and fish load theirs.
@Suite struct ShellCompletionScriptTests {
    static let scripts = [("bash", "imgmake.bash"), ("zsh", "_imgmake"), ("fish", "imgmake.fish")]

    static func committed(_ file: String) -> String {
        Imgmake.repository + "/completions/" + file
    }

    @Test(arguments: scripts)
    func committedScriptIsUpToDate(shell: String, file: String) throws {
        let fresh = try runProgram(Imgmake.binary, ["--generate-completion-script", shell], in: NSTemporaryDirectory())
        #expect(fresh.status == 0, "\(fresh)")
        let saved = try String(contentsOfFile: Self.committed(file), encoding: .utf8)
        #expect(saved == fresh.stdout, "completions/\(file) is out of date: run scripts/generate-completions.sh")
    }

    /// Sets COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as bash does on Tab (the cursor in word `word`, default
    /// the last, after `at` of its characters, default all), calls the completion function, and returns COMPREPLY.
    func bashComplete(_ words: [String], word: Int? = nil, at: Int? = nil, in folder: Sandbox) throws -> [String] {
        let result = try bash(tab(words, word: word, at: at) + "\nprintf '%s\\n' \"${COMPREPLY[@]}\"", in: folder)
        #expect(result.status == 0, "\(result)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// The shell commands of one Tab on the line `words` (see `bashComplete`).
    func tab(_ words: [String], word: Int? = nil, at: Int? = nil) -> String {
        let index = word ?? words.count - 1
        let quoted = words.map { "'" + $0 + "'" }.joined(separator: " ")
        let line = words.joined(separator: " ")
        let point = words[..<index].map { $0.count + 1 }.reduce(0, +) + (at ?? words[index].count)
        return """
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(index)
            COMP_LINE='\(line)'; COMP_POINT=\(point)
            _imgmake imgmake "${COMP_WORDS[COMP_CWORD]::\(at ?? words[index].count)}" "${COMP_WORDS[COMP_CWORD-1]}"
            """
    }

    /// Runs `script` in a bash with the committed completion script sourced and the binary on PATH.
    func bash(_ script: String, prelude: String = "", in folder: Sandbox, through wrapper: [String] = []) throws -> RunResult {
        let directory = (Imgmake.binary as NSString).deletingLastPathComponent
        let path = directory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let command = wrapper.isEmpty ? "/bin/bash" : wrapper[0]
        return try runProgram(
            command,
            Array(wrapper.dropFirst()) + (wrapper.isEmpty ? [] : ["/bin/bash"])
                + ["--norc", "-c", prelude + "\nsource \"$1\"\n" + script, "bash", Self.committed("imgmake.bash")],
            in: folder.root, environment: ["PATH": path])
    }

    func completionFolder() throws -> Sandbox {
        let folder = try Sandbox("completion")
        try folder.write("Imgmakefile", CompletionTestRecipe.text)
        try folder.write("photos/a.jpg", "")
        try folder.write("other.imgmake", "")
        return folder
    }

    @Test func bashCompletesTargetsOfTheCurrentRecipe() throws {
        let folder = try completionFolder()
        #expect(try bashComplete(["imgmake", "build", "th"], in: folder).sorted() == ["thumbs", "thumbs_large"])
        #expect(try bashComplete(["imgmake", "build", "ev"], in: folder) == ["everything"])
        #expect(try bashComplete(["imgmake", "explain", "sh"], in: folder) == ["sheet"])
        #expect(try bashComplete(["imgmake", "clean", "thumbs_"], in: folder) == ["thumbs_large"])
        #expect(try bashComplete(["imgmake", "build", "--pool", ""], in: folder) == ["thread", "process"])
        #expect(try bashComplete(["imgmake", "ops", "gaussbl"], in: folder) == ["gaussblur"])
        // At the top level, a subcommand and a target alike (`imgmake sheet` builds).
        #expect(try bashComplete(["imgmake", "sh"], in: folder) == ["shell", "sheet"])
        #expect(try bashComplete(["imgmake", "th"], in: folder).sorted() == ["thumbs", "thumbs_large"])
        // A target after options, and after `--` (where a word starting with - is a target too).
        #expect(try bashComplete(["imgmake", "build", "-j", "2", "-n", "sh"], in: folder) == ["sheet"])
        #expect(try bashComplete(["imgmake", "build", "--", "th"], in: folder).sorted() == ["thumbs", "thumbs_large"])
        #expect(try bashComplete(["imgmake", "build", "--", "-"], in: folder) == [])
        // With no subcommand, a target builds: the words after it are targets too.
        #expect(try bashComplete(["imgmake", "thumbs", "sh"], in: folder) == ["sheet"])
    }

    /// A mistake in a rule's steps does not hide the targets: completion reads only the lines that define names.
    @Test func bashCompletesTargetsOfARecipeWithABrokenStep() throws {
        let folder = try completionFolder()
        try folder.write("broken/Imgmakefile", "thumbs: out/{name}.png <- *.jpg\n    thumbnail width=\nall: thumbs\n")
        #expect(try bashComplete(["imgmake", "build", "-C", "broken", ""], in: folder) == ["thumbs", "all"])
    }

    @Test func bashCompletesAWordInTheMiddleOfTheLine() throws {
        let folder = try completionFolder()
        // The cursor after "th" in "thumbs": the words after it do not count.
        #expect(try bashComplete(["imgmake", "build", "th", "-j", "2"], word: 2, in: folder).sorted() == ["thumbs", "thumbs_large"])
        #expect(
            try bashComplete(["imgmake", "build", "thumbs", "sheet"], word: 2, at: 2, in: folder).sorted() == ["thumbs", "thumbs_large"])
        #expect(try bashComplete(["imgmake", "build", "--che", "-n"], word: 2, in: folder) == ["--check"])
    }

    @Test func bashCompletesOptionValues() throws {
        let folder = try completionFolder()
        #expect(try bashComplete(["imgmake", "build", "-f", ""], in: folder).sorted() == ["Imgmakefile", "other.imgmake", "photos"])
        #expect(try bashComplete(["imgmake", "build", "-f", "oth"], in: folder) == ["other.imgmake"])
        #expect(try bashComplete(["imgmake", "list", "-C", ""], in: folder) == ["photos"])
        #expect(try bashComplete(["imgmake", "clean", "--check", ""], in: folder) == ["mtime", "hash"])
        #expect(try bashComplete(["imgmake", "build", "--check", "h"], in: folder) == ["hash"])
        // Options with no completion offer nothing (not targets, not files).
        #expect(try bashComplete(["imgmake", "build", "-j", ""], in: folder) == [])
        #expect(try bashComplete(["imgmake", "build", "--max-pixels", ""], in: folder) == [])
        // After an option's value, a target again; `--check=` (bash splits the word at "=") still completes values.
        #expect(try bashComplete(["imgmake", "build", "-f", "Imgmakefile", "ev"], in: folder) == ["everything"])
        #expect(try bashComplete(["imgmake", "build", "--check", "=", ""], in: folder) == ["mtime", "hash"])
    }

    @Test func bashOffersEachNonRepeatingFlagAndOptionOnce() throws {
        let folder = try completionFolder()
        let all = try bashComplete(["imgmake", "build", "-"], in: folder)
        #expect(["-n", "--dry-run", "-k", "--pool", "-f", "-C", "--check", "--help"].allSatisfy(all.contains), "\(all)")
        // Used under either name, neither name is offered again; the same for an option.
        for used in [["-n"], ["--dry-run"], ["--pool", "thread"], ["--check=hash"]] {
            let offered = try bashComplete(["imgmake", "build"] + used + ["-"], in: folder)
            let names = used[0].hasPrefix("--pool") ? ["--pool"] : used[0].hasPrefix("--check") ? ["--check"] : ["-n", "--dry-run"]
            #expect(offered.count == all.count - names.count, "\(used): \(offered)")
            #expect(!names.contains(where: offered.contains), "\(used): \(offered)")
        }
        #expect(try bashComplete(["imgmake", "clean", "--orph"], in: folder) == ["--orphans"])
        #expect(try bashComplete(["imgmake", "clean", "--orphans", "--orph"], in: folder) == [])
    }

    @Test func bashCompletesSubcommandsAndHelp() throws {
        let folder = try completionFolder()
        let first = try bashComplete(["imgmake", ""], in: folder)
        for name in ["build", "shell", "list", "explain", "graph", "clean", "ops", "help", "thumbs", "sheet"] {
            #expect(first.contains(name), "\(name) in \(first)")
        }
        // `imgmake -<Tab>`: the build's options, and --help and --version.
        let options = try bashComplete(["imgmake", "-"], in: folder)
        for name in ["-j", "--jobs", "-n", "--dry-run", "-f", "-C", "--check", "--shard", "--question", "--help", "--version"] {
            #expect(options.contains(name), "\(name) in \(options)")
        }
        #expect(!first.contains("worker"), "the hidden worker command is not offered: \(first)")
        #expect(try bashComplete(["imgmake", "he"], in: folder) == ["help"])
        #expect(try bashComplete(["imgmake", "help", "--"], in: folder) == ["--version"])
        #expect(try bashComplete(["imgmake", "li"], in: folder) == ["list"])
        // Once a subcommand is named, its own options: list has no -j.
        #expect(try bashComplete(["imgmake", "list", "-j"], in: folder) == [])
        // ops takes one operation: after it, its flags.
        #expect(try bashComplete(["imgmake", "ops", "gaussblur", ""], in: folder).sorted() == ["--help", "--version", "-h"])
    }

    /// The options the script could change are as they were after a Tab, set or unset, and it works with
    /// `set -u` (an unset variable is an error) and in POSIX mode.
    @Test(arguments: ["", "shopt -s extglob; set -o history; set -o posix; set -u", "shopt -u extglob; set +o history; set -u"])
    func bashLeavesTheShellsOptionsAsTheyWere(prelude: String) throws {
        let folder = try completionFolder()
        let script = """
            before="$(shopt -p; set -o)"
            \(tab(["imgmake", "build", "th"]))
            after="$(shopt -p; set -o)"
            [[ "${before}" == "${after}" ]] || diff <(echo "${before}") <(echo "${after}")
            \(tab(["imgmake", "build", "-f", "oth"]))
            \(tab(["imgmake", "-"]))
            after="$(shopt -p; set -o)"
            [[ "${before}" == "${after}" ]] || diff <(echo "${before}") <(echo "${after}")
            echo "replies: ${COMPREPLY[*]}"
            """
        let result = try bash(script, prelude: prelude, in: folder)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(
            result.stdout.hasPrefix("replies: -f --file -C --directory ") && result.stdout.hasSuffix(" --version -h --help\n"), "\(result)")
    }

    /// One Tab for targets runs one process, imgmake itself: the shell forks once (its command substitution,
    /// which runs imgmake without a second fork) and no more.
    @Test(.enabled(if: which("strace") != nil, "strace is not installed"))
    func bashRunsOneProcessPerTab() throws {
        let folder = try completionFolder()
        let log = folder.root + "/strace.log"
        let script = """
            echo start > /dev/null
            \(tab(["imgmake", "build", "th"]))
            echo end > /dev/null
            echo "replies: ${COMPREPLY[*]}"
            """
        let result = try bash(
            script, in: folder, through: [try #require(which("strace")), "-f", "-o", log, "-e", "trace=process,write"])
        #expect(result.stdout == "replies: thumbs thumbs_large\n", "\(result)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        let start = try #require(lines.firstIndex { $0.contains("write(1, \"start\\n\"") }, "\(lines)")
        let end = try #require(lines.firstIndex { $0.contains("write(1, \"end\\n\"") }, "\(lines)")
        let forks = lines[start..<end].filter { $0.contains("clone(") || $0.contains("clone3(") || $0.contains("fork(") }
        let programs = lines[start..<end].filter { $0.contains("execve(") }
        #expect(forks.count == 1, "\(forks)")
        #expect(programs.count == 1 && programs[0].contains("/imgmake\""), "\(programs)")
    }

    @Test(.enabled(if: which("zsh") != nil, "zsh is not installed"))
    func zshLoadsItsScript() throws {
        let folder = try Sandbox("completion")
        let result = try runProgram(
            "zsh",
            [
                "-f", "-c", "autoload -Uz compinit && compinit -u -D && source \"$1\" && whence -w _imgmake",
                "zsh", Self.committed("_imgmake"),
            ], in: folder.root)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.contains("_imgmake: function"), "\(result)")
    }

    @Test(.enabled(if: which("fish") != nil, "fish is not installed"))
    func fishLoadsItsScript() throws {
        let folder = try Sandbox("completion")
        let result = try runProgram(
            "fish",
            [
                "--no-config", "-c", "source $argv[1]; and complete -c imgmake | count",
                Self.committed("imgmake.fish"),
            ], in: folder.root)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect((Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 10, "\(result)")
    }

    /// Issue 17, point 3, as a user meets it: in bash, zsh and fish under tmux, with the committed script loaded,
    /// Tab completes a target at the top level (`imgmake ev` → `imgmake everything`), an output path one folder
    /// at a time (`imgmake explain build/l` → `build/large/`) and the build's options after `imgmake -`.
    @Test(.enabled(if: Tmux.available), arguments: ["bash", "zsh", "fish"])
    func tabCompletesTargetsOutputsAndOptionsAtTheTopLevel(shell: String) throws {
        guard which(shell) != nil else {
            Issue.record("\(shell) is not installed (scripts/deps.sh --tests installs it)")
            return
        }
        let folder = try completionFolder()
        let bin = (Imgmake.binary as NSString).deletingLastPathComponent
        let setup: String
        let command: [String]
        switch shell {
        case "bash":
            command = ["bash", "--norc", "--noprofile"]
            setup = "PATH=\(bin):$PATH; source \(Self.committed("imgmake.bash")); PS1='ready> '"
        case "zsh":
            command = ["zsh", "-f"]
            setup = "PATH=\(bin):$PATH; autoload -Uz compinit; compinit -u -D; source \(Self.committed("_imgmake")); PS1='ready> '"
        default:
            command = ["fish", "--no-config"]
            setup = "set -x PATH \(bin) $PATH; source \(Self.committed("imgmake.fish")); function fish_prompt; echo 'ready> '; end"
        }
        let pane = try Tmux(command, in: folder.root)
        try pane.enter(setup)
        try pane.enter("clear")
        try pane.wait { $0.hasSuffix("ready>") || $0.hasSuffix("ready> ") }
        func complete(_ line: String, expect: String) throws {
            try pane.type(line)
            try pane.press("Tab")
            let screen = try pane.wait(timeout: 30) { $0.contains(expect) }
            #expect(screen.contains(expect), "\(shell): \(line)<Tab>: \(screen)")
            try pane.press("C-c")
            try pane.wait { $0.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces) == "ready>" }
            try pane.enter("clear")
            try pane.wait { $0.trimmingCharacters(in: .whitespaces) == "ready>" }
        }
        try complete("imgmake ev", expect: "ready> imgmake everything")
        try complete("imgmake explain build/l", expect: "ready> imgmake explain build/large/")
        try complete("imgmake build/l", expect: "ready> imgmake build/large/")
        // After a target, targets (fish offers the subcommands too: its script knows no better).
        try complete("imgmake thumbs sh", expect: shell == "fish" ? "sheet" : "ready> imgmake thumbs sheet")
        try complete("imgmake --load-a", expect: "ready> imgmake --load-average")
    }
}
