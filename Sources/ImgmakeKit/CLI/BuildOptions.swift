import ArgumentParser
import Foundation

/// The pool that runs jobs.
public enum PoolKind: String, ExpressibleByArgument, CaseIterable, Sendable {
    case thread, process
}

/// The staleness check for inputs.
public enum CheckMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    case mtime, hash
}

/// Options of a build, shared by the command line and the shell's `build`.
public struct BuildOptions: ParsableArguments {
    @Option(name: .customShort("j", allowingJoined: true), help: ArgumentHelp("Run N jobs at once (default: the number of cores).", valueName: "N"))
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "The pool that runs jobs: thread or process.")
    public var pool: PoolKind = .thread

    @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Show what would be built; build nothing.")
    public var dryRun = false

    @Flag(name: [.customShort("k"), .customLong("keep-going")], help: "Go on past failed jobs.")
    public var keepGoing = false

    @Flag(name: [.customShort("B"), .customLong("always-make")], help: "Build every output, stale or not.")
    public var alwaysMake = false

    @Flag(name: .long, help: "Print why each output is stale.")
    public var explain = false

    @Flag(name: [.customShort("q"), .long], help: "Print only errors.")
    public var quiet = false

    @Flag(name: [.customShort("v"), .long], help: "Print more about each job.")
    public var verbose = false

    public init() {}

    public func validate() throws {
        guard jobs >= 1 else { throw ValidationError("-j needs a number of jobs of at least 1") }
        if pool == .process { throw ValidationError("--pool process is not available in this version; use --pool thread") }
    }
}
