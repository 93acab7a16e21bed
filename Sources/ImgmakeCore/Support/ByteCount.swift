import Foundation

/// Sizes in bytes for people: the one format of the build's `-v` lines, the step summary and the shell.
package enum ByteCount {
    /// `18.4 KiB`; below 1 KiB, `312 B`.
    package static func text(_ count: Int) -> String {
        guard count >= 1024 else { return "\(count) B" }
        var value = Double(count) / 1024
        for unit in ["KiB", "MiB", "GiB"] {
            if value < 1024 || unit == "GiB" { return String(format: "%.1f \(unit)", value) }
            value /= 1024
        }
        return "\(count) B"
    }
}
