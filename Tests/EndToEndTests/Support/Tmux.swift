import Foundation

/// One tmux server of its own (a private socket) running one program in a 120×40 pane: the shell's tests
/// through a pseudo-terminal.
final class Tmux {
    static var available: Bool { which("tmux") != nil }

    let socket = "imgmake-test-" + UUID().uuidString.prefix(8)
    private let tmux: String

    /// Starts `command` (words, quoted for the pane's shell) in `directory`; when it ends the pane prints
    /// `EXITED <status>` and stays.
    init(_ command: [String], in directory: String) throws {
        tmux = try findOnPath("tmux")
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // The pane's own sh shares the terminal's process group: it must survive the Ctrl-Cs sent to the shell.
        let script = "trap : INT; INPUTRC=/dev/null TERM=xterm \(quoted); echo EXITED $?; sleep 600"
        try tmuxCommand(["new-session", "-d", "-x", "120", "-y", "40", "-c", directory, "sh", "-c", script])
    }

    deinit { _ = try? tmuxCommand(["kill-server"]) }

    @discardableResult
    private func tmuxCommand(_ arguments: [String]) throws -> String {
        try runProgram(tmux, ["-L", socket, "-f", "/dev/null"] + arguments, in: "/", timeout: 20).stdout
    }

    /// Types text literally.
    func type(_ text: String) throws { try tmuxCommand(["send-keys", "-l", text]) }

    /// Types a line and presses Enter.
    func enter(_ line: String) throws {
        try type(line)
        try press("Enter")
    }

    /// Sends keys by name: `Tab`, `Enter`, `C-c`, `C-d`, `Up`.
    func press(_ keys: String...) throws { try tmuxCommand(["send-keys"] + keys) }

    /// The visible screen, trailing blank lines removed.
    func screen() throws -> String {
        var lines = try tmuxCommand(["capture-pane", "-p"]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// The last non-blank line of the screen.
    func lastLine() throws -> String { try screen().split(separator: "\n").last.map(String.init) ?? "" }

    /// Waits until `condition` holds for the screen and returns the screen; throws (with the screen) when
    /// `timeout` seconds pass first.
    @discardableResult
    func wait(timeout: Double = 20, until condition: (String) -> Bool) throws -> String {
        var text = ""
        try waitUntil("the screen to show what the test waits for", timeout: timeout, seen: { text }) {
            text = try screen()
            return condition(text)
        }
        return text
    }

    /// Waits for a fresh, empty prompt on the last line.
    @discardableResult
    func waitForPrompt(timeout: Double = 20) throws -> String {
        try wait(timeout: timeout) { $0.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) == "imgmake>" } ?? false }
    }
}
