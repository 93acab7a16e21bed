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

    /// What a tmux command printed (`capture-pane -e`: the screen with its escape sequences).
    func tmuxCommandOutput(_ arguments: [String]) throws -> String { try tmuxCommand(arguments) }

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

extension Tmux {
    /// The visible screen with its colours (`capture-pane -e`): each cell's character with the foreground and
    /// background the SGR sequences gave it (nil: the terminal's default), row by row.
    func cells() throws -> [[(character: Character, foreground: [Int]?, background: [Int]?)]] {
        let text = try tmuxCommandOutput(["capture-pane", "-p", "-e"])
        var rows: [[(character: Character, foreground: [Int]?, background: [Int]?)]] = []
        // The colours carry over from one line to the next: tmux writes only their changes.
        var foreground: [Int]?
        var background: [Int]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var row: [(character: Character, foreground: [Int]?, background: [Int]?)] = []
            var characters = Array(line)[...]
            while let character = characters.first {
                characters = characters.dropFirst()
                guard character == "\u{1B}", characters.first == "[" else {
                    row.append((character, foreground, background))
                    continue
                }
                characters = characters.dropFirst()
                var parameters = ""
                while let next = characters.first, next.isNumber || next == ";" {
                    parameters.append(next)
                    characters = characters.dropFirst()
                }
                guard characters.first == "m" else { continue }
                characters = characters.dropFirst()
                var codes = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }[...]
                if codes.isEmpty { codes = [0] }
                while let code = codes.first {
                    codes = codes.dropFirst()
                    switch code {
                    case 0:
                        foreground = nil
                        background = nil
                    case 38, 48:
                        if codes.first == 2, codes.count >= 4 {
                            let colour = Array(codes.dropFirst().prefix(3))
                            if code == 38 { foreground = colour } else { background = colour }
                            codes = codes.dropFirst(4)
                        } else if codes.first == 5 {
                            codes = codes.dropFirst(2)
                        }
                    case 39: foreground = nil
                    case 49: background = nil
                    default: break
                    }
                }
            }
            rows.append(row)
        }
        return rows
    }
}
