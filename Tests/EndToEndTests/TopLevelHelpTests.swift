import Foundation
import Testing

/// `imgmake --help`, `-h` and `help`: a build's usage and options, then the subcommands, as make and ninja users
/// expect; a subcommand's help stays swift-argument-parser's own.
@Suite struct TopLevelHelpTests {
    @Test(arguments: [["--help"], ["-h"], ["help"]])
    func topLevelHelpShowsTheBuildsUsageOptionsAndTheSubcommands(arguments: [String]) throws {
        let box = try Sandbox("top-help")
        let help = try box.imgmake(arguments: arguments)
        #expect(help.status == 0 && help.stderr.isEmpty, "\(help)")
        let text = help.stdout
        #expect(text.contains("\nUSAGE: imgmake [OPTIONS] [TARGET...] [NAME=VALUE...]\n"), "\(text)")
        #expect(!text.contains("imgmake <subcommand>"), "\(text)")
        for option in [
            "-j, --jobs <N>", "-f, --file <FILE>", "-C, --directory <DIR>", "--check <check>", "--shard <K/N|auto>",
            "-n, --dry-run", "-k, --keep-going", "-B, --always-make", "--question", "--report <FILE>", "--version", "-h, --help",
        ] {
            #expect(text.contains("  " + option), "\(option) in \(text)")
        }
        // The sections in make's order: usage, arguments, options, then the subcommands.
        let titles = text.split(separator: "\n").filter { $0.first?.isUppercase == true && $0.contains(":") && $0.uppercased() == $0 }
        #expect(titles == ["ARGUMENTS:", "OPTIONS:", "SUBCOMMANDS:"], "\(titles)")
        let subcommands = try #require(text.range(of: "\nSUBCOMMANDS:\n"), "\(text)")
        let listed = "\n" + text[subcommands.upperBound...]
        for name in ["build (default)", "shell", "list", "explain", "graph", "clean", "ops"] {
            #expect(listed.contains("\n  " + name + " "), "\(name) in \(listed)")
        }
        #expect(!text.contains("__worker"), "\(text)")
        #expect(text.hasSuffix("See 'imgmake help <subcommand>' for detailed help.\n"), "\(text)")
    }

    /// The options listed at the top are exactly `imgmake build --help`'s, which keeps its own usage line and
    /// lists no subcommands.
    @Test func topLevelOptionsAreTheBuildsOptions() throws {
        let box = try Sandbox("top-help")
        let top = try box.imgmake("--help")
        let build = try box.imgmake("build", "--help")
        #expect(build.status == 0, "\(build)")
        #expect(build.stdout.contains("USAGE: imgmake build [<options>] [<TARGET|NAME=VALUE> ...]"), "\(build)")
        #expect(!build.stdout.contains("SUBCOMMANDS"), "\(build)")
        let options = try #require(build.stdout.range(of: "\nARGUMENTS:\n"), "\(build)")
        let section = build.stdout[options.lowerBound...].trimmingCharacters(in: .newlines)
        #expect(top.stdout.contains(section + "\n\nSUBCOMMANDS:\n"), "\(top)\n---\n\(build)")
        // Another subcommand's help is still its own.
        let list = try box.imgmake("help", "list")
        #expect(list.status == 0 && list.stdout.contains("USAGE: imgmake list "), "\(list)")
        #expect(!list.stdout.contains("--jobs"), "\(list)")
    }

    /// `-j`'s default is said in words, not as the core count of the machine that printed the help.
    @Test func topLevelHelpNeverPrintsTheCoreCount() throws {
        let box = try Sandbox("top-help")
        let help = try box.imgmake("--help")
        let line = try #require(help.stdout.split(separator: "\n").first { $0.contains("-j, --jobs <N>") }, "\(help)")
        #expect(
            line.contains("(default: the number of cores)") && !line.contains("default: \(ProcessInfo.processInfo.activeProcessorCount)"))
    }
}
