import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCLI
@testable import ImgmakeCore

/// Tab completion in context, from fixed lists (no recipe, no libvips, no disk).
@Suite struct ShellCompletionTests {
    struct FixedSource: ShellCompletionSource {
        var targetNames = ["thumbs", "sheet", "web", "all"]
        var outputPaths = [
            "build/sheet.jpg", "build/thumbs/a.webp", "build/thumbs/b.webp", "build/thumbs/sub/c.webp",
            "build/web/a-480.webp", "my photos/x.webp",
        ]
        var variableNames = ["SIZE", "QUALITY"]
        var operationNames = ["gaussblur", "resize", "rotate", "sharpen", "thumbnail", "thumbnail_buffer", "thumbnail_image"]
        func argumentNames(of operation: String) -> [String]? {
            operation == "thumbnail" ? ["filename", "width", "height", "size", "no_rotate", "crop", "linear"] : nil
        }
        func argumentValues(of operation: String, argument: String) -> [String]? {
            switch (operation, argument) {
            case ("thumbnail", "crop"): return ["none", "centre", "entropy", "attention", "low", "high", "all"]
            case ("thumbnail", "linear"): return ["true", "false"]
            default: return nil
            }
        }
        func directoryEntries(_ directory: String) -> [(name: String, isDirectory: Bool)]? {
            switch directory {
            case "": return [("photos", true), ("Imgmakefile", false), (".imgmake", true), ("build", true)]
            case "photos/": return [("a.jpg", false), ("b.png", false), ("sub", true), (".hidden.jpg", false)]
            default: return nil
            }
        }
    }

    let completer = ShellCompleter(source: FixedSource())

    @Test func commandNames() {
        #expect(completer.candidates("") == ShellCommandInfo.allWords)
        #expect(completer.candidates("bu") == ["build"])
        #expect(completer.candidates("ex") == ["explain", "exit"])
        #expect(completer.candidates("s") == ["status", "show", "save", "set"])
        #expect(completer.candidates("list; wat") == ["watch"])
        #expect(completer.candidates("nosuch ") == [])
    }

    /// Issue 19: `try` completes operation (and rule) names where a step starts, then the step's argument names
    /// and enum values, images after `on`, formats after `as`.
    @Test func stepsAfterTry() {
        #expect(completer.candidates("try thu") == ["thumbs", "thumbnail", "thumbnail_buffer", "thumbnail_image"])
        #expect(completer.candidates("try thumbnail 200 cr") == ["crop="])
        #expect(completer.candidates("try thumbnail 200 crop=att") == ["crop=attention"])
        #expect(completer.candidates("try thumbnail 200 linear=") == ["linear=true", "linear=false"])
        #expect(completer.candidates("try thumbnail 200 crop=centre c") == [], "an argument given is not offered again")
        #expect(completer.candidates("try thumbnail 200 | sha") == ["sharpen"], "a step starts after |")
        #expect(completer.candidates("try thumbnail 200 |sha") == ["|sharpen"])
        #expect(completer.candidates("try photos/a.jpg | thumbnail 200 | thumbnail cr") == ["crop="])
        #expect(completer.candidates("try thumbnail 200 on photos/") == ["photos/a.jpg", "photos/b.png", "photos/sub/"])
        #expect(completer.candidates("try thumbnail 200 on ") == ["_", "Imgmakefile", "build/", "photos/"])
        #expect(completer.candidates("try thumbnail 200 on photos/a.jpg as w") == ["webp"])
        #expect(completer.candidates("try photos/") == ["photos/a.jpg", "photos/b.png", "photos/sub/"], "try IMAGE | ...")
        #expect(completer.candidates("try thumbnail 200 o") == ["on"])
        #expect(completer.candidates("preview ") == ["_", "Imgmakefile", "build/", "photos/"])
        #expect(completer.candidates("save ") == ["_"])
    }

    @Test func targetsAfterBuildExplainCleanShow() {
        for command in ["build", "explain", "clean", "show", "watch", "status"] {
            #expect(completer.candidates("\(command) th") == ["thumbs"], "\(command)")
        }
        #expect(completer.candidates("build thumbs sh") == ["sheet"])
        // Output paths complete one folder at a time, like file names.
        #expect(completer.candidates("build bu") == ["build/"])
        #expect(completer.candidates("build build/") == ["build/sheet.jpg", "build/thumbs/", "build/web/"])
        #expect(completer.candidates("explain build/thumbs/") == ["build/thumbs/a.webp", "build/thumbs/b.webp", "build/thumbs/sub/"])
        #expect(completer.candidates("explain \"my ph") == ["my photos/"])
        #expect(completer.candidates("show thumbs ") == [])
    }

    @Test func buildOptionsAndTheirValues() {
        let options = completer.candidates("build -")
        for name in ["-j", "--pool", "-n", "--dry-run", "-k", "--keep-going", "-B", "--always-make", "--explain", "-q", "-v"] {
            #expect(options.contains(name), "\(name) in \(options)")
        }
        for name in ["-f", "-C", "--max-pixels", "--allow-outside", "--shard", "-h", "--help", "--version"] {
            #expect(!options.contains(name), "\(name) in \(options)")
        }
        #expect(completer.candidates("build --p") == ["--pool"])
        #expect(completer.candidates("build thumbs --pool ") == ["thread", "process"])
        #expect(completer.candidates("build --pool p") == ["process"])
        #expect(completer.candidates("build -j ") == [])
        #expect(completer.candidates("watch --pool t") == ["thread"])
        #expect(completer.candidates("clean --o") == ["--orphans"])
        #expect(!completer.candidates("clean -").contains("-f"))
    }

    @Test func operationsAndTheirArguments() {
        #expect(completer.candidates("help gau") == ["gaussblur"])
        #expect(completer.candidates("help thumbnail") == ["thumbnail", "thumbnail_buffer", "thumbnail_image"])
        #expect(completer.candidates("help st") == ["status"])
        #expect(completer.candidates("help sav") == ["save"] && completer.candidates("help lo") == ["load"])
        #expect(completer.candidates("help ").contains("build"))
        #expect(completer.candidates("help ").contains("rotate"))
        #expect(completer.candidates("help thumbnail cr") == ["crop"])
        #expect(completer.candidates("help thumbnail ").contains("width"))
        #expect(completer.candidates("help build ") == [])
        #expect(completer.candidates("help thumbnail crop ") == [])
        #expect(completer.candidates("ops sh") == ["sharpen"])
        #expect(completer.candidates("ops sharpen ") == [])
    }

    @Test func filePathsAfterInfo() {
        #expect(completer.candidates("info ph") == ["photos/"])
        #expect(completer.candidates("info photos/") == ["photos/a.jpg", "photos/b.png", "photos/sub/"])
        #expect(completer.candidates("info photos/.") == ["photos/.hidden.jpg"])
        #expect(completer.candidates("info ") == ["Imgmakefile", "build/", "photos/"])
        #expect(completer.candidates("info nowhere/") == [])
    }

    @Test func settings() {
        #expect(completer.candidates("set ") == ["jobs", "pool", "check", "preview", "QUALITY", "SIZE"])
        #expect(completer.candidates("set p") == ["pool", "preview"])
        #expect(completer.candidates("set preview ") == ["on", "off"])
        #expect(completer.candidates("set pool ") == ["thread", "process"])
        #expect(completer.candidates("set check ") == ["mtime", "hash"])
        #expect(completer.candidates("set check h") == ["hash"])
        #expect(completer.candidates("set jobs ") == [])
        var withOverrides = completer
        withOverrides.overriddenVariables = ["SIZE"]
        #expect(withOverrides.candidates("unset ") == ["SIZE"])
    }

    @Test func optionNamesComeFromTheCommandLineDefinitions() {
        let names = ShellOptionNames.names(of: BuildOptions.self)
        #expect(names.starts(with: ["-j", "--jobs", "-l", "--load-average", "--pool"]))
        #expect(names.contains("--dry-run") && names.contains("-B") && !names.contains("--help"))
        #expect(ShellOptionNames.names(of: RecipeOptions.self).starts(with: ["-f", "--file", "-C", "--directory"]))
        let help = ShellCommandInfo.named("build")!.helpText
        #expect(help.contains("--keep-going") && help.contains("--pool") && !help.contains("--max-pixels") && !help.contains("--shard"))
    }
}
