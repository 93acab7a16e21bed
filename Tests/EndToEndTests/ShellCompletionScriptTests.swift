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

    /// Sets COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as bash does on Tab, calls the completion function,
    /// and returns COMPREPLY.
    func bashComplete(_ words: [String], in folder: Sandbox) throws -> [String] {
        let quoted = words.map { "'" + $0 + "'" }.joined(separator: " ")
        let line = words.joined(separator: " ")
        let script = """
            source "$1"
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
            COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
            _imgmake imgmake "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let directory = (Imgmake.binary as NSString).deletingLastPathComponent
        let path = directory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try runProgram(
            "/bin/bash", ["--norc", "-c", script, "bash", Self.committed("imgmake.bash")],
            in: folder.root, environment: ["PATH": path])
        #expect(result.status == 0, "\(result)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesTargetsOfTheCurrentRecipe() throws {
        let folder = try Sandbox("completion")
        try folder.write(
            "Imgmakefile", CompletionTestRecipe.text)
        #expect(try bashComplete(["imgmake", "build", "th"], in: folder).sorted() == ["thumbs", "thumbs_large"])
        #expect(try bashComplete(["imgmake", "build", "ev"], in: folder) == ["everything"])
        #expect(try bashComplete(["imgmake", "explain", "sh"], in: folder) == ["sheet"])
        #expect(try bashComplete(["imgmake", "clean", "thumbs_"], in: folder) == ["thumbs_large"])
        #expect(try bashComplete(["imgmake", "build", "--pool", ""], in: folder) == ["thread", "process"])
        #expect(try bashComplete(["imgmake", "ops", "gaussbl"], in: folder) == ["gaussblur"])
        #expect(try bashComplete(["imgmake", "sh"], in: folder) == ["shell"])
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
}
