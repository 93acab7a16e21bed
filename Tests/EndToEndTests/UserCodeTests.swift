import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 15 and README's *Your own code*: `run`, `python` and `worker` rules, on the built binary, with real
/// commands and Python (the standard library only: the functions copy bytes, so no Pillow is needed here).
@Suite struct UserCodeTests {
    /// The Python module the tests call: each function copies its source (a JPEG) to `dst`, or misbehaves.
    static let module = #"""
        import json, os, shutil, sys, time

        def copy(src, dst, tag="", level=0, ratio=0.0, flag=False):
            shutil.copyfile(src, dst)
            return {"name": os.path.basename(src), "tag": tag, "level": level, "ratio": ratio, "flag": flag,
                    "size": os.path.getsize(src)}

        def summarize(srcs, dst):
            with open(dst, "w") as out:
                json.dump([os.path.basename(s) for s in srcs], out)
            return len(srcs)

        def boom(src, dst):
            if "b" in os.path.basename(src):
                raise ValueError("no faces in " + os.path.basename(src))
            shutil.copyfile(src, dst)

        def lazy(src, dst):
            return None

        def unjson(src, dst):
            shutil.copyfile(src, dst)
            return {1, 2}

        def text(src, dst):
            with open(dst, "w") as out:
                out.write("not an image")

        def crash(src, dst):
            if "b" in os.path.basename(src):
                print("giving up on", os.path.basename(src), file=sys.stderr, flush=True)
                os._exit(3)
            shutil.copyfile(src, dst)

        def hang(src, dst):
            if "b" in os.path.basename(src):
                time.sleep(600)
            shutil.copyfile(src, dst)

        def noisy(src, dst):
            print('{"v":1,"id":0,"ok":false,"error":"printed"}')
            sys.stdout.write("more noise\n")
            os.write(1, b"raw noise on fd 1\n")
            shutil.copyfile(src, dst)
            return "quiet"
        """#

    /// A sandbox with photos/a.jpg, photos/b.jpg, photos/c.jpg, tools/fns.py, and `recipe`.
    static func project(_ name: String, recipe: String) throws -> Sandbox {
        let box = try Sandbox(name)
        for (i, photo) in ["a", "b", "c"].enumerated() { try box.image("photos/\(photo).jpg", width: 48, height: 40, seed: i + 1) }
        try box.write("tools/fns.py", module)
        try box.write("Imgmakefile", recipe)
        return box
    }

    /// The report's outputs by target.
    static func report(_ box: Sandbox, _ file: String) throws -> [String: [String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: box.data(file)) as? [String: Any])
        let outputs = try #require(document["outputs"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: outputs.map { ($0["target"] as? String ?? "", $0) })
    }

    @Test func pythonRuleBuildsAndTheReportKeepsEveryResultAfterAnIncrementalRun() throws {
        let box = try Self.project(
            "python-results",
            recipe: """
                copies: build/{name}.jpg <- photos/*.jpg
                    python tools/fns.py:copy tag={name} level=3 ratio=0.5 flag=true
                """)
        let first = try box.imgmake("-j2", "--report", "first.json")
        #expect(first.status == 0 && first.summary == Summary(built: 3), "\(first)")
        #expect(try box.data("build/a.jpg") == box.data("photos/a.jpg"))
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
        #expect(!box.exists("tools/__pycache__"), "no bytecode cache is written into the tree")
        let results = try Self.report(box, "first.json")
        let a = try #require(results["build/a.jpg"]?["result"] as? [String: Any], "\(results)")
        // Values typed as the README says: an int, a float, a bool; a placeholder's value a string.
        #expect(a["tag"] as? String == "a" && a["level"] as? Int == 3 && a["ratio"] as? Double == 0.5 && a["flag"] as? Bool == true, "\(a)")
        #expect(results["build/a.jpg"]?["width"] as? Int == 48, "the written image's header: \(results)")
        #expect((results["build/a.jpg"]?["inputs"] as? [String]) == ["photos/a.jpg", "tools/fns.py"], "\(results)")

        // One photo changes: only its output is built, and the report still holds all three results.
        try box.image("photos/b.jpg", width: 50, height: 40, seed: 7)
        let second = try box.imgmake("-j2", "--report", "second.json")
        #expect(second.status == 0 && second.summary == Summary(built: 1, upToDate: 2), "\(second)")
        let again = try Self.report(box, "second.json")
        for name in ["a", "b", "c"] {
            let result = again["build/\(name).jpg"]?["result"] as? [String: Any]
            #expect(result?["name"] as? String == "\(name).jpg", "\(name): \(again)")
        }
        #expect(again["build/a.jpg"]?["status"] as? String == "up-to-date")
        #expect((again["build/b.jpg"]?["result"] as? [String: Any])?["size"] as? Int == Int(box.stamp("photos/b.jpg")?.size ?? 0))

        // A no-op: nothing built, no worker started, every result still reported.
        let noop = try box.imgmake("-j2", "--report", "noop.json")
        #expect(noop.summary == Summary(upToDate: 3), "\(noop)")
        #expect(try Self.report(box, "noop.json").values.allSatisfy { $0["result"] is [String: Any] })
    }

    @Test func aNoOpStartsNoWorkerAndAWorkerImportsTheModuleOnce() throws {
        let box = try Self.project("python-noop", recipe: "")
        // The interpreter is a wrapper that logs each start: PYTHON = ... says which interpreter runs the workers.
        try box.writeExecutable("py.sh", "#!/bin/sh\necho started >> \(box.path("starts.log"))\nexec python3 \"$@\"\n")
        try box.write(
            "tools/counted.py", "import os\nopen(\(String(reflecting: box.path("imports.log"))), 'a').write('x\\n')\nfrom fns import copy\n"
        )
        for i in 0..<8 { try box.image("photos/more\(i).jpg", width: 32, height: 32, seed: 1) }
        try box.write(
            "Imgmakefile",
            """
            PYTHON = \(box.path("py.sh"))
            copies: build/{name}.jpg <- photos/*.jpg
                python tools/counted.py:copy
            """)
        let first = try box.imgmake("-j2")
        #expect(first.status == 0 && first.summary == Summary(built: 11), "\(first)")
        let starts = try box.read("starts.log").split(separator: "\n").count
        let imports = try box.read("imports.log").split(separator: "\n").count
        #expect(starts >= 1 && starts <= 2, "at most -j workers: \(starts)")
        #expect(imports == starts, "the module is imported once per worker: \(imports) imports, \(starts) workers")
        let noop = try box.imgmake("-j2")
        #expect(noop.summary == Summary(upToDate: 11), "\(noop)")
        #expect(try box.read("starts.log").split(separator: "\n").count == starts, "a no-op starts no worker")
    }

    @Test func editingThePythonFileRebuildsExactlyItsRulesOutputsAndTheirDependents() throws {
        let box = try Self.project(
            "python-edit",
            recipe: """
                all: copies others thumbs
                copies: build/copies/{name}.jpg <- photos/*.jpg
                    python tools/fns.py:copy
                others: build/others/{name}.jpg <- photos/*.jpg
                    python tools/other.py:copy
                thumbs: build/thumbs/{name}.png <- build/copies/*.jpg
                    thumbnail width=16
                """)
        try box.write("tools/other.py", Self.module)
        let first = try box.imgmake("-j2")
        #expect(first.status == 0 && first.summary == Summary(built: 9), "\(first)")
        // The edit makes a.jpg's copy another image; b's and c's come out byte-identical, so their thumbnails
        // are not rebuilt (early cutoff).
        try box.write(
            "tools/fns.py",
            Self.module + "\n_copy = copy\ndef copy(src, dst, **args):\n    return _copy(src.replace('a.jpg', 'b.jpg'), dst, **args)\n")
        try box.touch("tools/fns.py")
        let expected = Set(["a", "b", "c"].map { "build/copies/\($0).jpg" } + ["build/thumbs/a.png"])
        try box.expectBuild(rebuilds: expected)
        // The step's words are in the fingerprint: a new argument value rebuilds the rule's outputs.
        let recipe = try box.read("Imgmakefile").replacing("python tools/other.py:copy", with: "python tools/other.py:copy tag=x")
        try box.write("Imgmakefile", recipe)
        try box.expectBuild(rebuilds: Set(["a", "b", "c"].map { "build/others/\($0).jpg" }))
        try box.expectUpToDate()
    }

    @Test func aggregatesGetEveryInputAsAListAndAsArguments() throws {
        let box = try Self.project(
            "aggregates",
            recipe: """
                all: names joined
                names: build/names.json <- photos/*.jpg
                    python tools/fns.py:summarize
                joined: build/joined.txt <- photos/*.jpg
                    run sh -c "ls \\"$$@\\" > \\"$$0\\"" {out} {inputs}
                """)
        let result = try box.imgmake("-j2", "--report", "r.json")
        #expect(result.status == 0 && result.summary == Summary(built: 2), "\(result)")
        #expect(try box.read("build/names.json") == #"["a.jpg", "b.jpg", "c.jpg"]"#)
        #expect(try Self.report(box, "r.json")["build/names.json"]?["result"] as? Int == 3)
        let listed = try box.read("build/joined.txt").split(separator: "\n").map {
            ($0 as Substring).split(separator: "/").last.map(String.init) ?? ""
        }
        #expect(listed == ["a.jpg", "b.jpg", "c.jpg"], "{inputs}: one argument per input, sorted: \(listed)")
    }

    @Test(arguments: ["thread", "process"])
    func everyFailureNamesTheOutputTheInputAndTheCauseAndKeepGoingBuildsTheRest(_ pool: String) throws {
        let box = try Self.project(
            "python-errors-\(pool)",
            recipe: """
                all: boom lazy text runfail runlazy wrongformat nosuch unjson
                boom: build/boom/{name}.jpg <- photos/*.jpg
                    python tools/fns.py:boom
                lazy: build/lazy/{name}.jpg <- photos/a.jpg
                    python tools/fns.py:lazy
                text: build/text/{name}.png <- photos/a.jpg
                    python tools/fns.py:text
                runfail: build/runfail/{name}.jpg <- photos/a.jpg
                    run sh -c "echo first line; echo cannot read $$0 >&2; exit 4" {in} {out}
                runlazy: build/runlazy/{name}.webp <- photos/a.jpg
                    run true {in} {out}
                wrongformat: build/wrongformat/{name}.png <- photos/a.jpg
                    run cp {in} {out}
                nosuch: build/nosuch/{name}.jpg <- photos/a.jpg
                    run no-such-program-here {in} {out}
                unjson: build/unjson/{name}.jpg <- photos/a.jpg
                    python tools/fns.py:unjson
                """)
        let result = try box.imgmake("-k", "-j2", "--pool", pool)
        #expect(result.status == 1, "\(result)")
        #expect(result.summary == Summary(built: 2, failed: 8), "a.jpg and c.jpg of boom are built: \(result)")
        #expect(box.exists("build/boom/a.jpg") && box.exists("build/boom/c.jpg") && !box.exists("build/boom/b.jpg"))
        let errors = result.stderr
        let line =
            try #require(
                Self.module.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("raise ValueError") }) + 1
        #expect(
            errors.contains(
                "build/boom/b.jpg (rule boom, from photos/b.jpg): python fns.py:boom: ValueError: no faces in b.jpg (tools/fns.py, line \(line), in boom)"
            ),
            "\(result)")
        #expect(
            errors.contains(
                "build/lazy/a.jpg (rule lazy, from photos/a.jpg): python fns.py:lazy: the function returned but did not write the output"),
            "\(result)")
        #expect(
            errors.contains(
                "build/text/a.png (rule text, from photos/a.jpg): python fns.py:text: wrote a file that is not a .png image libvips can read"
            ), "\(result)")
        #expect(
            errors.contains(
                "build/runfail/a.jpg (rule runfail, from photos/a.jpg): run sh: exited with status 4:\n    first line\n    cannot read "),
            "\(result)")
        #expect(
            errors.contains(
                "build/runlazy/a.webp (rule runlazy, from photos/a.jpg): run true: the command exited with status 0 but did not write {out}"
            ), "\(result)")
        #expect(
            errors.contains(
                "build/wrongformat/a.png (rule wrongformat, from photos/a.jpg): run cp: wrote a JPEG file (jpegload reads it), not the .png file its name says"
            ), "\(result)")
        #expect(
            errors.contains(
                "build/nosuch/a.jpg (rule nosuch, from photos/a.jpg): run no-such-program-here: cannot start no-such-program-here: No such file or directory"
            ), "\(result)")
        #expect(
            errors.contains(
                "build/unjson/a.jpg (rule unjson, from photos/a.jpg): python fns.py:unjson: TypeError: the function returned a value that is not JSON: Object of type set is not JSON serializable"
            ), "\(result)")
        #expect(box.temporaries().isEmpty, "no temporary is left: \(box.temporaries())")
        #expect(box.files(under: "build").sorted() == ["build/boom/a.jpg", "build/boom/c.jpg"], "\(box.files(under: "build"))")
    }

    @Test(arguments: ["thread", "process"])
    func aCrashedOrHungWorkerFailsOnlyItsJobAndIsReplaced(_ pool: String) throws {
        let box = try Self.project(
            "python-crash-\(pool)",
            recipe: """
                all: crash hang
                crash: build/crash/{name}.jpg <- photos/*.jpg
                    python tools/fns.py:crash
                hang: build/hang/{name}.jpg <- photos/*.jpg
                    python tools/fns.py:hang
                """)
        // One worker: the jobs after the crash and the timeout run on the workers that replace it.
        let result = try box.imgmake("-k", "-j1", "--pool", pool, "--job-timeout", "3", timeout: 120)
        #expect(result.status == 1 && result.summary == Summary(built: 4, failed: 2), "\(result)")
        #expect(
            result.stderr.range(
                of:
                    #"build/crash/b\.jpg \(rule crash, from photos/b\.jpg\): python fns\.py:crash: the Python worker \(pid \d+\) exited with status 3 while running the job \(it is replaced for the next job\):\n    giving up on b\.jpg\n"#,
                options: .regularExpression) != nil, "\(result)")
        #expect(
            result.stderr.contains(
                "build/hang/b.jpg (rule hang, from photos/b.jpg): python fns.py:hang: timed out after 3 s (--job-timeout): killed"),
            "\(result)")
        #expect(Set(box.files(under: "build")) == ["build/crash/a.jpg", "build/crash/c.jpg", "build/hang/a.jpg", "build/hang/c.jpg"])
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
    }

    @Test func whatTheCodePrintsNeverReachesTheProtocol() throws {
        let box = try Self.project(
            "python-noisy",
            recipe: """
                noisy: build/{name}.jpg <- photos/*.jpg
                    python tools/fns.py:noisy
                """)
        let result = try box.imgmake("-j2", "--report", "r.json")
        #expect(result.status == 0 && result.summary == Summary(built: 3), "\(result)")
        #expect(result.stderr.contains("raw noise on fd 1") && result.stderr.contains("more noise"), "printed to stderr: \(result)")
        #expect(try Self.report(box, "r.json").values.allSatisfy { $0["result"] as? String == "quiet" })
    }

    @Test func ctrlCStopsTheWorkersAndLeavesNoTemporary() throws {
        let box = try Self.project(
            "python-interrupt",
            recipe: """
                hang: build/{name}.jpg <- photos/b*.jpg
                    python tools/fns.py:hang
                """)
        try box.image("photos/b2.jpg", width: 32, height: 32, seed: 2)
        try box.writeExecutable("py.sh", "#!/bin/sh\necho $$ >> \(box.path("pids.log"))\nexec python3 \"$@\"\n")
        try box.write("Imgmakefile", "PYTHON = \(box.path("py.sh"))\n" + (try box.read("Imgmakefile")))
        let process = try box.start(arguments: ["-j2"])
        try waitUntil("two workers running", timeout: 60) {
            ((try? box.read("pids.log")) ?? "").split(separator: "\n").count == 2
        }
        Thread.sleep(forTimeInterval: 0.5)
        process.send(SIGINT)
        let interrupted = try process.wait(timeout: 60)
        #expect(interrupted.status == 130, "\(interrupted)")
        #expect(interrupted.seconds < 30, "stopped, not waited for: \(interrupted)")
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
        #expect(box.files(under: "build").isEmpty, "\(box.files(under: "build"))")
        for pid in try box.read("pids.log").split(separator: "\n").compactMap({ Int32($0) }) {
            #expect(kill(pid, 0) != 0, "worker \(pid) is gone")
        }
    }

    @Test func aWorkerInAnotherLanguageSpeaksTheDocumentedProtocol() throws {
        // A worker written against README's protocol alone (Python here, but no imgmake helper): requests on
        // fd 3, replies on fd 4, NAME=VALUE words as its args.
        let box = try Self.project(
            "worker-protocol",
            recipe: """
                copies: build/{name}.jpg <- photos/*.jpg
                    worker python3 @tools/worker.py --verbose level=2 label={name}
                """)
        try box.write(
            "tools/worker.py",
            #"""
            import json, os, shutil, sys
            assert os.environ["IMGMAKE_WORKER_PROTOCOL"] == "1"
            assert sys.argv[1:] == ["--verbose"], sys.argv
            requests, replies = os.fdopen(3), os.fdopen(4, "w")
            for line in requests:
                request = json.loads(line)
                shutil.copyfile(request["sources"][0], request["output"])
                reply = {"v": 1, "id": request["id"], "ok": True,
                         "result": {"args": request["args"], "target": os.path.basename(request["target"]), "pid": os.getpid()}}
                replies.write(json.dumps(reply) + "\n")
                replies.flush()
            """#)
        let result = try box.imgmake("-j1", "--report", "r.json")
        #expect(result.status == 0 && result.summary == Summary(built: 3), "\(result)")
        let report = try Self.report(box, "r.json")
        let a = try #require(report["build/a.jpg"]?["result"] as? [String: Any], "\(report)")
        #expect((a["args"] as? [String: Any])?["level"] as? Int == 2 && (a["args"] as? [String: Any])?["label"] as? String == "a", "\(a)")
        #expect(a["target"] as? String == "a.jpg")
        let pids = Set(report.values.compactMap { ($0["result"] as? [String: Any])?["pid"] as? Int })
        #expect(pids.count == 1, "one persistent worker at -j1: \(pids)")
        #expect((report["build/a.jpg"]?["inputs"] as? [String]) == ["photos/a.jpg", "tools/worker.py"], "@FILE is an input")
    }

    @Test func recipeErrorsNameTheirPlace() throws {
        let box = try Self.project(
            "user-code-errors",
            recipe: """
                a: build/a/{name}.jpg <- photos/*.jpg
                    python tools/fns.py
                b: build/b/{name}.jpg <- photos/*.jpg
                    run cwebp {in}
                c: build/c.jpg <- photos/*.jpg
                    run cat {in} {out}
                d: build/d/{name}.jpg <- photos/*.jpg
                    thumbnail width=10
                    python tools/fns.py:copy
                """)
        try box.write(
            "missing.imgmake",
            """
            e: build/e/{name}.jpg <- photos/*.jpg
                python tools/missing.py:copy
            """)
        let result = try box.imgmake("-n")
        #expect(result.status == 2, "\(result)")
        let errors = result.stderr
        #expect(errors.contains("Imgmakefile:2:12: error: expected FILE:FUNCTION, found 'tools/fns.py'"), "\(result)")
        #expect(
            errors.contains("Imgmakefile:4:5: error: 'run' does not say where the command writes the output: no {out} in its arguments"),
            "\(result)")
        #expect(errors.contains("Imgmakefile:6:13: error: unknown placeholder {in}"), "\(result)")
        #expect(errors.contains("{inputs} gives them, one argument each"), "\(result)")
        #expect(errors.contains("Imgmakefile:9:5: error: 'python' must be the only step of rule 'd'"), "\(result)")
        let missing = try box.imgmake("-n", "-f", "missing.imgmake")
        #expect(missing.status == 2, "\(missing)")
        #expect(
            missing.stderr.contains("missing.imgmake:2:12: error: file tools/missing.py does not exist and no rule makes it"), "\(missing)")
    }
}
