import Foundation
import ImgmakeJob

/// A libvips call that failed: the operation (or lookup) and libvips' message.
public struct VipsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The operation nickname (`jpegload`, `thumbnail`), or "load" when no loader recognised a file.
    public var operation: String
    /// libvips' error text, cut to its first two distinct lines, or ours.
    public var message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }

    /// The error of a call that started at `mark` (see `VipsErrorLog`): the first two distinct lines libvips
    /// wrote since. They are the call's own when its user of libvips was alone (see `VipsErrorLog.sharing`).
    static func logged(operation: String, since mark: Int) -> VipsError {
        let own = VipsErrorLog.lines(since: mark).prefix(2)
        return VipsError(
            operation: operation,
            message: own.isEmpty ? "failed (libvips gave no message)" : own.joined(separator: "\n"))
    }
}
