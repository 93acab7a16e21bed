import Foundation
import ImgmakeJob
import Testing

@testable import ImgmakeVips

/// Jobs that fail, one at a time: their messages come from libvips' process-wide error buffer (other
/// suites' tests make no libvips errors).
@Suite(.serialized) struct FailureTests {
    let folder: TestFolder
    init() throws { folder = try TestFolder() }

    private func failure(_ job: ImageJob) throws -> ImageJobError {
        let output = folder.file("out-\(UUID().uuidString)")
        do {
            _ = try ImageRunner.run(job, writingTo: output)
        } catch let error as ImageJobError {
            return error
        }
        Issue.record("the job succeeded")
        throw CancellationError()
    }

    @Test func truncatedJpegFailsInsteadOfGrayFill() throws {
        let whole = try folder.image("whole.jpg", width: 1200, height: 900)
        let cut = try folder.truncated(whole, to: "cut.jpg", keeping: 0.4)
        // imgmake's thumbnail decodes in its own step; other steps leave the decoding to the saver.
        for (steps, failing) in [
            ([step("thumbnail", ("width", .int(320)))], "thumbnail"),
            ([step("thumbnail", ("width", .int(320)), ("libvips", .bool(true)))], "webpsave"),
            ([step("rotate", ("angle", .int(90)))], "webpsave"),
        ] {
            let error = try failure(job([cut], steps: steps, saver: "webpsave"))
            #expect(error.step == failing)
            #expect(error.input == cut)
            #expect(error.message.contains("Premature end"))
            #expect(!error.message.contains("\n\n"))
        }
    }

    /// A socket named like an image (globs skip it; an input replaced by one after the graph was made still
    /// reaches the loader): "not a regular file", not a loader that sniffing guessed (`radload`).
    @Test func socketIsNotARegularFile() throws {
        let path = folder.file("x.jpg")
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            path.utf8CString.withUnsafeBytes { raw.copyMemory(from: $0) }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0, "bind: \(String(cString: strerror(errno)))")
        for steps in [[step("thumbnail", ("width", .int(32)))], [step("rotate", ("angle", .int(90)))]] {
            let error = try failure(job([path], steps: steps))
            #expect(error.step == "load")
            #expect(error.input == path)
            #expect(error.message == "\"\(path)\" is not a regular file (a socket)")
        }
    }

    @Test func emptyFileFails() throws {
        let empty = folder.file("empty.jpg")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let error = try failure(job([empty], steps: [step("thumbnail", ("width", .int(32)))]))
        #expect(error.step == "load")
        #expect(error.input == empty)
        #expect(error.message == "\"\(empty)\" is an empty file")
        // Without a pixel limit the header is read first all the same (for the colour profile), so the
        // error is the same.
        let unlimited = try failure(job([empty], steps: [step("thumbnail", ("width", .int(32)))], maxPixels: 0))
        #expect(unlimited.step == "load")
        #expect(unlimited.message == "\"\(empty)\" is an empty file")
    }

    @Test func notAnImageFails() throws {
        let text = folder.file("notes.png")
        try "not an image at all".write(toFile: text, atomically: true, encoding: .utf8)
        let error = try failure(job([text], steps: [step("invert")]))
        #expect(error.step == "load")
        #expect(error.message == "VipsForeignLoad: \"\(text)\" is not a known file format")
    }

    @Test func missingFileFails() throws {
        let error = try failure(job([folder.file("nope.png")], steps: [step("invert")]))
        #expect(error.step == "load")
        #expect(error.message.contains("No such file or directory"))
    }

    @Test func pixelLimitRefusesFromTheHeader() throws {
        let big = try folder.image("big.png", width: 2000, height: 2000, bands: 1)
        for steps in [[step("thumbnail", ("width", .int(100)))], [step("invert")]] {
            let error = try failure(job([big], steps: steps, maxPixels: 1_000_000))
            #expect(error.step == "pixel limit")
            #expect(error.input == big)
            #expect(error.message == "2000×2000 = 4000000 pixels, over --max-pixels 1000000")
        }
        #expect(
            try ImageRunner.run(
                job([big], steps: [step("thumbnail", ("width", .int(100)))], maxPixels: 4_000_000),
                writingTo: folder.file("ok.png")
            ).width == 100)
        let base = try folder.image("base.png", width: 100, height: 100)
        let overlay = try failure(
            job(
                [base], steps: [step("composite2", ("overlay", .imageFile(big)), ("mode", .enumeration("over")))],
                maxPixels: 1_000_000))
        #expect(overlay.step == "pixel limit" && overlay.input == big)
    }

    @Test func badArgumentValues() throws {
        let source = try folder.image("s.png", width: 50, height: 50)
        let crop = try failure(job([source], steps: [step("thumbnail", ("width", .int(20)), ("crop", .enumeration("middle")))]))
        #expect(crop.step == "thumbnail")
        #expect(crop.message.contains("crop") && crop.message.contains("attention"))
        let range = try failure(job([source], steps: [step("thumbnail", ("width", .int(0)))]))
        #expect(range.message.contains("out of range"))
        let name = try failure(job([source], steps: [step("invert", ("strength", .int(2)))]))
        #expect(name.step == "invert" && name.message.contains("strength"))
        let unknown = try failure(job([source], steps: [step("no_such_op")]))
        #expect(unknown.step == "no_such_op")
    }

    @Test func aggregateIntoASingleImageStepFails() throws {
        let a = try folder.image("a.png", width: 10, height: 10)
        let error = try failure(job([a, a], aggregate: true, steps: [step("invert")]))
        #expect(error.step == "invert" && error.message.contains("2 inputs"))
    }

    @Test func badOverlayNamesItsFile() throws {
        let source = try folder.image("s.png", width: 50, height: 50)
        let missing = folder.file("logo.png")
        let error = try failure(
            job([source], steps: [step("composite2", ("overlay", .imageFile(missing)), ("mode", .enumeration("over")))]))
        #expect(error.step == "load" && error.input == missing)
    }

    /// Failing and succeeding jobs at once: each failure gets its own message, not a neighbour's.
    @Test func concurrentFailuresKeepTheirOwnMessages() throws {
        let whole = try folder.image("whole.jpg", width: 1000, height: 800)
        var jobs: [(job: ImageJob, output: String)] = []
        for index in 0..<4 {
            let cut = try folder.truncated(whole, to: "cut\(index).jpg", keeping: 0.3)
            let empty = folder.file("empty\(index).png")
            #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
            jobs.append((job([cut], steps: [step("thumbnail", ("width", .int(200)))], saver: "webpsave"), folder.file("c\(index)")))
            jobs.append((job([empty], steps: [step("invert")], maxPixels: 0), folder.file("e\(index)")))
            jobs.append((job([whole], steps: [step("thumbnail", ("width", .int(100)))], saver: "jpegsave"), folder.file("w\(index)")))
        }
        for (index, result) in runOnThreads(4, jobs).enumerated() {
            switch (index % 3, result) {
            case (0, .failure(let error as ImageJobError)):
                #expect(error.step == "thumbnail")
                #expect(error.message == "VipsJpeg: Premature end of input file")
            case (1, .failure(let error as ImageJobError)):
                #expect(error.step == "load")
                #expect(error.message == "\"\(jobs[index].job.sources[0])\" is an empty file")
            case (2, .success):
                break
            default:
                Issue.record("job \(index): unexpected \(result)")
            }
        }
    }

    @Test func unknownSaverExtensionGivesNilWithoutAnError() {
        #expect(VipsCatalog.shared.saverNickname(forPath: "a.xyz") == nil)
        #expect(VipsRuntime.lastError().isEmpty)
    }
}
