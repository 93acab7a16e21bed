import ArgumentParser
import ImgmakeCore

/// Options that pick and shape the recipe; shared by every subcommand that reads one.
struct RecipeOptions: ParsableArguments {
    @Option(
        name: [.customShort("f", allowingJoined: true), .customLong("file")],
        help: ArgumentHelp("Read FILE as the recipe.", valueName: "FILE"),
        completion: .file())
    var file: String = OptionDefaults.recipeFile

    @Option(
        name: [.customShort("C", allowingJoined: true), .customLong("directory")],
        help: ArgumentHelp("Change to DIR before doing anything.", valueName: "DIR"),
        completion: .directory)
    var directory: String?

    @Option(name: .long, help: ArgumentHelp("Refuse images over N pixels, from their header (0: no limit).", valueName: "N"))
    var maxPixels: Int = OptionDefaults.maxPixels

    @Flag(name: .long, help: "Allow outputs outside the recipe's directory tree.")
    var allowOutside = false

    @Option(name: .long, help: "How inputs are compared: mtime (default) or hash (content, for CI caches and fresh clones).")
    var check: CheckMode = .mtime

    init() {}

    /// The plain values a `Session` is loaded from.
    var sessionOptions: Session.Options {
        var options = Session.Options()
        options.file = file
        options.maxPixels = maxPixels
        options.allowOutside = allowOutside
        options.checkHash = check == .hash
        return options
    }
}

extension RecipeOptions {
    /// The session of a command that reads the recipe (`list`, `explain`, `graph`, `clean`), in the current
    /// folder (the caller has applied -C), with the `NAME=VALUE` overrides among `overrides` (the warnings about
    /// unknown ones printed).
    func loadSession(overrides: [String: String], readsStampsEarly: Bool = false) throws -> Session {
        var options = sessionOptions
        options.readsStampsEarly = readsStampsEarly
        let session = try Session(options: options, overrides: overrides, library: .vips)
        session.warnAboutOverrides(ProgressReporter(verbosity: .normal))
        return session
    }
}

/// The staleness check for inputs (README's *How staleness works*, rule 5).
enum CheckMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    case mtime, hash
}
