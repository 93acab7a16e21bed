import ArgumentParser
import Testing

@testable import ImgmakeCLI

/// `imgmake --help` is the root's help screen with the build's arguments and options in place of the root's
/// options, all of it rendered by swift-argument-parser from the command definitions.
@Suite struct TopLevelHelpTests {
    @Test func topLevelHelpIsTheRootsWithTheBuildsOptions() {
        let sections = TopLevelHelp.sections(of: TopLevelHelp.text(columns: 100))
        #expect(sections.map(\.title) == ["OVERVIEW", "USAGE", "ARGUMENTS", "OPTIONS", "SUBCOMMANDS"])
        let build = TopLevelHelp.sections(of: ImgmakeCommand.helpMessage(for: BuildCommand.self, columns: 100))
        #expect(sections[3].text == build.first { $0.title == "OPTIONS" }?.text)
        #expect(sections[1].text == "USAGE: imgmake [OPTIONS] [TARGET...] [NAME=VALUE...]")
        #expect(sections[4].text.contains("  ops ") && !sections[4].text.contains("__worker"), "\(sections[4].text)")
        let split = TopLevelHelp.sections(of: "intro\n\nA: one\n  Lower: two\n\nB C:\n  x\n\n")
        #expect(split.map(\.title) == ["", "A", "B C"])
        #expect(split.map(\.text) == ["intro", "A: one\n  Lower: two", "B C:\n  x"])
    }
}
