import ArgumentParser
import ImgmakeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// `imgmake [OPTIONS] [TARGET...] [NAME=VALUE...]`: build what is stale.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build targets (the default command): rules, groups or output paths.")

    @OptionGroup var recipe: RecipeOptions
    @OptionGroup var build: BuildOptions
    @OptionGroup var ci: CIOptions

    @Argument(
        help: ArgumentHelp(
            "Rules, groups or outputs to build, and NAME=VALUE variable overrides.",
            valueName: "TARGET|NAME=VALUE"),
        completion: .custom(TargetCompletion.complete))
    var words: [String] = []

    func run() throws {
        try withDirectory(recipe.directory) {
            let (targets, overrides) = splitOverrides(words)
            var sessionOptions = recipe.sessionOptions
            if let shard = ci.shard { sessionOptions.logName = shard.logName }
            let session = try Session(options: sessionOptions, overrides: overrides, library: .vips)
            let reporter = build.reporter
            session.warnAboutOverrides(reporter)
            let summary = try BuildRun.run(
                session: session, targets: targets, options: build, reporter: reporter,
                shard: ci.shard, reportPath: ci.report, junitPath: ci.junit)
            if summary.status != .success { throw ExitCode(summary.status.code) }
        }
    }
}

/// Runs `body` in `directory` (the `-C` option).
func withDirectory<T>(_ directory: String?, _ body: () throws -> T) throws -> T {
    if let directory {
        guard FileManager.default.changeCurrentDirectoryPath(directory) else {
            throw UsageError("cannot change to directory \(directory)")
        }
    }
    return try body()
}
