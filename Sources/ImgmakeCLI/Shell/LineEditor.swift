// readline's interface is C global variables (rl_line_buffer, history_length ...), which Swift 6 takes for
// shared mutable state: they are used only on the thread that runs the prompt loop, as readline requires.
@preconcurrency import CReadline
import Foundation
import ImgmakeCore
import ImgmakeSync

/// The GNU readline binding: a prompt read through readline's callback interface, so that the loop can wait
/// on the terminal and on the Ctrl-C pipe at once (readline installs no signal handlers of its own);
/// completion through `rl_attempted_completion_function`; history kept in a file.
final class LineEditor {
    enum Input {
        case line(String)
        case endOfInput
    }

    /// Given the line up to the cursor, the candidates for the word at the cursor (see `ShellCompleter`).
    // Unchecked Sendable: the shell's completer uses the `Shell`, which is not Sendable; it is set and called on the
    // thread that runs the prompt loop (readline calls back only from `rl_callback_read_char` there).
    struct Completer: @unchecked Sendable {
        let candidates: (String) -> [String]
    }

    /// What readline's callbacks share with the editor. They are C functions without context, hence
    /// process-wide state: all of it here, behind this one lock (they run on the prompt's thread, so the lock
    /// is never contended; it makes the sharing explicit).
    private struct Callbacks {
        var completer: Completer?
        /// The candidates of the completion in progress, and the next one to hand to readline.
        var matches: [String] = []
        var matchIndex = 0
        /// The line readline finished (or the end of input), for `read()`.
        var finishedLine: Input?
    }
    private static let callbacks = Mutex(Callbacks())

    /// Sets what Tab completes with (see `Completer`).
    static func setCompleter(_ candidates: @escaping (String) -> [String]) {
        callbacks.withLock { $0.completer = Completer(candidates: candidates) }
    }

    private static var finishedLine: Input? {
        get { callbacks.withLock { $0.finishedLine } }
        set { callbacks.withLock { $0.finishedLine = newValue } }
    }

    private let prompt: String
    private let interrupts: ShellInterrupts
    private let historyFile: String?
    private let historyLimit: Int32 = 1000

    init(prompt: String, interrupts: ShellInterrupts, historyFile: String?) {
        self.prompt = prompt
        self.interrupts = interrupts
        self.historyFile = historyFile
        rl_readline_name = UnsafePointer(strdup("imgmake"))
        rl_catch_signals = 0
        rl_catch_sigwinch = 1
        // Words end at blanks and `;`, as ShellLexer splits them; quotes group words with spaces.
        rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n;"))
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n;"))
        rl_completer_quote_characters = UnsafePointer(strdup("\"'"))
        rl_filename_quote_characters = UnsafePointer(strdup(" \t\n\\\"'@<>=;|&()#$`?*[!:{"))
        rl_char_is_quoted_p = LineEditor.isQuoted
        rl_attempted_completion_function = LineEditor.complete
        // Candidates carry their own `/` (outputs' folders may not exist yet): readline must not add another.
        rl_initialize()
        rl_variable_bind("mark-directories", "off")
        using_history()
        stifle_history(historyLimit)
        if let historyFile { _ = read_history(historyFile) }
    }

    /// Shows the prompt and reads one line. Ctrl-C clears the line and shows a fresh prompt; Ctrl-D on an
    /// empty line is the end of input.
    func read() -> Input { read(prompt: prompt) }

    /// Reads one line after `prompt` (a question a command asks: `add`'s output pattern).
    func read(prompt: String) -> Input {
        interrupts.drain()
        LineEditor.finishedLine = nil
        using_history()
        rl_callback_handler_install(prompt, LineEditor.lineHandler)
        while LineEditor.finishedLine == nil {
            var fds = [
                pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                pollfd(fd: interrupts.fileDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents != 0 && interrupts.drain() {
                if InterruptHandler.shared.termination != nil {
                    // SIGTERM, SIGHUP: leave readline's terminal settings as they were, then end.
                    rl_callback_handler_remove()
                    fputs("\n", imgmake_stdout())
                    fflush(imgmake_stdout())
                    return .endOfInput
                }
                abandonLine()
                continue
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                rl_callback_read_char()
            }
        }
        let input = LineEditor.finishedLine ?? .endOfInput
        LineEditor.finishedLine = nil
        return input
    }

    /// Ctrl-C at the prompt: `^C`, a new line, and a fresh, empty prompt (the typed text is dropped).
    private func abandonLine() {
        rl_free_line_state()
        rl_callback_sigcleanup()
        rl_echo_signal_char(SIGINT)
        rl_callback_handler_remove()
        fputs("\n", imgmake_stdout())
        fflush(imgmake_stdout())
        using_history()
        rl_callback_handler_install(prompt, LineEditor.lineHandler)
    }

    /// Adds a line to the history (not blank lines, not a repeat of the last one) and appends it to the file.
    func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        if history_length > 0, let last = history_get(history_base + history_length - 1), let text = last.pointee.line,
            String(cString: text) == line
        {
            return
        }
        add_history(line)
        guard let historyFile else { return }
        let directory = (historyFile as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        if !FileManager.default.fileExists(atPath: historyFile) {
            _ = write_history(historyFile)
        } else {
            _ = append_history(1, historyFile)
            _ = history_truncate_file(historyFile, historyLimit)
        }
    }

    /// The history, oldest first.
    static var entries: [String] {
        (0..<Int(history_length)).compactMap { i in
            history_get(history_base + Int32(i))?.pointee.line.map { String(cString: $0) }
        }
    }

    // MARK: readline callbacks (C functions)

    private static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
        if let line {
            finishedLine = .line(String(cString: line))
            free(line)
        } else {
            fputs("\n", imgmake_stdout())
            finishedLine = .endOfInput
        }
        rl_callback_handler_remove()
    }

    private static let isQuoted: @convention(c) (UnsafeMutablePointer<CChar>?, Int32) -> Int32 = { text, index in
        guard let text, index > 0 else { return 0 }
        var backslashes = 0
        var i = Int(index) - 1
        while i >= 0 && text[i] == 0x5C {
            backslashes += 1
            i -= 1
        }
        return backslashes % 2 == 1 ? 1 : 0
    }

    private static let complete:
        @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, end in
            rl_attempted_completion_over = 1
            guard let buffer = rl_line_buffer, let text else { return nil }
            let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(max(0, end)))
            let prefix = String(decoding: bytes, as: UTF8.self)
            let completer = callbacks.withLock { $0.completer }
            let matches = completer?.candidates(prefix) ?? []
            callbacks.withLock { state in
                state.matches = matches
                state.matchIndex = 0
            }
            guard !matches.isEmpty else { return nil }
            // Paths: readline quotes names with blanks, and lists only the last part of each path.
            // An argument (`crop=attention`) is not a file name: readline would quote its `=`.
            rl_filename_completion_desired = matches.contains { $0.contains("=") } ? 0 : 1
            if matches.count == 1 && (matches[0].hasSuffix("/") || matches[0].hasSuffix("=")) { rl_completion_suppress_append = 1 }
            return rl_completion_matches(text, generator)
        }

    private static let generator: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
        let match = callbacks.withLock { callbacks -> String? in
            if state == 0 { callbacks.matchIndex = 0 }
            guard callbacks.matchIndex < callbacks.matches.count else { return nil }
            defer { callbacks.matchIndex += 1 }
            return callbacks.matches[callbacks.matchIndex]
        }
        return match.map { strdup($0) }
    }
}
