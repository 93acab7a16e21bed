import Foundation

/// The defaults of the options the front ends share, written once (README's *Command line*): the command
/// line's flags, the shell's settings, `Session.Options`, `BuildGraph.Options`, `Builder.Options` and the
/// pools' settings take them from here.
package enum OptionDefaults {
    /// The recipe file read without `-f`.
    package static let recipeFile = "Imgmakefile"
    /// `--max-pixels`: an image over this many pixels is refused from its header (0: no limit).
    package static let maxPixels = 100_000_000
    /// `--stall-timeout`: seconds a job may make no progress before it is stopped and fails.
    package static let stallTimeout = 60.0
    /// `-j` and the shell's `set jobs`: one job per core.
    package static var jobs: Int { ProcessInfo.processInfo.activeProcessorCount }
}
