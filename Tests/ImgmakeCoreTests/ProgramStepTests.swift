import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

#if canImport(Glibc)
    import Glibc
#endif

/// README's *Your own code* on the fake disk and catalog: how `run`, `python` and `worker` steps are checked,
/// expanded and fingerprinted, and how their results are kept in the state.
@Suite struct ProgramStepTests {
    static let files = ["photos/a.jpg", "photos/b.jpg", "tools/augment.py", "tools/resize.sh", "assets/lut.cube"]

    func errors(_ recipe: String) -> [String] { TestTree(recipe: recipe, files: Self.files).errors() }

    /// The job of `output` (relative to the tree) in `recipe`.
    func job(_ recipe: String, _ output: String) throws -> (job: ImageJob, inputs: [String]) {
        let tree = TestTree(recipe: recipe, files: Self.files)
        let session = try tree.session()
        let edge = try #require(session.graph.producer[tree.root + "/" + output])
        let value = session.graph.edges[edge]
        return (value.job, value.inputs.map { String($0.dropFirst(tree.root.count + 1)) })
    }

    @Test func programRulesAreCheckedWithTheirPlaces() {
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    python tools/augment.py\n") == [
                "Imgmakefile:2:12: error: expected FILE:FUNCTION, found 'tools/augment.py'\n    for example: python tools/augment.py:random_crop"
            ])
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    python\n").first?.hasPrefix(
                "Imgmakefile:2:5: error: 'python' needs the function to call: FILE:FUNCTION") == true)
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    python tools/augment.py:f extra\n").first?.hasPrefix(
                "Imgmakefile:2:31: error: 'python' takes FILE:FUNCTION, then NAME=VALUE arguments") == true)
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    python tools/augment.py:f 2x=1\n").first?.hasPrefix(
                "Imgmakefile:2:31: error: '2x' is not a Python argument name") == true)
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    python tools/augment.py:f x=1 x=2\n").first?.hasPrefix(
                "Imgmakefile:2:35: error: argument 'x' is given twice") == true)
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    python tools/augment.py:f x={out}\n").first?.contains(
                "unknown placeholder {out}") == true)
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    run cwebp {in}\n").first?.hasPrefix(
                "Imgmakefile:2:5: error: 'run' does not say where the command writes the output") == true)
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    run\n").first?.hasPrefix("Imgmakefile:2:5: error: 'run' needs a command") == true
        )
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    run {name} {out}\n").first?.hasPrefix(
                "Imgmakefile:2:9: error: the command's program cannot have a placeholder") == true)
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    run cat x{inputs} {out}\n").first?.hasPrefix(
                "Imgmakefile:2:13: error: {inputs} must be a word of its own") == true)
        let aggregate = errors("a: out/all.png <- photos/*.jpg\n    run cat {in} {out}\n")
        #expect(aggregate.first?.hasPrefix("Imgmakefile:2:13: error: unknown placeholder {in}") == true, "\(aggregate)")
        #expect(aggregate.first?.contains("{inputs} gives them, one argument each") == true, "\(aggregate)")
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    thumbnail 10\n    run cp {in} {out}\n").first?.hasPrefix(
                "Imgmakefile:3:5: error: 'run' must be the only step of rule 'a'") == true)
        #expect(
            errors("a: out/{name}.png <- photos/*.jpg\n    worker\n").first?.hasPrefix("Imgmakefile:2:5: error: 'worker' needs a command")
                == true)
        // No saver is needed for what user code writes, and an aggregate needs no combining step.
        #expect(errors("a: out/stats.json <- photos/*.jpg\n    python tools/augment.py:summarize\n") == [])
        #expect(errors("a: out/{name}.txt <- photos/*.jpg\n    run sh -c \"echo $$0 > $$1\" {in} {out}\n") == [])
    }

    @Test func aRunStepExpandsToArgvWithItsPathsFilledInWhenTheJobRuns() throws {
        let (job, inputs) = try job(
            "a: out/{name}.webp <- photos/*.jpg\n    run ./tools/resize.sh -o={out} --lut @assets/lut.cube \"two words\" {name}.x {in}\n",
            "out/a.webp")
        let program = try #require(job.program)
        #expect(program.kind == .run && job.steps.isEmpty && job.saver.isEmpty)
        let argv = program.command.flatMap { $0.expanded(sources: ["/t/photos/a.jpg"], output: "/t/out/.tmp.webp") }
        #expect(
            argv == ["/t/tools/resize.sh", "-o=/t/out/.tmp.webp", "--lut", "/t/assets/lut.cube", "two words", "a.x", "/t/photos/a.jpg"])
        // The program in the tree and the @ file are inputs of the output; the source first.
        #expect(inputs == ["photos/a.jpg", "assets/lut.cube", "tools/resize.sh"], "\(inputs)")
        #expect(program.checksImage, ".webp names an image format")
        #expect(program.directory == "/t")
        // A program found on PATH is no input; {inputs} is one word per source.
        let (sheet, sheetInputs) = try self.job("s: out/names.txt <- photos/*.jpg\n    run ls {inputs} {out}\n", "out/names.txt")
        #expect(sheetInputs == ["photos/a.jpg", "photos/b.jpg"])
        let words = try #require(sheet.program).command.flatMap { $0.expanded(sources: sheet.sources, output: "O") }
        #expect(words == ["ls", "/t/photos/a.jpg", "/t/photos/b.jpg", "O"])
        #expect(sheet.program?.checksImage == false, ".txt is no image format")
    }

    @Test func aPythonStepTypesItsValuesAndItsFileIsAnInput() throws {
        let (job, inputs) = try job(
            "PYTHON = /opt/venv/bin/python -X dev\nc: out/{name}.jpg <- photos/*.jpg\n"
                + "    python tools/augment.py:crop size=224 scale=0.5 mirror=true seed={name} label=\"7\" zip=007 lut=@assets/lut.cube word=attention\n",
            "out/b.jpg")
        let program = try #require(job.program)
        #expect(program.kind == .python && program.module == "/t/tools/augment.py" && program.function == "crop")
        #expect(program.command.map(\.canonicalText) == ["/opt/venv/bin/python", "-X", "dev"])
        let values = Dictionary(uniqueKeysWithValues: program.arguments.map { ($0.name, $0.value) })
        #expect(values["size"] == .int(224) && values["scale"] == .double(0.5) && values["mirror"] == .bool(true))
        #expect(values["seed"] == .string("b"), "a value with a placeholder is a string")
        #expect(values["label"] == .string("7"), "a quoted value is a string")
        #expect(values["zip"] == .int(7))
        #expect(values["lut"] == .string("/t/assets/lut.cube") && values["word"] == .string("attention"))
        #expect(
            program.arguments.map(\.name) == ["size", "scale", "mirror", "seed", "label", "zip", "lut", "word"], "in the order written")
        #expect(inputs == ["photos/b.jpg", "tools/augment.py", "assets/lut.cube"], "\(inputs)")
        #expect(ProgramValue.string("a\"b\\\n").json == #""a\"b\\\n""#)
    }

    @Test func theFingerprintFollowsTheExpandedStepAndNotWhereTheTreeIs() throws {
        func fingerprint(_ recipe: String, root: String = "/t") throws -> UInt64 {
            let (job, _) = try self.job(recipe, "out/a.png")
            var moved = job
            if root != "/t" {
                func move(_ text: String) -> String { text == "/t" ? root : text.hasPrefix("/t/") ? root + text.dropFirst(2) : text }
                var program = try #require(job.program)
                program.module = program.module.map(move)
                program.directory = move(program.directory)
                program.command = program.command.map { word in
                    CommandWord(word.pieces.map { if case .text(let t) = $0 { .text(move(t)) } else { $0 } })
                }
                moved.program = program
            }
            return RecipeFingerprint.of(moved, root: root, libraryVersion: "vips-8.14.1")
        }
        let python = "a: out/{name}.png <- photos/*.jpg\n    python tools/augment.py:crop size=224\n"
        let base = try fingerprint(python)
        #expect(try fingerprint(python, root: "/elsewhere/clone") == base, "a clone keeps its fingerprints")
        #expect(try fingerprint(python.replacing("224", with: "225")) != base)
        #expect(try fingerprint(python.replacing("crop", with: "crop2")) != base)
        #expect(try fingerprint("PYTHON = python3.12\n" + python) != base, "the interpreter matters")
        #expect(try fingerprint(python.replacing("size=224", with: "size=\"224\"")) != base, "a string is not an int")
        let run = "a: out/{name}.png <- photos/*.jpg\n    run ./tools/resize.sh {in} {out}\n"
        #expect(try fingerprint(run, root: "/elsewhere") == fingerprint(run))
        #expect(try fingerprint(run) != fingerprint(run.replacing("{in} {out}", with: "{out} {in}")))
        // libvips' version does not matter to user code.
        let (job, _) = try self.job(python, "out/a.png")
        #expect(RecipeFingerprint.of(job, root: "/t", libraryVersion: "vips-8.15") == base)
    }

    @Test func aResultIsKeptInTheLogAndTheSnapshotAndSurvivesARefresh() throws {
        let record = BuildRecord(
            output: "out/a.png", outputStamp: FileStamp(mtime: 5, size: 9), recipeFingerprint: 3,
            inputs: [InputRecord(path: "photos/a.jpg", stamp: FileStamp(mtime: 1, size: 2))], builtAt: 7,
            recipe: "Imgmakefile", result: #"{"mean":[1.5,2],"note":"tab\there\nand newline"}"#)
        let line = BuildLogCodec.encode(record)
        #expect(BuildLogCodec.decode(line.dropLast()) == .record(record))
        var noResult = record
        noResult.result = nil
        #expect(BuildLogCodec.decode(BuildLogCodec.encode(noResult).dropLast()) == .record(noResult))
        #expect(BuildLogCodec.encode(noResult).count < line.count)

        let disk = MemoryDisk()
        let state = BuildState(root: "/t", disk: disk)
        try state.record(record)
        try state.record(
            BuildRecord(output: "out/b.png", outputStamp: FileStamp(mtime: 5, size: 9), recipeFingerprint: 3, inputs: [], builtAt: 7))
        try state.compactIfNeeded(force: true)
        let reloaded = BuildState(root: "/t", disk: disk)
        #expect(reloaded.newestRecord(of: "out/a.png") == record, "through the snapshot")
        #expect(reloaded.newestRecord(of: "out/b.png")?.result == nil)
    }

    @Test func anUpToDateOutputsResultComesFromTheState() throws {
        // The builder records the outcome's result; a later run without the job reads it back for the report.
        let tree = TestTree(recipe: "a: out/{name}.png <- photos/*.jpg\n    python tools/augment.py:crop\n", files: Self.files)
        let (session, builder, executor) = try tree.makeBuilder()
        executor.result.withLock { $0 = #"{"n":1}"# }
        _ = try builder.build(session.edges(for: []))
        let record = session.state.newestRecord(of: "out/a.png")
        #expect(record?.result == #"{"n":1}"#, "\(String(describing: record))")
        #expect(builder.results.allSatisfy { $0.result == #"{"n":1}"# })
    }

    @Test func userCodeTemporariesKeepTheOutputsExtensionAndAreKnownAsTemporaries() throws {
        let path = TemporaryFiles.shared.make(for: "/t/out/a.png", keepingExtension: true)
        defer { TemporaryFiles.shared.release(path) }
        #expect(path.hasSuffix(".tmp.png") && PathName.fileName(path).hasPrefix(".a.png.imgmake-"))
        #expect(TemporaryFiles.writer(ofTemporary: PathName.fileName(path))?.pid == getpid())
        #expect(TemporaryFiles.writer(ofTemporary: ".a.png.imgmake-12-34-5.tmp.png")! == (pid: 12, start: 34))
        #expect(TemporaryFiles.writer(ofTemporary: ".a.png.imgmake-12-34-5.tmp.png.bak") == nil)
        #expect(TemporaryFiles.writer(ofTemporary: ".a.png.imgmake-12-34-5.tmpx") == nil)
    }
}
