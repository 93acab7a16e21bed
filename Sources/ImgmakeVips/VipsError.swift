import Foundation

/// A libvips call that failed: the operation (or lookup) and libvips' message.
public struct VipsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The operation nickname (`jpegload`, `thumbnail`), or "load" when no loader recognised a file.
    public var operation: String
    /// libvips' error text, cut to its first distinct lines (see `VipsError.condense`), or ours.
    public var message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    /// An error carrying what libvips just put in its error buffer (which it clears).
    static func fromBuffer(operation: String) -> VipsError {
        let text = condense(VipsRuntime.lastError())
        return VipsError(operation: operation, message: text.isEmpty ? "failed (libvips gave no message)" : text)
    }

    public var description: String { "\(operation): \(message)" }

    /// libvips' buffer holds one line per `vips_error` call, the cause first, then each caller's summary
    /// ("unable to call ...") and often the same line twice. Keeps the first `limit` distinct lines.
    static func condense(_ text: String, limit: Int = 2) -> String {
        var lines: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || lines.contains(trimmed) { continue }
            lines.append(trimmed)
            if lines.count == limit { break }
        }
        return lines.joined(separator: "\n")
    }
}
