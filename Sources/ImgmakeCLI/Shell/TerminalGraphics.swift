import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How the terminal can draw images (`TerminalImage` draws each), best first.
enum TerminalGraphics: String, CaseIterable, Sendable {
    /// The kitty graphics protocol (kitty, Ghostty, Konsole and others that answer its query).
    case kitty
    /// iTerm2's inline images (iTerm2, WezTerm).
    case iterm2
    /// DEC sixel (xterm -ti vt340, foot, mlterm, Windows Terminal, WezTerm...).
    case sixel
    /// 24-bit colour half blocks: every terminal imgmake expects.
    case blocks

    /// What the environment alone tells, or nil (then ask the terminal: `query`, `ask`, `fromAnswer`). Inside
    /// tmux (`TMUX`) or GNU screen (`STY`) none of the image protocols reaches the terminal: blocks. iTerm2
    /// (`TERM_PROGRAM=iTerm.app`, or `LC_TERMINAL=iTerm2`, which ssh passes on) and WezTerm (`TERM_PROGRAM=WezTerm`:
    /// its own protocol of choice; its kitty protocol is off by default) draw iTerm2's images; kitty
    /// (`TERM=xterm-kitty` or `KITTY_WINDOW_ID`) and Ghostty (`TERM=xterm-ghostty`, `TERM_PROGRAM=ghostty`)
    /// kitty's.
    static func fromEnvironment(_ environment: [String: String]) -> TerminalGraphics? {
        func has(_ name: String) -> Bool { !(environment[name] ?? "").isEmpty }
        let term = environment["TERM"] ?? ""
        let program = environment["TERM_PROGRAM"] ?? ""
        if has("TMUX") || has("STY") { return .blocks }
        if program == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" { return .iterm2 }
        if program == "WezTerm" { return .iterm2 }
        if term == "xterm-kitty" || has("KITTY_WINDOW_ID") { return .kitty }
        if term == "xterm-ghostty" || program == "ghostty" { return .kitty }
        return nil
    }

    /// The question for the terminal: the kitty graphics protocol's query (a 1×1 RGB image with id 31, checked
    /// but not stored: `a=q`), then the primary device attributes request (DA1, `ESC[c`), which every terminal
    /// answers. Terminals answer in order, so a kitty-protocol terminal's `ESC_Gi=31;OK ESC\` comes before the
    /// DA1 answer, and the DA1 answer ends the wait.
    static let query = "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[c"

    /// What the answer to `query` says: kitty when it holds `ESC_Gi=31;OK ESC\`; else sixel when its DA1
    /// answer (`ESC[?62;4;...c`) has the attribute 4; else blocks (no answer, another answer, garbage).
    static func fromAnswer(_ bytes: [UInt8]) -> TerminalGraphics {
        if kittyAnswered(bytes) { return .kitty }
        if let attributes = deviceAttributes(bytes), attributes.contains(4) { return .sixel }
        return .blocks
    }

    /// Whether `bytes` hold the kitty graphics answer `ESC_G...i=31...;OK ESC\`.
    private static func kittyAnswered(_ bytes: [UInt8]) -> Bool {
        let escape: UInt8 = 0x1B
        var index = 0
        while index + 2 < bytes.count {
            guard bytes[index] == escape, bytes[index + 1] == UInt8(ascii: "_"), bytes[index + 2] == UInt8(ascii: "G") else {
                index += 1
                continue
            }
            var end = index + 3
            while end + 1 < bytes.count && !(bytes[end] == escape && bytes[end + 1] == UInt8(ascii: "\\")) { end += 1 }
            guard end + 1 < bytes.count else { return false }
            let body = String(decoding: bytes[(index + 3)..<end], as: UTF8.self)
            if let separator = body.firstIndex(of: ";") {
                let keys = body[..<separator].split(separator: ",")
                if keys.contains("i=31") && body[body.index(after: separator)...].hasPrefix("OK") { return true }
            }
            index = end + 2
        }
        return false
    }

    /// The parameters of the first DA1 answer in `bytes` (`ESC [ ? P1 ; P2 ... c`), or nil before it is complete.
    static func deviceAttributes(_ bytes: [UInt8]) -> [Int]? {
        var index = 0
        while index + 2 < bytes.count {
            guard bytes[index] == 0x1B, bytes[index + 1] == UInt8(ascii: "["), bytes[index + 2] == UInt8(ascii: "?") else {
                index += 1
                continue
            }
            var end = index + 3
            while end < bytes.count, bytes[end] == UInt8(ascii: ";") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) {
                end += 1
            }
            if end < bytes.count && bytes[end] == UInt8(ascii: "c") {
                let parameters = String(decoding: bytes[(index + 3)..<end], as: UTF8.self)
                return parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
            }
            index += 1
        }
        return nil
    }

    /// The environment's answer, else the terminal's (`ask` on `input` and `output`, at most `timeout`
    /// seconds); blocks when neither is a terminal.
    static func detect(environment: [String: String], input: Int32, output: Int32, timeout: Double = 0.3) -> TerminalGraphics {
        if let known = fromEnvironment(environment) { return known }
        return fromAnswer(ask(input: input, output: output, timeout: timeout))
    }

    /// Asks the terminal `query` and returns the bytes it answered: `input` put in non-canonical mode without
    /// echo, the query written to `output`, `input` read until the DA1 answer is complete or `timeout` seconds
    /// have passed since the call (poll), the terminal's settings restored. Returns [] at once when either
    /// descriptor is not a terminal, or when `input` is the controlling terminal of a background process
    /// (changing its settings would stop the process). An answer that comes after the timeout stays in the
    /// terminal's input, to be read as typed text.
    static func ask(input: Int32, output: Int32, timeout: Double) -> [UInt8] {
        guard isatty(input) == 1, isatty(output) == 1 else { return [] }
        let foreground = tcgetpgrp(input)
        if foreground >= 0 && foreground != getpgrp() { return [] }
        var saved = termios()
        guard tcgetattr(input, &saved) == 0 else { return [] }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &quiet.c_cc) { characters in
            characters[Int(VMIN)] = 0  // read(2) returns what there is: poll(2) waits
            characters[Int(VTIME)] = 0
        }
        guard tcsetattr(input, TCSANOW, &quiet) == 0 else { return [] }
        defer { _ = tcsetattr(input, TCSANOW, &saved) }

        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(timeout, 0) * 1e9)
        /// Milliseconds left until the deadline, rounded up; nil once it has passed.
        func remaining() -> Int32? {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return nil }
            return Int32(clamping: (deadline - now + 999_999) / 1_000_000)
        }
        /// Waits for `events` on `fd` until the deadline: false on a timeout, a hang-up or an error.
        func wait(_ fd: Int32, _ events: Int32) -> Bool {
            while let milliseconds = remaining() {
                var poller = pollfd(fd: fd, events: Int16(events), revents: 0)
                let ready = poll(&poller, 1, milliseconds)
                if ready < 0 && errno == EINTR { continue }
                return ready > 0 && Int32(poller.revents) & events != 0
            }
            return false
        }

        var question = Array(query.utf8)[...]
        while !question.isEmpty {
            guard wait(output, Int32(POLLOUT)) else { return [] }
            let written = question.withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
            if written > 0 {
                question = question.dropFirst(written)
            } else if written < 0 && errno != EINTR && errno != EAGAIN {
                return []
            }
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while deviceAttributes(answer) == nil, wait(input, Int32(POLLIN)) {
            let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count > 0 {
                answer += chunk[..<count]
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                break
            }
        }
        return answer
    }
}
