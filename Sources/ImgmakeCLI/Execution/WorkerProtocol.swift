import Foundation
import ImgmakeCore

/// The process pool's wire format: one JSON object per line, each with the protocol version `v`.
///
/// Parent to worker: `{"v":1,"request":{JobRequest}}`. Worker to parent: `{"v":1,"outcome":{JobOutcome}}`,
/// one per request, in order. The worker writes nothing else on that channel; the worker exits when its stdin
/// closes. Bump `version` on any change that an older peer would misread.
struct WorkerMessage: Codable {
    static let version = 1
    var v: Int
    var request: JobRequest?
    var outcome: JobOutcome?

    init(request: JobRequest) {
        v = Self.version
        self.request = request
    }

    init(outcome: JobOutcome) {
        v = Self.version
        self.outcome = outcome
    }

    /// The message as one line, newline included (JSONEncoder never emits a raw newline inside a value).
    func encodedLine() throws -> [UInt8] {
        Array(try JSONEncoder().encode(self)) + [UInt8(ascii: "\n")]
    }

    /// Decodes one line; a message of another protocol version is an error.
    static func decode(_ line: [UInt8]) throws -> WorkerMessage {
        let message = try JSONDecoder().decode(WorkerMessage.self, from: Data(line))
        guard message.v == version else {
            throw WorkerProtocolError(message: "protocol version \(message.v), expected \(version)")
        }
        return message
    }
}

extension WorkerMessage {
    /// The outcome of job `id` in a line a worker wrote, or what is wrong with the line, worded to follow
    /// "worker 2 (pid 1234) ": "sent a line that is not a message: 'garbage…' (expected a JSON job result)".
    static func outcome(of id: Int, in line: [UInt8]) -> Result<JobOutcome, WorkerProtocolError> {
        let message: WorkerMessage
        do {
            message = try JSONDecoder().decode(WorkerMessage.self, from: Data(line))
        } catch {
            return .failure(
                WorkerProtocolError(
                    message:
                        "sent a line that is not a message: \(quoted(line)) (expected a JSON job result)"))
        }
        guard message.v == version else {
            return .failure(
                WorkerProtocolError(
                    message:
                        "speaks protocol version \(message.v), this imgmake \(version) (a worker of another imgmake?)"))
        }
        guard let outcome = message.outcome else {
            return .failure(WorkerProtocolError(message: "sent a message without a job result: \(quoted(line))"))
        }
        guard outcome.id == id else {
            return .failure(WorkerProtocolError(message: "sent the result of job \(outcome.id), expected job \(id)"))
        }
        return .success(outcome)
    }

    /// A line for messages: in quotes, at most 60 characters (then `…`), control characters and bytes that
    /// are not UTF-8 escaped.
    static func quoted(_ line: [UInt8]) -> String {
        let text = String(decoding: line, as: UTF8.self)
        var shown = ""
        for scalar in text.unicodeScalars.prefix(60) {
            if scalar == "\u{FFFD}" || scalar.value < 0x20 || scalar.value == 0x7F {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return "'" + shown + (text.unicodeScalars.count > 60 ? "…" : "") + "'"
    }
}

/// A message that does not follow the protocol.
struct WorkerProtocolError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Reads newline-separated lines from a file descriptor, optionally with a deadline.
struct LineReader {
    enum Result {
        case line([UInt8])
        case endOfFile
        case timedOut
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// The next complete line already read, without its newline, if there is one.
    mutating func takeLine() -> [UInt8]? {
        guard let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        defer { buffer.removeSubrange(...newline) }
        return Array(buffer[..<newline])
    }

    /// Reads once what the descriptor has (call when `poll` says it is readable); false at end of file.
    mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[..<count]
                return true
            }
            if count < 0 && errno == EINTR { continue }
            return false
        }
    }

    /// The next line without its newline; waits until `deadline` (a `DispatchTime` uptime in ns), or forever.
    mutating func next(deadline: UInt64? = nil) -> Result {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return .line(line)
            }
            if let deadline {
                let now = DispatchTime.now().uptimeNanoseconds
                if now >= deadline { return .timedOut }
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(clamping: (deadline - now + 999_999) / 1_000_000)
                let ready = poll(&poller, 1, milliseconds)
                if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer += chunk[..<count]
            } else if count == 0 || errno != EINTR {
                return .endOfFile
            }
        }
    }
}

/// Writes all of `bytes` to `fd`; false when the reader is gone (EPIPE) or another error occurred.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let count = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += count
    }
    return true
}
