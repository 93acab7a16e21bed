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

/// `imgmake clean [TARGET...] [--orphans]`: remove outputs, never sources (README's *Bad input* and *clean*).
struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean", abstract: "Remove outputs of targets (default: all); --orphans removes outputs no rule makes any more.")

    @OptionGroup var recipe: RecipeOptions

    @Flag(name: .long, help: "Remove files this recipe file's builds made that no rule of it makes now (never a source).")
    var orphans = false

    @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Show what would be removed; remove nothing.")
    var dryRun = false

    @Flag(
        name: .customLong("no-wait"), help: "When another build of this tree is running, fail at once (exit 75) instead of waiting for it.")
    var noWait = false

    @Argument(
        help: ArgumentHelp("Rules, groups or outputs whose outputs to remove, and NAME=VALUE overrides.", valueName: "TARGET"),
        completion: .custom(TargetCompletion.complete))
    var words: [String] = []

    func run() throws {
        try withDirectory(recipe.directory) {
            let (targets, overrides) = splitOverrides(words)
            let session = try recipe.loadSession(overrides: overrides)
            let removed = try Cleaner(session: session).clean(
                targets, orphans: orphans, dryRun: dryRun, wait: !noWait,
                interrupts: InterruptHandler.shared,
                notice: { StandardOutput.error("imgmake: \($0)\n") },
                report: { print($0) })
            print("\(dryRun ? "would remove" : "removed") \(removed) file\(removed == 1 ? "" : "s")")
        }
    }
}
