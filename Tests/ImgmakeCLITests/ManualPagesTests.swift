import ArgumentParser
import ArgumentParserToolInfo
import Foundation
import Testing

@testable import ImgmakeCLI

/// The manual pages are generated from the command tree (`ToolInfoV0`): a page per shown subcommand, with every
/// shown option, and roff's special characters escaped.
@Suite struct ManualPagesTests {
    /// A command line that is not imgmake's: a default subcommand with options, a hidden subcommand, a hidden
    /// option.
    struct Toy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "toy", abstract: "Paint things.", subcommands: [Paint.self, Secret.self], defaultSubcommand: Paint.self)
    }

    struct Paint: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "paint", abstract: "Paint a canvas.", discussion: "Use `toy paint`.")
        @Option(name: [.customShort("c"), .customLong("colour")], help: ArgumentHelp("The colour.", valueName: "NAME")) var colour = "red"
        @Option(name: .long, help: "How.") var mode: Mode = .fast
        @Option(name: .long, help: .hidden) var hidden: String?
        @Flag(name: .long, help: "Dry-run (no paint).") var dry = false
        @Argument(help: ArgumentHelp("Where.", valueName: "CANVAS")) var canvases: [String] = []
    }

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case fast, slow
    }

    struct Secret: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "secret", shouldDisplay: false)
    }

    func pages() throws -> [ManualPages.Page] {
        let info = try JSONDecoder().decode(ToolInfoV0.self, from: Data(Toy._dumpHelp().utf8))
        return ManualPages.pages(for: info.command, usage: "toy [OPTIONS] [CANVAS...]", version: "9.8", text: ManualText())
    }

    @Test func aPagePerShownSubcommand() throws {
        let pages = try pages()
        #expect(pages.map(\.fileName) == ["toy.1", "toy-paint.1"])
        let root = pages[0].text
        #expect(root.contains(".TH TOY 1 \"\" \"toy 9.8\" \"toy manual\"\n"), "\(root)")
        #expect(root.contains(".SH NAME\ntoy \\- paint things\n"), "\(root)")
        #expect(root.contains(".SH SYNOPSIS\n.B toy\n[\\fIOPTIONS\\fR] [\\fICANVAS\\fR...]\n"), "\(root)")
        // The default subcommand's options are the root's.
        #expect(root.contains(".TP\n\\fB\\-c\\fR, \\fB\\-\\-colour\\fR \\fINAME\\fR\nThe colour (default: \\fBred\\fR).\n"), "\(root)")
        #expect(root.contains(".TP\n\\fB\\-\\-mode\\fR \\fBfast\\fR|\\fBslow\\fR\nHow (default: \\fBfast\\fR).\n"), "\(root)")
        #expect(root.contains(".TP\n\\fB\\-\\-dry\\fR\nDry\\-run (no paint).\n"), "\(root)")
        #expect(root.contains(".SH ARGUMENTS\n.TP\n\\fICANVAS\\fR...\nWhere.\n"), "\(root)")
        #expect(root.contains(".TP\n\\fBpaint\\fR (the default)\nPaint a canvas. See\n.BR toy\\-paint (1).\n"), "\(root)")
        #expect(!root.contains("hidden") && !root.contains("secret"), "\(root)")
        // No hand-written text: no section for it.
        #expect(!root.contains(".SH DESCRIPTION") && !root.contains(".SH EXIT STATUS"), "\(root)")
        let paint = pages[1].text
        #expect(paint.contains(".SH SYNOPSIS\n.B toy\\ paint\n[\\fIOPTIONS\\fR] [\\fICANVAS\\fR...]\n"), "\(paint)")
        #expect(paint.contains(".SH DESCRIPTION\nPaint a canvas.\n.PP\nUse \\fBtoy paint\\fR.\n"), "\(paint)")
        #expect(paint.hasSuffix(".SH SEE ALSO\n.BR toy (1)\n"), "\(paint)")
    }

    @Test func imgmakesPagesLeaveOutTheWorkerAndMachineDependentDefaults() throws {
        let pages = try ManualPages.imgmake()
        #expect(
            pages.map(\.fileName) == [
                "imgmake.1", "imgmake-build.1", "imgmake-shell.1", "imgmake-list.1", "imgmake-explain.1", "imgmake-graph.1",
                "imgmake-clean.1", "imgmake-ops.1",
            ])
        for page in pages {
            #expect(!page.text.contains("__worker"), "\(page.fileName)")
            #expect(page.text.contains("\"imgmake 0.1.0\""), "\(page.fileName)")
            #expect(page.text.unicodeScalars.allSatisfy { $0.isASCII }, "\(page.fileName)")
        }
        let build = try #require(pages.first { $0.fileName == "imgmake-build.1" }?.text)
        #expect(
            build.contains(
                "\\fB\\-\\-pool\\fR \\fBthread\\fR|\\fBprocess\\fR\nThe pool that runs jobs: thread or process (process under a memory limit).\n"
            ))
        // Every shown option of every shown command is on its page.
        let info = try JSONDecoder().decode(ToolInfoV0.self, from: Data(ImgmakeCommand._dumpHelp().utf8))
        for command in ManualPages.publicSubcommands(of: info.command) {
            let page = try #require(pages.first { $0.fileName == "imgmake-\(command.commandName).1" }?.text)
            for argument in command.arguments ?? [] where argument.shouldDisplay {
                for name in argument.names ?? [] {
                    #expect(
                        page.contains("\\fB" + ManualPages.escaped(name.commonCompletionSynopsis) + "\\fR"),
                        "\(command.commandName) \(name)")
                }
            }
        }
    }

    @Test func roffsSpecialCharactersAreEscaped() {
        #expect(ManualPages.escaped(#"a-b\c"#) == #"a\-b\ec"#)
        #expect(ManualPages.escaped(".start\n'quote\nmid.dle's") == "\\&.start\n\\&'quote\nmid.dle's")
        #expect(ManualPages.escaped("3×4 é") == #"3\[u00D7]4 \[u00E9]"#)
        #expect(ManualPages.paragraph("run `imgmake -j2` now") == "run \\fBimgmake \\-j2\\fR now\n")
        #expect(ManualPages.paragraph("`x`.\n.y") == "\\fBx\\fR.\n\\&.y\n")
        #expect(
            ManualPages.synopsisLine("imgmake shell [OPTIONS] [NAME=VALUE...]")
                == ".B imgmake\\ shell\n[\\fIOPTIONS\\fR] [\\fINAME\\fR=\\fIVALUE\\fR...]\n")
    }
}
