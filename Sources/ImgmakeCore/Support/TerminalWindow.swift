import Foundation

/// The size of the terminal standard output is shown in (TIOCGWINSZ): the one place that asks it, for the status
/// line's clipping and the shell's `preview`.
package struct TerminalWindow: Equatable, Sendable {
    package var columns: Int
    package var rows: Int
    /// The size of one character cell in pixels, when the terminal says (0 otherwise).
    package var cellWidth: Int
    package var cellHeight: Int

    /// nil when standard output is not a terminal, or one that gives no size.
    package static func current() -> TerminalWindow? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return TerminalWindow(
            columns: Int(size.ws_col), rows: Int(size.ws_row),
            cellWidth: Int(size.ws_xpixel) / Int(size.ws_col), cellHeight: Int(size.ws_ypixel) / Int(size.ws_row))
    }
}
