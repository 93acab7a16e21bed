import Foundation

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

    /// The error of a call that started at `mark` (see `VipsErrorLog`): the lines libvips wrote since.
    /// Lines that name a file path (as their heading, or in quotes) come first when the path is in `files`
    /// (the files of the call's job), and are left out when it is not: they come from calls on other threads.
    static func logged(operation: String, since mark: Int, files: [String] = []) -> VipsError {
        let lines = VipsErrorLog.lines(since: mark)
        var named: [String] = [], unnamed: [String] = []
        for line in lines {
            let paths = namedPaths(line)
            if paths.isEmpty {
                unnamed.append(line)
            } else if paths.contains(where: { path in files.contains { $0.hasPrefix(path) } }) {
                named.append(line)
            }
        }
        let own = (named + unnamed).prefix(2)
        return VipsError(operation: operation,
                         message: own.isEmpty ? "failed (libvips gave no message)" : own.joined(separator: "\n"))
    }

    /// The file paths an error line names: its heading (`/a/b.heic: bad seek`) and quoted text
    /// (`VipsForeignLoad: "/a/b.jpg" is not a known file format`) that contain a `/`.
    private static func namedPaths(_ line: String) -> [String] {
        var paths: [String] = []
        if let colon = line.range(of: ": "), line[..<colon.lowerBound].contains("/") {
            paths.append(String(line[..<colon.lowerBound]))
        }
        let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
        for index in stride(from: 1, to: quoted.count - 1, by: 2) where quoted[index].contains("/") {
            paths.append(String(quoted[index]))
        }
        return paths
    }
}
