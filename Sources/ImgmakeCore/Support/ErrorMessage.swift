import Foundation
import ImgmakeRecipe

/// An error that knows the exit status it ends a command with; `ErrorMessage` prints it as one line,
/// `imgmake: error: DESCRIPTION`.
package protocol StatusError: Error, CustomStringConvertible {
    var status: ExitStatus { get }
}

/// What imgmake says about an error that ends a command, and the status it exits with: the one place that
/// decides both, for the command line (`ImgmakeMain`) and the shell (as swift-argument-parser's
/// `MessageInfo` does for parsing errors). A recipe diagnostic with a location is printed as it is,
/// `FILE:LINE:COLUMN: error: MESSAGE` and its notes; everything else gets the one prefix `imgmake: error: `.
/// swift-argument-parser's own errors (usage mistakes, `--help`) are the command line's, which renders them
/// around this.
package struct ErrorMessage: Hashable, Sendable {
    package static let prefix = "imgmake: error: "

    /// The text to print on stderr, without the final newline (several lines for several recipe errors).
    package var text: String
    package var status: ExitStatus

    package init(text: String, status: ExitStatus) {
        self.text = text
        self.status = status
    }

    /// `imgmake: error: MESSAGE`.
    package init(saying message: String, status: ExitStatus) {
        self.init(text: Self.prefix + message, status: status)
    }

    package init(_ error: any Error) {
        switch error {
        case let error as RecipeErrors:
            self.init(text: error.errors.map(Self.line).joined(separator: "\n"), status: .usage)
        case let error as RecipeError:
            self.init(text: Self.line(error), status: .usage)
        case let error as any StatusError:
            self.init(saying: error.description, status: error.status)
        default:
            self.init(saying: Self.describe(error), status: .failure)
        }
    }

    /// A recipe error: located, as it is; without a location (the recipe file cannot be read), prefixed.
    private static func line(_ error: RecipeError) -> String {
        error.location == nil ? "imgmake: " + error.description : error.description
    }

    /// Any other error in one line: a Foundation file error as its file and the system's message (never
    /// the `NSCocoaErrorDomain` dump its description is).
    static func describe(_ error: any Error) -> String {
        if let error = error as? CocoaError {
            let file = error.filePath ?? error.url?.path
            let cause =
                (error.underlying as? POSIXError).map { String(cString: strerror($0.code.rawValue)) }
                ?? error.localizedDescription
            return file.map { "\($0): \(cause)" } ?? cause
        }
        if let error = error as? POSIXError { return String(cString: strerror(error.code.rawValue)) }
        return String(describing: error)
    }
}
