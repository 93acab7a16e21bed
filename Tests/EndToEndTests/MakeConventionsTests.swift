import Foundation
import Testing

/// Issue 17: the habits of make and ninja users (`--question`, the long forms of -j, -f, -C, the help).
@Suite struct MakeConventionsTests {
    static let recipe = """
        thumbs: out/{name}.png <- photos/*.png
            thumbnail 24

        """

    func tree(_ name: String) throws -> Sandbox {
        try Sandbox(name, recipe: Self.recipe, images: [("photos/a.png", 64, 48, 1), ("photos/b.png", 64, 48, 2)])
    }

    @Test func questionAnswersWithItsStatusAndPrintsNothing() throws {
        let box = try tree("question")
        let stale = try box.imgmake("--question")
        #expect(stale.status == 1 && stale.stdout.isEmpty && stale.stderr.isEmpty, "\(stale)")
        #expect(!box.exists("out/a.png"), "nothing built")
        #expect(try box.imgmake("-q").status == 0)
        let upToDate = try box.imgmake("--question")
        #expect(upToDate.status == 0 && upToDate.stdout.isEmpty && upToDate.stderr.isEmpty, "\(upToDate)")
        try box.touch("photos/b.png")
        #expect(try box.imgmake("--question", "thumbs").status == 1)
        #expect(try box.imgmake("--question", "out/a.png").status == 0, "one target up to date")
        // Errors are 2, whatever their own status: an unknown target, a recipe error.
        let unknown = try box.imgmake("--question", "nosuch")
        #expect(unknown.status == 2 && unknown.stderr.contains("no rule, group or output called 'nosuch'"), "\(unknown)")
        try box.write("Imgmakefile", "thumbs: out/{name}.png <- photos/*.png\n    thumbnial 24\n")
        let broken = try box.imgmake("--question")
        #expect(broken.status == 2 && broken.stderr.contains("Imgmakefile:2:5: error:"), "\(broken)")
    }

    @Test func theLongFormsOfJobsFileAndDirectoryWork() throws {
        let box = try tree("long-forms")
        try box.write("web.imgmake", "small: out/small/{name}.png <- photos/*.png\n    thumbnail 12\n")
        let run = try box.imgmake(arguments: ["--directory", box.root, "--file", "web.imgmake", "--jobs", "2"], in: "/")
        #expect(run.status == 0 && run.summary == Summary(built: 2), "\(run)")
        #expect(try box.imageSize("out/small/a.png")?.width == 12)
        let joined = try box.imgmake("--jobs=1", "--file=web.imgmake", "-n")
        #expect(joined.status == 0 && joined.stdout.contains("0 to build, 2 up to date"), "\(joined)")
    }

    @Test func helpNeverPrintsTheCoreCountOfTheMachineThatPrintedIt() throws {
        let help = try Tree.help()
        let line = try #require(help.split(separator: "\n").first { $0.contains("-j, --jobs <N>") }, "\(help)")
        #expect(
            line.contains("(default: the number of cores)") && !line.contains("default: \(ProcessInfo.processInfo.activeProcessorCount)"))
    }

    enum Tree {
        static func help() throws -> String {
            let box = try Sandbox("help")
            let run = try box.imgmake("build", "--help")
            try #require(run.status == 0, "\(run)")
            return run.stdout
        }
    }

    /// `-v`, as `make` echoes commands and `ninja -v`: each job's expanded steps, its loader and its sizes, with
    /// both pools.
    @Test func verboseShowsEachJobsStepsLoaderAndSizes() throws {
        let box = try tree("verbose")
        try box.write("Imgmakefile", "thumbs: out/{name}.webp <- photos/*.png\n    thumbnail 24\n    sharpen sigma=0.8\n    save Q=70\n")
        for pool in ["thread", "process"] {
            let run = try box.imgmake("-v", "-B", "--pool", pool, "out/a.webp")
            #expect(run.status == 0, "\(run)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            let job = try #require(lines.firstIndex { $0.hasPrefix("[1/1] thumbs out/a.webp") }, "\(run)")
            #expect(lines[job + 1] == "    thumbnail width=24 | sharpen sigma=0.8 | webpsave Q=70", "\(run)")
            let bytes = try #require(box.stamp("photos/a.png")?.size)
            #expect(
                lines[job + 2].hasPrefix(
                    "    photos/a.png (pngload, 64×48, 3 bands, \(String(format: "%.1f KiB", Double(bytes) / 1024))) → out/a.webp (24×18, 3 bands, "
                ),
                "\(pool): \(run)")
        }
        let quiet = try box.imgmake("-B", "out/a.webp")
        #expect(!quiet.stdout.contains("pngload"), "only with -v: \(quiet)")
    }

    /// `imgmake graph` (Graphviz dot, as `ninja -t graph`), `list --json` and `explain --json`, on the demo.
    @Test func theGraphDrawsAndTheJSONParses() throws {
        let box = try Sandbox("graph")
        try DemoTree.copy(into: box)
        let graph = try box.imgmake("-C", "recipes/demo", "graph")
        #expect(graph.status == 0 && graph.stdout.hasPrefix("digraph imgmake {"), "\(graph)")
        #expect(
            graph.stdout.contains("subgraph \"cluster_sheet\"")
                && graph.stdout.contains("\"build/thumbs/rocket.webp\" -> \"build/contact-sheet.jpg\";"))
        try box.write("graph.dot", graph.stdout)
        let svg = try runProgram("dot", ["-Tsvg", "-o", box.path("graph.svg"), box.path("graph.dot")], in: box.root)
        let drawn = try box.read("graph.svg")
        #expect(svg.status == 0 && drawn.contains("<svg"), "\(svg)")
        let rules = try box.imgmake("-C", "recipes/demo", "graph", "--rules", "sheet")
        #expect(rules.stdout.contains("\"rule:thumbs\" -> \"rule:sheet\";") && !rules.stdout.contains("rule:marked"), "\(rules)")
        try box.write("rules.dot", rules.stdout)
        let drawnRules = try runProgram("dot", ["-Tsvg", "-o", box.path("rules.svg"), box.path("rules.dot")], in: box.root)
        #expect(drawnRules.status == 0, "\(drawnRules)")

        let list = try box.imgmake("-C", "recipes/demo", "list", "--json")
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any], "\(list)")
        let thumbs = try #require((listed["rules"] as? [[String: Any]])?.first { $0["name"] as? String == "thumbs" })
        #expect((thumbs["outputs"] as? [[String: Any]])?.count == 7 && thumbs["stale"] as? Int == 7, "\(thumbs)")
        #expect(listed["default-target"] as? String == "all")

        let explain = try box.imgmake("-C", "recipes/demo", "explain", "--json", "build/contact-sheet.jpg", "photos/rocket.jpg")
        let explained = try #require(try JSONSerialization.jsonObject(with: Data(explain.stdout.utf8)) as? [String: Any], "\(explain)")
        let output = try #require((explained["outputs"] as? [[String: Any]])?.first)
        #expect(output["target"] as? String == "build/contact-sheet.jpg" && output["stale"] as? Bool == true)
        #expect((output["reasons"] as? [String])?.first == "the output is missing")
        let source = try #require((explained["sources"] as? [[String: Any]])?.first)
        #expect(source["rules"] as? [String] == ["thumbs", "responsive", "marked"], "\(source)")
    }

    /// On a terminal the status line is redrawn in place; with `TERM=dumb` (Emacs' shell) each job gets its line.
    @Test(.enabled(if: Tmux.available)) func aDumbTerminalGetsOneLinePerJob() throws {
        let box = try tree("term-dumb")
        let dumb = try Tmux(["env", "TERM=dumb", Imgmake.binary, "-j1"], in: box.root)
        let screen = try dumb.wait { $0.contains("EXITED") }
        #expect(screen.contains("[1/2] thumbs out/") && screen.contains("[2/2] thumbs out/"), "\(screen)")
        try box.remove("out")
        let xterm = try Tmux([Imgmake.binary, "-j1"], in: box.root)
        let redrawn = try xterm.wait { $0.contains("EXITED") }
        #expect(redrawn.contains("2 built") && !redrawn.contains("[1/2]"), "the status line was cleared: \(redrawn)")
    }

    /// Under GitHub Actions: recipe errors and failed jobs as `::error` annotations on the recipe's lines, and a
    /// Markdown job summary appended to `$GITHUB_STEP_SUMMARY`.
    @Test func gitHubActionsGetsAnnotationsAndAJobSummary() throws {
        let box = try tree("github")
        try box.write("photos/broken.png", "not an image")
        let summaryFile = box.base + "/step-summary.md"
        try "earlier step\n".write(toFile: summaryFile, atomically: true, encoding: .utf8)
        let environment = ["GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": box.base, "GITHUB_STEP_SUMMARY": summaryFile]
        let run = try box.imgmake(arguments: ["-k"], environment: environment)
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stdout.contains(
                "::error file=work/Imgmakefile,line=1,col=1,title=imgmake%3A rule thumbs failed::out/broken.png (from photos/broken.png): "),
            "\(run)")
        let summary = try String(contentsOfFile: summaryFile, encoding: .utf8)
        #expect(summary.hasPrefix("earlier step\n### imgmake: 2 built, 1 failed"), "appended: \(summary)")
        #expect(summary.contains("| 2 | 0 | 1 | 0 | 0 |") && summary.contains("- `out/broken.png` (rule thumbs): "), "\(summary)")

        try box.write("Imgmakefile", "thumbs: out/{name}.png <- photos/*.png\n    thumbnial 24\n")
        let broken = try box.imgmake(arguments: [], environment: environment)
        #expect(broken.status == 2, "\(broken)")
        #expect(
            broken.stdout.contains(
                "::error file=work/Imgmakefile,line=2,col=5,title=imgmake%3A recipe error::unknown operation 'thumbnial'%0A"),
            "\(broken)")
        #expect(broken.stderr.contains("Imgmakefile:2:5: error: unknown operation 'thumbnial'"), "and the usual error: \(broken)")
        let plain = try box.imgmake()
        #expect(!plain.stdout.contains("::error"), "only under GitHub Actions: \(plain)")
    }

    /// `--trace FILE`: a Chrome trace (as Bazel's `--profile`, ninjatracing) with the phases and one complete
    /// event per job on its worker's thread; the report gets each job's start and worker.
    @Test(arguments: ["thread", "process"]) func theTraceHasThePhasesAndOneEventPerJob(pool: String) throws {
        let box = try tree("trace-\(pool)")
        try box.image("photos/c.png", width: 64, height: 48, seed: 3)
        let run = try box.imgmake("-j2", "--pool", pool, "--trace", "trace.json", "--report", "report.json")
        #expect(run.status == 0 && run.summary == Summary(built: 3), "\(run)")
        let trace = try #require(try JSONSerialization.jsonObject(with: box.data("trace.json")) as? [String: Any])
        let events = try #require(trace["traceEvents"] as? [[String: Any]])
        let complete = events.filter { $0["ph"] as? String == "X" }
        let phases = complete.filter { $0["cat"] as? String == "phase" }.compactMap { $0["name"] as? String }
        #expect(phases == ["load", "graph", "staleness", "build"], "\(phases)")
        let jobs = complete.filter { $0["cat"] as? String == "thumbs" }
        #expect(Set(jobs.compactMap { $0["name"] as? String }) == ["out/a.png", "out/b.png", "out/c.png"] && jobs.count == 3, "\(jobs)")
        for job in jobs {
            let args = try #require(job["args"] as? [String: Any])
            #expect(args["rule"] as? String == "thumbs" && args["status"] as? String == "built")
            #expect((job["tid"] as? Int).map { (1...2).contains($0) } == true && (job["dur"] as? Double ?? 0) > 0, "\(job)")
        }
        let names = events.filter { $0["name"] as? String == "thread_name" }.compactMap {
            ($0["args"] as? [String: Any])?["name"] as? String
        }
        #expect(names.contains("imgmake") && names.contains { $0.hasPrefix("worker ") }, "\(names)")
        let report = try #require(try JSONSerialization.jsonObject(with: box.data("report.json")) as? [String: Any])
        for output in try #require(report["outputs"] as? [[String: Any]]) {
            #expect((output["start"] as? Double ?? -1) >= 0 && (output["worker"] as? Int).map { (1...2).contains($0) } == true, "\(output)")
        }
    }
}
