import Foundation
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCLI
@testable import ImgmakeCore

/// Shell commands on a real folder (empty "photos": nothing is built), with output captured.
@Suite struct ShellCommandTests {
    final class Folder {
        let path = NSTemporaryDirectory() + "imgmake-shell-unit-" + UUID().uuidString
        var out = ""
        var err = ""
        private let options: RecipeOptions
        /// Made at its first use (its output closures need `self`); making one reads nothing.
        private(set) lazy var shell = Shell(
            options: options, overrides: [:], interactive: false, interrupts: ShellInterrupts(),
            disk: RealDisk(), catalog: .library(.vips), cwd: path, out: { [unowned self] in self.out += $0 },
            err: { [unowned self] in self.err += $0 })

        init(recipe: String, files: [String] = ["photos/a.jpg", "photos/b.jpg"]) throws {
            options = try RecipeOptions.parse([])
            try FileManager.default.createDirectory(atPath: path + "/photos", withIntermediateDirectories: true)
            try write("Imgmakefile", recipe)
            for file in files { try write(file, "") }
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ name: String, _ text: String) throws {
            try text.write(toFile: path + "/" + name, atomically: false, encoding: .utf8)
        }

        /// Runs a line; returns its outcome with the output since the last call.
        func run(_ line: String) -> (code: Int32, quit: Bool, out: String, err: String) {
            out = ""
            err = ""
            let outcome = shell.run(line: line)
            return (outcome.code, outcome.quit, out, err)
        }
    }

    static let recipe = ShellTestRecipe.text(size: 64, photos: "jpg")

    @Test func unknownCommandSuggestsOne() throws {
        let folder = try Folder(recipe: Self.recipe)
        let result = folder.run("biuld thumbs")
        #expect(result.code == 2)
        #expect(result.err.contains("unknown command 'biuld' (did you mean 'build'?)"))
        _ = folder.run("list")
        #expect(folder.run("thumbs").err.contains("to build it: build thumbs"))
    }

    /// The shell says its errors as the command line does (`ErrorMessage`): one `imgmake: error: ` prefix for
    /// everything but a located recipe diagnostic, which is printed as it is.
    @Test func errorsHaveTheCommandLinesOnePrefix() throws {
        let folder = try Folder(recipe: Self.recipe)
        for line in [
            "biuld", "build -j 0", "build --frobnicate", "build -f other.imgmake", "build nosuch", "explain",
            "show", "help nothing-like-it", "unset NOPE", "info", "info photos/missing.jpg", "reload now", "ops zzzz",
            "list 'unterminated",
        ] {
            let result = folder.run(line)
            #expect(result.code != 0, "\(line): \(result)")
            let lines = result.err.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(
                !lines.isEmpty && lines.allSatisfy { $0.hasPrefix("imgmake: error: ") && !$0.dropFirst(16).contains("error:") },
                "\(line): \(result.err)")
        }
        try folder.write("Imgmakefile", "thumbs: build/{name}.webp <- photos/*.jpg\n    thumbnial 64\n")
        #expect(folder.run("list").err.hasPrefix("Imgmakefile:2:5: error: unknown operation 'thumbnial'"))
    }

    @Test func buildWordsAreParsedByTheCommandLineDefinition() throws {
        let folder = try Folder(recipe: Self.recipe)
        #expect(folder.run("build -j 0").err.contains("-j needs a number of jobs of at least 1"))
        #expect(folder.run("build --pool fast").err.contains("'fast' is invalid for '--pool <pool>'"))
        #expect(folder.run("build --frobnicate").err.contains("Unknown option '--frobnicate'"))
        #expect(folder.run("build -f other.imgmake").err.contains("-f is an option of `imgmake shell`"))
        #expect(folder.run("build --shard 1/2").err.contains("--shard is for CI runs"))
        #expect(folder.run("build nosuch").err.contains("no rule, group or output called 'nosuch'"))
        let dry = folder.run("build -n all")
        #expect(dry.code == 0, "\(dry)")
        #expect(dry.out.contains("would build build/a.webp"))
        #expect(dry.out.contains("3 to build"))
    }

    @Test func shellDefaultsComeBeforeTheLinesOptions() throws {
        // `set jobs 3` puts -j 3 first; -j on the line comes later and wins, as on the command line.
        let command = try BuildCommand.parse(["-j", "3", "--pool", "thread", "thumbs", "-j", "5"])
        #expect(command.build.jobCount == 5)
        #expect(command.words == ["thumbs"])
    }

    @Test func settings() throws {
        let folder = try Folder(recipe: Self.recipe)
        #expect(folder.run("set jobs 3; set pool process").code == 0)
        #expect(folder.shell.jobs == 3 && folder.shell.pool == .process)
        #expect(folder.run("set jobs none").code == 2)
        #expect(folder.run("set pool fast").code == 2)
        #expect(folder.shell.jobs == 3 && folder.shell.pool == .process)
        #expect(folder.run("set SIZE 128").code == 0)
        #expect(folder.run("show thumbs").out.contains("thumbnail width=128"))
        let listing = folder.run("set")
        #expect(listing.out.contains("jobs = 3") && listing.out.contains("SIZE = 128   (set here)"))
        #expect(folder.run("unset SIZE").code == 0)
        #expect(folder.run("show thumbs").out.contains("thumbnail width=64"))
        #expect(folder.run("unset SIZE").code == 2)
        #expect(folder.run("set 9LIVES 1").code == 2)
    }

    @Test func statusShowAndExplain() throws {
        let folder = try Folder(recipe: Self.recipe)
        let status = folder.run("status")
        #expect(status.code == 0)
        #expect(status.out.contains("thumbs: 2 of 2 outputs stale"))
        #expect(status.out.contains("build/a.webp: the output is missing"))
        #expect(status.out.contains("3 of 3 outputs stale"))
        let show = folder.run("show thumbs")
        #expect(show.out.contains("rule thumbs  (Imgmakefile:2:1)"))
        #expect(show.out.contains("build/{name}.webp <- photos/*.jpg"))
        #expect(show.out.contains("    thumbnail width=64\n    save Q=80\n"))
        #expect(show.out.contains("    build/a.webp  <- photos/a.jpg   stale: the output is missing\n"))
        #expect(folder.run("show all").out.contains("group all"))
        let output = folder.run("show build/sheet.jpg")
        #expect(output.out.contains("output build/sheet.jpg") && output.out.contains("build/a.webp\n    build/b.webp"))
        #expect(folder.run("show thumbz").err.contains("did you mean 'thumbs'"))
        #expect(folder.run("explain build/b.webp").out == "build/b.webp: stale: the output is missing\n")
        #expect(folder.run("explain").code == 2)
    }

    @Test func aBrokenRecipeIsReportedAndTheLastGoodOneKept() throws {
        let folder = try Folder(recipe: Self.recipe)
        #expect(folder.run("list").code == 0)
        try folder.write("Imgmakefile", Self.recipe.replacingOccurrences(of: "thumbnail $(SIZE)", with: "thumbnial $(SIZE)"))
        let list = folder.run("list")
        #expect(list.code == 2)
        #expect(list.err.contains("Imgmakefile:3:5: error: unknown operation 'thumbnial'"))
        #expect(list.err.contains("keeps the last good one"))
        #expect(list.out.contains("thumbs"))  // the last good recipe still answers
        let build = folder.run("build")
        #expect(build.code == 2 && build.err.contains("not building: the recipe has errors"))
        try folder.write("Imgmakefile", Self.recipe)
        #expect(folder.run("list").code == 0)
    }

    @Test func aRecipeBrokenFromTheStartStillLeavesAShell() throws {
        let folder = try Folder(recipe: "thumbs: build/{name}.webp <- photos/*.jpg\n    rotate\n")
        let result = folder.run("status; help")
        #expect(result.code == 2)
        #expect(result.err.contains("Imgmakefile:2:5"))
        #expect(result.out.contains("commands:"))
    }

    @Test func quitStopsTheLine() throws {
        let folder = try Folder(recipe: Self.recipe)
        let result = folder.run("quit; set jobs 7")
        #expect(result.quit)
        #expect(folder.shell.jobs != 7)
        #expect(folder.run("exit").quit)
    }

    @Test func helpOnCommandsOperationsAndArguments() throws {
        let folder = try Folder(recipe: Self.recipe)
        #expect(folder.run("help").out.contains("watch"))
        #expect(folder.run("help build").out.contains("--keep-going"))
        #expect(folder.run("build --help").out.contains("usage: build"))
        #expect(folder.run("help thumbnail").out.contains("thumbnail - "))
        let argument = folder.run("help thumbnail crop")
        #expect(argument.out.hasPrefix("thumbnail crop:\n   crop") && argument.out.contains("attention"))
        #expect(folder.run("help thumbnail cropp").err.contains("did you mean 'crop'"))
        #expect(folder.run("help thumbnail no_rotate").out.contains("no-rotate    - "))
        #expect(folder.run("help thumbnial").err.contains("did you mean 'thumbnail'"))
    }

    @Test func helpExplainsTheLoadAndSaveSteps() throws {
        let folder = try Folder(recipe: Self.recipe)
        let save = folder.run("help save")
        #expect(save.code == 0 && save.err.isEmpty, "\(save)")
        // `save` is also the shell's command (`save _ PATH`): its usage comes first, then the step's text.
        #expect(save.out.hasPrefix("usage: save _ PATH\n"), "\(save.out)")
        #expect(save.out.contains("The recipe step:\nsave OPTIONS    (a rule's last step; implicit when missing)\n"), "\(save.out)")
        for text in ["the saver its extension picks", ".jpg .jpeg .png .webp", "checked against", "save Q=85 strip=true"] {
            #expect(save.out.contains(text), "\(text) in \(save.out)")
        }
        let load = folder.run("help load")
        #expect(load.code == 0 && load.err.isEmpty, "\(load)")
        #expect(load.out.hasPrefix("load OPTIONS    (a rule's first step; optional)\n"), "\(load.out)")
        #expect(load.out.contains("picked by each input's content") && load.out.contains("load n=-1"), "\(load.out)")
        // The same texts as `imgmake ops save` and `imgmake ops load` print above their lists.
        #expect(save.out.hasSuffix(ProgramSteps.helpText("save") ?? "-") && load.out == ProgramSteps.helpText("load"))
        #expect(folder.run("help sav").err.contains("did you mean 'save'"))
    }

    @Test func helpOnASaverOrALoaderSaysHowARecipeUsesIt() throws {
        let folder = try Folder(recipe: Self.recipe)
        let saver = folder.run("help jpegsave")
        let saverText = saver.out.replacingOccurrences(of: "\n   ", with: " ")  // the usage is wrapped
        #expect(saver.code == 0, "\(saver)")
        #expect(!saver.out.contains("usage in a step") && !saver.out.contains("jpegsave filename"), "\(saver.out)")
        #expect(
            saverText.contains("use `save OPTIONS` as the last step of a rule whose output ends in .jpg, .jpeg"), "\(saver.out)")
        #expect(saver.out.contains("optional arguments:") && saver.out.contains("   Q "), "the arguments are kept: \(saver.out)")
        #expect(folder.run("help jpegsave Q").out.hasPrefix("jpegsave Q:\n   Q"))
        let webp = folder.run("help webpsave").out.replacingOccurrences(of: "\n   ", with: " ")
        #expect(webp.contains("whose output ends in .webp (`ops save`)"), "\(webp)")
        let dz = folder.run("help dzsave").out.replacingOccurrences(of: "\n   ", with: " ")
        #expect(dz.contains("no output can use it: '.dz' outputs are not supported"), "\(dz)")
        #expect(folder.run("help jpegsave_buffer").out.contains("no output's extension picks it"))
        let loader = folder.run("help jpegload")
        #expect(loader.code == 0, "\(loader)")
        #expect(!loader.out.contains("usage in a step"), "\(loader.out)")
        let loaderText = loader.out.replacingOccurrences(of: "\n   ", with: " ")
        #expect(
            loaderText.contains("loaders are picked by each input's content; pass options with `load OPTIONS` as the first step"),
            "\(loader.out)")
        #expect(loader.out.contains("shrink"), "the arguments are kept: \(loader.out)")
        #expect(folder.run("help thumbnail").out.contains("usage in a step:\n   thumbnail filename width"), "other operations keep theirs")
    }

    @Test func helpBuildNamesTheDefaultTarget() throws {
        let folder = try Folder(recipe: Self.recipe)
        let help = folder.run("help build").out
        #expect(help.contains("default: the first rule or group)"), "\(help)")
    }

    @Test func setCheckPicksHowLaterCommandsCompareInputs() throws {
        let folder = try Folder(recipe: Self.recipe)
        #expect(folder.run("set").out.contains("check = mtime\n"))
        #expect(folder.shell.readableSession()?.0.options.checkHash == false)
        let set = folder.run("set check hash")
        #expect(set.code == 0 && set.out == "check = hash\n", "\(set)")
        #expect(folder.shell.check == .hash)
        #expect(folder.run("set").out.contains("jobs = ") && folder.run("set").out.contains("check = hash\n"))
        #expect(folder.shell.readableSession()?.0.options.checkHash == true, "the next command's session compares by content")
        #expect(folder.shell.writableSession(verb: "building")?.options.checkHash == true)
        let wrong = folder.run("set check size")
        #expect(wrong.code == 2 && wrong.err.contains("'size' is invalid for '--check"), "\(wrong)")
        #expect(folder.run("set check").code == 2 && folder.shell.check == .hash)
        #expect(folder.run("set check mtime").code == 0 && folder.shell.readableSession()?.0.options.checkHash == false)
        #expect(folder.run("build --check hash").err.contains("`set check mtime|hash` sets it in the shell"))
        #expect(folder.run("help set").out.contains("check mtime|hash"))
        let completer = ShellCompleter(source: ShellCompletionData(session: nil))
        #expect(completer.candidates("set ch") == ["check"])
        #expect(completer.candidates("set check ") == ["mtime", "hash"])
        #expect(completer.candidates("set check h") == ["hash"])
    }

    @Test func showQuotesValuesAsTheRecipeNeedsThem() throws {
        let folder = try Folder(
            recipe: """
                logo: build/logo/{name}.png <- photos/*.jpg
                    composite2 overlay=@"my logo.png" mode=over
                    save profile="a \\"quoted\\" note"
                copy: build/copy/{name}.png <- photos/*.jpg
                    run cp @"my logo.png" {out} --title="a b"

                """, files: ["photos/a.jpg", "my logo.png"])
        let logo = folder.run("show logo")
        #expect(logo.code == 0, "\(logo)")
        #expect(logo.out.contains("    composite2 overlay=@\"my logo.png\" mode=over\n"), "\(logo.out)")
        #expect(logo.out.contains("    save profile=\"a \\\"quoted\\\" note\"\n"), "\(logo.out)")
        let copy = folder.run("show copy")
        #expect(copy.code == 0, "\(copy)")
        #expect(copy.out.contains("    run cp @\"my logo.png\" {out} --title=\"a b\"\n"), "\(copy.out)")
    }

    @Test func showQuotesPatternsGlobsAndMatrixValuesWithSpaces() throws {
        let folder = try Folder(
            recipe: """
                thumbs: "build/my thumbs/{name}-{w}.webp" <- "photos/*.jpg"
                    with w = 10 "2 0"
                    thumbnail 10

                """)
        let show = folder.run("show thumbs")
        #expect(show.code == 0, "\(show)")
        #expect(show.out.contains("\n  \"build/my thumbs/{name}-{w}.webp\" <- photos/*.jpg\n"), "\(show.out)")
        #expect(show.out.contains("\n  with w = 10 \"2 0\"\n"), "\(show.out)")
    }
}
