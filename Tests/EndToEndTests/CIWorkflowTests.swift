import Foundation
import Testing

/// Incremental rebuilds in CI (issue 5): content hashes across a fresh clone, orphans, shards gathered by plain
/// copies, reports, a killed build; and the commands of the example CI workflows run locally in order.
@Suite struct CIWorkflowTests {
    static let repository = Imgmake.repository

    func copyTree(_ from: String, _ to: String) throws { try DemoTree.copyTree(from, to) }

    /// `imgmake` lines of a workflow file, in order, with the shard variables given.
    func imgmakeCommands(_ file: String, substitutions: [String: String]) throws -> [[String]] {
        let text = try String(contentsOfFile: Self.repository + "/ci-examples/" + file, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> [String]? in
            var command = line.trimmingCharacters(in: .whitespaces)
            for prefix in ["run: ", "- "] where command.hasPrefix(prefix) { command = String(command.dropFirst(prefix.count)) }
            guard command.hasPrefix("imgmake ") else { return nil }
            for (name, value) in substitutions { command = command.replacingOccurrences(of: name, with: value) }
            return Array(command.split(separator: " ").map(String.init).dropFirst())
        }
    }

    func demoProject(_ box: Sandbox) throws { try DemoTree.copy(into: box) }

    /// Runs the shard jobs of a workflow in three copies of the tree, gathers their outputs and `.imgmake/`
    /// folders into a fourth by copying, runs the fan-in job there: only the aggregate is built, and every
    /// output equals that of one unsharded build; with the remote cache the workflow names (a real nginx), the
    /// shards of a second pipeline on fresh copies take every output from it.
    /// `environment`: what the scheduler sets for shard K (GitLab's `CI_NODE_INDEX`, read by `--shard auto`).
    func runWorkflow(
        _ file: String, shardVariables: (Int) -> [String: String], environment: (Int) -> [String: String] = { _ in [:] }
    ) throws {
        let box = try Sandbox("workflow")
        try demoProject(box)
        let reference = try DemoTree.reference(of: box)
        // The remote cache the workflow reads from IMGMAKE_REMOTE_CACHE (a repository or CI/CD variable).
        let text = try String(contentsOfFile: Self.repository + "/ci-examples/" + file, encoding: .utf8)
        #expect(text.contains("IMGMAKE_REMOTE_CACHE"), "\(file) shows the remote cache")
        let server = try WebDAVServer(in: box)
        try server.start()
        defer { server.stop() }
        func withCache(_ shard: Int) -> [String: String] { environment(shard).merging(["IMGMAKE_REMOTE_CACHE": server.url]) { a, _ in a } }

        let fanIn = box.base + "/fan-in"
        try copyTree(box.root, fanIn)
        var shardBuilt = 0
        for shard in 1...3 {
            let commands = try imgmakeCommands(file, substitutions: shardVariables(shard))
            try #require(commands.count == 2, "expected a shard command and a fan-in command in \(file)")
            let copy = box.base + "/shard-\(shard)"
            try copyTree(box.root, copy)
            let result = try box.imgmake(arguments: commands[0], in: copy, environment: withCache(shard))
            #expect(result.status == 0, "\(result)")
            if commands[0].contains("auto") {
                #expect(result.stderr.contains("imgmake: --shard auto: shard \(shard)/3 from "), "\(result)")
            }
            #expect(!result.builtOutputs.contains("build/contact-sheet.jpg"))
            shardBuilt += result.summary?.built ?? 0
            // The artifact upload / download: plain copies of the shard's outputs and state into one tree.
            for folder in ["build", ".imgmake"] where FileManager.default.fileExists(atPath: copy + "/recipes/demo/" + folder) {
                try #require(try runProgram("cp", ["-R", copy + "/recipes/demo/" + folder, fanIn + "/recipes/demo/"], in: "/").status == 0)
            }
        }
        #expect(shardBuilt == 7)
        // Another pipeline on fresh runners: every shard takes its outputs from the remote cache.
        for shard in 1...3 {
            let commands = try imgmakeCommands(file, substitutions: shardVariables(shard))
            let copy = box.base + "/again-\(shard)"
            try copyTree(box.root, copy)
            let result = try box.imgmake(arguments: commands[0], in: copy, environment: withCache(shard))
            let built = result.summary?.built ?? -1
            #expect(result.status == 0 && built > 0 && result.stdout.contains("\(built) built (\(built) from cache)"), "\(result)")
        }
        let commands = try imgmakeCommands(file, substitutions: shardVariables(1))
        let final = try box.imgmake(arguments: commands[1], in: fanIn, environment: withCache(1))
        #expect(final.status == 0, "\(final)")
        #expect(final.builtOutputs == ["build/contact-sheet.jpg"], "\(final)")
        #expect(!final.stderr.contains("holds the logs of shard"), "every shard's log is there: \(final)")
        try DemoTree.expectSameOutputs(reference, fanIn)
    }

    @Test func githubActionsWorkflowRunsLocally() throws {
        try runWorkflow("github-actions.yml") { ["${{ matrix.shard }}": String($0)] }
    }

    @Test func gitlabPipelineRunsLocally() throws {
        try runWorkflow(
            "gitlab-ci.yml", shardVariables: { ["$CI_NODE_INDEX": String($0), "$CI_NODE_TOTAL": "3"] },
            environment: { ["CI_NODE_INDEX": String($0), "CI_NODE_TOTAL": "3"] })
    }

    /// `--cache DIR`: a fresh copy of a built tree (new mtimes, no `.imgmake/`) takes every output from the
    /// cache, byte-identical, and runs no job; `IMGMAKE_CACHE` does the same on the plain build's fast path; a
    /// damaged entry is found by its digest, rebuilt and replaced.
    @Test func aFreshCloneTakesEveryOutputFromTheCache() throws {
        let box = try Sandbox("cache")
        try demoProject(box)
        let cache = box.base + "/cache"
        let first = try box.imgmake("-C", "recipes/demo", "-j2", "-q", "--cache", cache)
        try #require(first.status == 0, "\(first)")
        let clone = box.base + "/clone"
        try copyTree(box.root, clone)
        try? FileManager.default.removeItem(atPath: clone + "/recipes/demo/build")
        try? FileManager.default.removeItem(atPath: clone + "/recipes/demo/.imgmake")
        let fresh = try box.imgmake(arguments: ["-C", "recipes/demo", "-j2", "--cache", cache, "--report", "r.json"], in: clone)
        #expect(fresh.status == 0, "\(fresh)")
        #expect(fresh.stdout.contains("43 built (43 from cache), 0 failed, 0 up to date"), "\(fresh)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: clone + "/recipes/demo/r.json"))) as? [String: Any]
        )
        let outputs = try #require(report["outputs"] as? [[String: Any]])
        #expect(outputs.count == 43 && outputs.allSatisfy { $0["from-cache"] as? Bool == true }, "no job ran")
        try DemoTree.expectSameOutputs(box.root, clone)
        #expect(try box.imgmake(arguments: ["-C", "recipes/demo", "--cache", cache], in: clone).summary == Summary(upToDate: 43))

        // IMGMAKE_CACHE, and a damaged entry (its bytes cut short).
        let entries = try FileManager.default.subpathsOfDirectory(atPath: cache).filter { $0.count > 40 && !$0.hasSuffix(".meta") }
        try #require(entries.count == 43, "\(entries.count) entries")
        let damaged = cache + "/" + entries[0]
        try Data("not what it was".utf8).write(to: URL(fileURLWithPath: damaged))
        let second = box.base + "/second"
        try copyTree(clone, second)
        for folder in ["build", ".imgmake"] { try? FileManager.default.removeItem(atPath: second + "/recipes/demo/" + folder) }
        let again = try box.imgmake(arguments: ["-C", "recipes/demo", "-j2"], in: second, environment: ["IMGMAKE_CACHE": cache])
        #expect(again.status == 0 && again.stdout.contains("43 built (42 from cache)"), "\(again)")
        #expect(again.stderr.contains("its content does not match its digest (damaged): removed; the job runs"), "\(again)")
        try DemoTree.expectSameOutputs(box.root, second)
        #expect(try Data(contentsOf: URL(fileURLWithPath: damaged)) != Data("not what it was".utf8), "the entry was replaced")
    }

    /// `--shard auto` with a scheduler's variables builds the shard `--shard K/N` builds, the report names it, a
    /// fan-in run over a missing shard's log warns, and no variable at all is a usage error.
    @Test func shardAutoReadsTheSchedulersVariables() throws {
        let box = try Sandbox("shard-auto")
        try demoProject(box)
        let fixed = box.base + "/fixed"
        try copyTree(box.root, fixed)
        let expected = try box.imgmake(arguments: ["-C", "recipes/demo", "--shard", "2/3", "thumbs"], in: fixed)
        try #require(expected.status == 0, "\(expected)")
        // Slurm's --array=0-4:2 (tasks 0, 2, 4): task 2 is the second shard of three.
        let slurm = ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "3"]
        let auto = try box.imgmake(
            arguments: ["-C", "recipes/demo", "--shard", "auto", "--report", "r.json", "thumbs"], environment: slurm)
        #expect(auto.status == 0, "\(auto)")
        #expect(auto.stderr.contains("imgmake: --shard auto: shard 2/3 from a Slurm job array (SLURM_ARRAY_TASK_ID=2, "), "\(auto)")
        #expect(Set(auto.builtOutputs) == Set(expected.builtOutputs) && !auto.builtOutputs.isEmpty, "\(auto)\n\(expected)")
        let report = try #require(try JSONSerialization.jsonObject(with: box.data("recipes/demo/r.json")) as? [String: Any])
        #expect(report["shard"] as? String == "2/3", "\(report["shard"] ?? "none")")
        // The fan-in run in this tree has shard 2's log alone.
        let fanIn = try box.imgmake("-C", "recipes/demo", "-n", "thumbs")
        #expect(
            fanIn.stderr.contains("holds the logs of shard 2 of 3, not of shards 1 and 3 (log.shard-1-of-3, log.shard-3-of-3 missing)"),
            "\(fanIn)")

        let none = try box.imgmake("-C", "recipes/demo", "--shard", "auto", "thumbs")
        #expect(none.status == 2 && none.stderr.contains("imgmake: error: --shard auto found no scheduler's variables"), "\(none)")
        let kubernetes = try box.imgmake(
            arguments: ["-C", "recipes/demo", "--shard", "auto", "-n", "thumbs"], environment: ["JOB_COMPLETION_INDEX": "1"])
        #expect(kubernetes.status == 2 && kubernetes.stderr.contains("add --shard-count N"), "\(kubernetes)")
        let counted = try box.imgmake(
            arguments: ["-C", "recipes/demo", "--shard", "auto", "--shard-count", "3", "-n", "thumbs"],
            environment: ["JOB_COMPLETION_INDEX": "1"])
        #expect(
            counted.status == 0 && counted.stderr.contains("shard 2/3 from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=1)"), "\(counted)"
        )
    }

    @Test func hashCheckSurvivesAFreshClone() throws {
        let box = try PhotoProject.make("hash", built: false)
        let first = try box.imgmake("-j2", "--check", "hash")
        try #require(first.status == 0, "\(first)")
        // A fresh clone of the sources, with the cache of outputs and state restored: every mtime is new.
        let clone = box.base + "/clone"
        try copyTree(box.root, clone)
        let again = try box.imgmake(arguments: ["--check", "hash"], in: clone)
        #expect(again.status == 0)
        #expect(again.summary?.built == 0, "\(again)")
        // New pixels with an old mtime: rebuilt all the same (and what depends on it).
        try box.image("clone-a.jpg", seed: 99)
        try FileManager.default.removeItem(atPath: clone + "/photos/a.jpg")
        try FileManager.default.copyItem(atPath: box.path("clone-a.jpg"), toPath: clone + "/photos/a.jpg")
        var times = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
        utimensat(AT_FDCWD, clone + "/photos/a.jpg", &times, 0)
        let explain = try box.imgmake(arguments: ["explain", "--check", "hash", "build/thumbs/a.webp"], in: clone)
        #expect(explain.stdout.contains("the content of its input photos/a.jpg changed"), "\(explain)")
        let changed = try box.imgmake(arguments: ["--check", "hash"], in: clone)
        #expect(Set(changed.builtOutputs) == PhotoProject.outputs(of: "a").union(["build/sheet.jpg"]), "\(changed)")
    }

    @Test func cleanOrphansRemovesExactlyTheDeletedPhotosOutputs() throws {
        let box = try PhotoProject.make("orphans")
        try box.remove("photos/b.png")
        let dry = try box.imgmake("clean", "--orphans", "-n")
        #expect(dry.status == 0)
        #expect(box.exists("build/thumbs/b.webp"))
        let result = try box.imgmake("clean", "--orphans")
        #expect(result.status == 0, "\(result)")
        #expect(Set(box.files(under: "build")) == PhotoProject.allOutputs.subtracting(PhotoProject.outputs(of: "b")))
        // The sheet still lists b's thumbnail until it is rebuilt; then it no longer does.
        try box.expectBuild(rebuilds: ["build/sheet.jpg"])
    }

    @Test func cleanOrphansNeverRemovesAnInput() throws {
        // `thumbs` made build/thumbs/*.webp; the rule goes away and `sheet` now reads those files as its
        // sources: they are sources now, and stay.
        let box = try PhotoProject.make("orphan-inputs")
        try box.write(
            "Imgmakefile",
            """
            sheet: build/sheet.jpg <- build/thumbs/**/*.webp
                arrayjoin across=3
            """)
        let result = try box.imgmake("clean", "--orphans")
        #expect(result.status == 0, "\(result)")
        for thumb in ["build/thumbs/a.webp", "build/thumbs/b.webp", "build/thumbs/sub/c.webp"] { #expect(box.exists(thumb)) }
        #expect(!box.exists("build/big/a-40.png"))
        for photo in ["photos/a.jpg", "photos/b.png", "photos/sub/c.jpg"] { #expect(box.exists(photo)) }
    }

    @Test func reportsDescribeEveryOutput() throws {
        let box = try PhotoProject.make("report", built: false)
        try box.image("photos/bad.jpg", seed: 5)
        try box.writeData("photos/bad.jpg", Data([0xFF, 0xD8, 0xFF, 0x00]))
        let result = try box.imgmake("-k", "--report", "report.json", "--junit", "junit.xml")
        #expect(result.status == 1)
        let json = try JSONSerialization.jsonObject(with: box.data("report.json")) as! [String: Any]
        let outputs = json["outputs"] as! [[String: Any]]
        let statuses = Dictionary(outputs.map { ($0["target"] as! String, $0["status"] as! String) }, uniquingKeysWith: { a, _ in a })
        #expect(statuses["build/thumbs/a.webp"] == "built")
        #expect(statuses["build/thumbs/bad.webp"] == "failed")
        #expect(statuses["build/sheet.jpg"] == "skipped")
        let a = outputs.first { $0["target"] as? String == "build/thumbs/a.webp" }!
        #expect(a["width"] as? Int == 32)
        #expect((a["bytes"] as? Int ?? 0) > 0)
        #expect(a["inputs"] as? [String] == ["photos/a.jpg"])
        let junit = try box.read("junit.xml")
        #expect(junit.contains("<testcase classname=\"thumbs\" name=\"build/thumbs/bad.webp\""))
        #expect(junit.contains("<failure"))
    }

    @Test func killedBuildLosesNothingThatWasWritten() throws {
        let box = try Sandbox("kill9")
        for i in 0..<200 { try box.image("photos/p\(i).png", width: 96, height: 96, seed: i % 7) }
        try box.write("Imgmakefile", "thumbs: build/{name}.webp <- photos/*.png\n    thumbnail 48\n    sharpen sigma=1\n")
        let running = try box.start(arguments: ["-j2"])
        try running.waitForOutput("20 lines", timeout: 60) { $0.split(separator: "\n").count >= 20 }
        running.send(SIGKILL)
        _ = try running.wait()
        let builtBefore = Set(box.files(under: "build").filter { !Sandbox.isTemporary($0) })
        #expect(builtBefore.count >= 20)
        let rerun = try box.imgmake("-j2")
        #expect(rerun.status == 0, "\(rerun)")
        // Nothing half-written survives, and what was written and recorded is not built again.
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
        #expect(Set(rerun.builtOutputs).intersection(builtBefore).count <= 2, "\(rerun.builtOutputs.count) rebuilt")
        #expect(box.files(under: "build").count == 200)
        // A damaged state file: a warning, a correct build, no crash.
        try box.writeData(".imgmake/log", Data("garbage\u{0}\n\u{1}more".utf8))
        let damaged = try box.imgmake("-j2")
        #expect(damaged.status == 0, "\(damaged)")
        #expect(damaged.stderr.contains("warning"), "\(damaged)")
        #expect(damaged.summary?.built == 200)
        try box.expectUpToDate()
    }
}
