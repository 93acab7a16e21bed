import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 7, "Stress" (README's *How staleness works* and *Pools*), the light version that runs in CI (scripts/stress.sh is the long one):
/// -j16 builds of a few hundred small images in both pools give the same bytes and the same state; builds
/// killed at random moments (SIGINT and SIGKILL, both pools) leave no partial file, a state that loads, and
/// a next run that completes to exactly the clean build.
@Suite(.serialized) struct StressTests {
    static let imageCount = 80

    static let recipe = """
        all: thumbs turned sheet
        thumbs: out/t/{name}.webp <- src/*.png
            thumbnail 48 height=48 crop=centre
            sharpen sigma=0.5
        turned: out/r/{name}.png <- src/*.png
            rotate 90
        sheet: out/sheet.jpg <- out/t/*.webp
            arrayjoin across=10 shim=2
        """

    /// `count` distinct 64×64 images in src/: one noise picture cut in tiles by imgmake itself.
    static func project(_ name: String, count: Int = imageCount) throws -> Sandbox {
        let box = try Sandbox(name)
        let columns = 10
        let rows = (count + 9) / 10
        try box.image("t.png", width: columns * 64, height: rows * 64, seed: 17)
        let xs = (0..<columns).map { String($0 * 64) }.joined(separator: " ")
        let ys = (0..<rows).map { String($0 * 64) }.joined(separator: " ")
        try box.write(
            "tiles.imgmake",
            "tiles: src/{name}-{y}-{x}.png <- t.png\n    with x = \(xs)\n    with y = \(ys)\n    extract_area {x} {y} 64 64\n")
        let tiles = try box.imgmake("-q", "-j2", "-f", "tiles.imgmake")
        try #require(tiles.status == 0, "\(tiles)")
        for name in ["tiles.imgmake", "t.png", ".imgmake"] { try box.remove(name) }
        for extra in box.files(under: "src").dropFirst(count) { try box.remove(extra) }
        try box.write("Imgmakefile", recipe)
        return box
    }

    /// Every output's bytes.
    static func outputs(_ box: Sandbox) throws -> [String: Data] { try box.contents(under: "out") }

    /// The state as a set: each record's output, fingerprint and input paths (times differ between runs).
    static func records(_ box: Sandbox) throws -> Set<String> {
        var result: Set<String> = []
        let directory = box.path(".imgmake")
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasPrefix("log") {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            // `R` lines carry the recipe file after the fingerprint; `r` lines (log v1) do not.
            for line in text.split(separator: "\n") where line.hasPrefix("r\t") || line.hasPrefix("R\t") {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                let first = line.hasPrefix("R") ? 8 : 7
                guard fields.count >= first + 1 else { continue }
                let inputs = stride(from: first, to: fields.count - 1, by: 4).map { String(fields[$0]) }
                result.insert(([String(fields[2]), String(fields[5])] + inputs).joined(separator: " "))
            }
        }
        return result
    }

    @Test func repeatedJ16BuildsInBothPoolsAreIdentical() throws {
        let box = try Self.project("repeat")
        var reference: (files: [String: Data], records: Set<String>, list: String)?
        for pool in ["thread", "process", "thread", "process"] {
            try? box.remove("out")
            try? box.remove(".imgmake")
            let result = try box.imgmake("-q", "-j16", "--pool", pool)
            #expect(result.status == 0, "\(result)")
            let files = try Self.outputs(box)
            let records = try Self.records(box)
            let list = try box.imgmake("list").stdout
            #expect(files.count == 2 * Self.imageCount + 1, "[\(pool)] \(files.count) outputs")
            #expect(records.count == files.count, "[\(pool)] one record per output")
            #expect(box.temporaries().isEmpty)
            if let reference {
                #expect(files == reference.files, "[\(pool)] the same bytes as the first build")
                #expect(records == reference.records, "[\(pool)] the same state as the first build")
                #expect(list == reference.list, "[\(pool)] imgmake list")
            } else {
                reference = (files, records, list)
            }
        }
    }

    @Test func killedBuildsLoseNothingAndResumeToTheCleanBuild() throws {
        let box = try Self.project("kills")
        let clean = try box.imgmake("-q", "-j4")
        try #require(clean.status == 0, "\(clean)")
        let reference = try Self.outputs(box)
        let referenceRecords = try Self.records(box)
        let fullTime = max(clean.seconds, 0.5)
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        for (pool, signal) in [
            ("thread", SIGINT), ("process", SIGKILL), ("process", SIGINT), ("thread", SIGKILL),
            ("thread", SIGINT), ("process", SIGKILL), ("process", SIGINT), ("thread", SIGKILL),
        ] {
            if kills % 4 == 0 {
                try? box.remove("out")
                try? box.remove(".imgmake")
            }
            let started = Date()
            let process = try box.start(arguments: ["-q", "-j16", "--pool", pool])
            usleep(UInt32(Double.random(in: 0.05...(fullTime * 0.9), using: &generator) * 1_000_000))
            process.send(signal)
            let result = try process.wait(timeout: 60)
            kills += 1
            let what =
                "[\(pool) \(signal == SIGINT ? "SIGINT" : "SIGKILL") after \(String(format: "%.2f", Date().timeIntervalSince(started))) s]"
            if signal == SIGINT {
                #expect(result.status == 130 || result.status == 0, "\(what) \(result)")
                #expect(box.temporaries().isEmpty, "\(what) Ctrl-C removes temporaries: \(box.temporaries())")
            } else {
                #expect(result.status == 137 || result.status == 0, "\(what) \(result)")
                try waitForWorkers(of: box)
            }
            // Every output there is whole, and the same as in the clean build. (A SIGKILL leaves the hidden
            // temporaries of the jobs it cut short: not outputs; the next run removes them, checked at the end.)
            let files = try Self.outputs(box)
            for (file, data) in files where !Sandbox.isTemporary(file) {
                #expect(data == reference[file], "\(what) \(file) differs from the clean build (partial?)")
            }
            // The state loads; everything it records is there.
            let dry = try box.imgmake("-n", "-q")
            #expect(dry.status == 0, "\(what) \(dry)")
            #expect(try Self.records(box).isSubset(of: referenceRecords), "\(what) state records a run never made")
        }
        // A run that completes: the clean build, byte for byte; no temporary anywhere; then nothing to do.
        let resume = try box.imgmake("-q", "-j4", "--pool", "process")
        #expect(resume.status == 0, "\(resume)")
        #expect(try Self.outputs(box) == reference)
        #expect(try Self.records(box) == referenceRecords)
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
        try box.expectUpToDate()
    }

    /// After SIGKILL, the worker processes see their pipe close and exit; wait for them to be gone.
    private func waitForWorkers(of box: Sandbox) throws {
        try waitUntil("the killed build's workers to exit", timeout: 10, seen: { "\(Processes.working(in: box.root))" }) {
            Processes.working(in: box.root).isEmpty
        }
    }
}
