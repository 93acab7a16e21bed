import CVips
import CVipsLoader
import Foundation
import ImgmakeJob
import Testing

@testable import ImgmakeVips

/// imgmake's own webpsave (libwebp on the job's thread) writes the file libvips' webpsave writes, once
/// imgmake has removed the metadata libvips 8.14.1 adds despite `strip`.
@Suite struct WebPWriterTests {
    let folder: TestFolder
    init() throws { folder = try TestFolder() }

    private func source(alpha: Bool, width: Int = 75, height: Int = 49) throws -> String {
        try noisePhoto(in: folder, bands: alpha ? 4 : 3, width: width, height: height)
    }

    static let optionSets: [[(String, OperationValue)]] = [
        [], [("Q", .int(50))], [("Q", .int(95)), ("effort", .int(6))], [("effort", .int(0))],
        [("reduction_effort", .int(2))], [("lossless", .bool(true))], [("lossless", .bool(true)), ("Q", .int(10))],
        [("near_lossless", .bool(true)), ("Q", .int(60))], [("smart_subsample", .bool(true))],
        [("alpha_q", .int(30))], [("preset", .enumeration("text"))], [("preset", .enumeration("photo")), ("Q", .int(70))],
    ]

    @Test(arguments: [false, true], 0..<optionSets.count)
    func theFileIsWebpsavesByteForByte(alpha: Bool, set: Int) throws {
        let path = try source(alpha: alpha)
        let save =
            Self.optionSets[set].map { ResolvedArgument(name: $0.0, value: $0.1) } + [ResolvedArgument(name: "strip", value: .bool(true))]
        let theJob = job([path], steps: [], saver: "webpsave", save: save)
        try #require(WebPWriter.options(for: theJob) != nil)
        try #require(WebPWriter.takes(try ImageLoader.open(path)))

        // libvips' webpsave on the same image with the same options, then imgmake's removal of its metadata.
        let (ours, theirs, summary) = try writtenByBoth(theJob, in: folder, name: "\(alpha)-\(set).webp") {
            try MetadataStrip.finish($0, for: theJob)
        }
        #expect(ours == theirs, "options \(Self.optionSets[set])")
        #expect(summary.bytes == ours.count && summary.width == 75 && summary.bands == (alpha ? 4 : 3))
        #expect(try ImageLoader.open(folder.file("ours-\(alpha)-\(set).webp")).bands == (alpha ? 4 : 3))
    }

    /// The writer takes only what it writes as webpsave would: stripped, known options, 8-bit sRGB in one page.
    @Test func theWriterTakesOnlyTheJobsItWritesExactly() throws {
        func options(_ save: [(String, OperationValue)]) -> cvips_webp_options? {
            WebPWriter.options(
                for: job(["a.png"], steps: [], saver: "webpsave", save: save.map { ResolvedArgument(name: $0.0, value: $0.1) }))
        }
        let q = try #require(options([("Q", .int(80)), ("strip", .bool(true))]))
        #expect(q.quality == 80 && q.effort == 4 && q.alpha_quality == 100 && !q.lossless)
        #expect(options([("Q", .int(80))]) == nil)  // metadata kept: libvips writes the chunks
        #expect(options([("strip", .bool(true)), ("strip", .bool(false))]) == nil)
        #expect(options([("strip", .bool(true)), ("page-height", .int(10))]) == nil)  // an option it does not know
        #expect(options([("strip", .bool(true)), ("kmax", .int(10)), ("profile", .string("srgb"))]) != nil)
        #expect(
            WebPWriter.options(
                for: job(["a.png"], steps: [], saver: "pngsave", save: [ResolvedArgument(name: "strip", value: .bool(true))])) == nil)

        let rgb = try ImageLoader.open(try source(alpha: false))
        #expect(WebPWriter.takes(rgb))
        #expect(!WebPWriter.takes(try vips("colourspace", rgb, ("space", .enumeration("b-w")))))
        #expect(!WebPWriter.takes(try vips("cast", rgb, ("format", .enumeration("ushort")))))
        #expect(!WebPWriter.takes(try ImageLoader.open(try source(alpha: false, width: 16384, height: 2))))
    }

    /// Once its metadata chunks are gone, a WebP whose VP8X chunk announces nothing else is written in the
    /// simple format (what libwebp writes for an image without metadata); one with an alpha chunk keeps VP8X.
    @Test(arguments: [false, true])
    func aFileWithoutMetadataIsInTheSimpleFormat(alpha: Bool) throws {
        let photo = try MetadataPhoto(in: folder, bands: alpha ? 4 : 3)
        let output = folder.file("kept-\(alpha).webp")
        var call = VipsOperationCall("webpsave")
        call.set("in", .image(try ImageLoader.open(photo.path)))
        call.set("filename", .value(.string(output)))
        _ = try call.run()
        let before = try Data(contentsOf: URL(fileURLWithPath: output))
        try #require(Self.chunks(before).contains("EXIF"))
        let after = try #require(WebPChunks.removingMetadata(from: before))
        #expect(Self.chunks(after) == (alpha ? ["VP8X", "ALPH", "VP8 "] : ["VP8 "]))
        try after.write(to: URL(fileURLWithPath: output))
        let reread = try ImageLoader.open(output)
        #expect(reread.bands == (alpha ? 4 : 3) && reread.fieldNames.filter { $0.hasPrefix("exif") }.isEmpty)
    }

    static func chunks(_ data: Data) -> [String] {
        let bytes = [UInt8](data)
        var codes: [String] = []
        var offset = 12
        while offset + 8 <= bytes.count {
            codes.append(String(decoding: bytes[offset..<offset + 4], as: UTF8.self))
            let size = bytes[offset + 4..<offset + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            offset += 8 + size + size % 2
        }
        return codes
    }
}

/// imgmake's own jpegsave (libjpeg on the job's thread) writes the file libvips' jpegsave writes when it strips.
@Suite struct JPEGWriterTests {
    let folder: TestFolder
    init() throws { folder = try TestFolder() }

    static let optionSets: [[(String, OperationValue)]] = [
        [], [("Q", .int(50))], [("Q", .int(90))], [("Q", .int(95)), ("subsample_mode", .enumeration("on"))],
        [("subsample_mode", .enumeration("off"))], [("no_subsample", .bool(true)), ("subsample_mode", .enumeration("on"))],
        [("optimize_coding", .bool(true))], [("interlace", .bool(true))], [("restart_interval", .int(4))],
        [("trellis_quant", .bool(false)), ("profile", .string("srgb"))],
    ]

    @Test(arguments: [1, 3], 0..<optionSets.count)
    func theFileIsJpegsavesByteForByte(bands: Int, set: Int) throws {
        let path = try noisePhoto(in: folder, bands: bands, width: 77, height: 45)
        let save =
            Self.optionSets[set].map { ResolvedArgument(name: $0.0, value: $0.1) } + [ResolvedArgument(name: "strip", value: .bool(true))]
        let theJob = job([path], steps: [], saver: "jpegsave", save: save)
        try #require(JPEGWriter.options(for: theJob) != nil)
        try #require(JPEGWriter.takes(try ImageLoader.open(path)))
        let (ours, theirs, summary) = try writtenByBoth(theJob, in: folder, name: "\(bands)-\(set).jpg")
        #expect(ours == theirs, "options \(Self.optionSets[set])")
        #expect(summary.bytes == ours.count && summary.bands == bands)
    }

    /// An image with alpha that the job flattens on white (no `flatten` step, no `background`) is flattened
    /// as jpegsave's conversion flattens it: the same file as jpegsave's with `background=255`.
    @Test(arguments: [2, 4])
    func alphaFlattenedOnWhiteIsJpegsavesToo(bands: Int) throws {
        var image = try ImageLoader.open(try noisePhoto(in: folder, bands: 4, width: 75, height: 49))
        if bands == 2 {
            let grey = try vips("colourspace", image, ("space", .enumeration("b-w")))
            image = grey
        }
        let path = folder.file("alpha-\(bands).png")
        var png = VipsOperationCall("pngsave")
        png.set("in", .image(image))
        png.set("filename", .value(.string(path)))
        _ = try png.run()
        let strip = ResolvedArgument(name: "strip", value: .bool(true))
        let theJob = ImageJob(
            sources: [path], isAggregate: false, loadOptions: [], steps: [], saver: "jpegsave", saveOptions: [strip],
            maxPixels: 100_000_000, flattensAlphaOnWhite: true)
        let source = try ImageLoader.open(path)
        try #require(source.bands == bands && JPEGWriter.options(for: theJob) != nil)
        try #require(try JPEGWriter.encoded(source, for: theJob) != nil)
        let ours = folder.file("ours-alpha-\(bands).jpg")
        _ = try ImageRunner.run(theJob, writingTo: ours)
        let reference = folder.file("libvips-alpha-\(bands).jpg")
        var call = VipsOperationCall("jpegsave")
        call.set("in", .image(source))
        call.set("filename", .value(.string(reference)))
        call.set("strip", .value(.bool(true)))
        call.set("background", .value(.arrayDouble([255])))
        _ = try call.run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: ours)) == (try Data(contentsOf: URL(fileURLWithPath: reference))))
        #expect(try ImageLoader.open(ours).bands == bands - 1)
    }

    @Test func theWriterTakesOnlyTheJobsItWritesExactly() throws {
        func options(_ save: [(String, OperationValue)]) -> cvips_jpeg_options? {
            JPEGWriter.options(
                for: job(["a.png"], steps: [], saver: "jpegsave", save: save.map { ResolvedArgument(name: $0.0, value: $0.1) }))
        }
        let q = try #require(options([("Q", .int(85)), ("strip", .bool(true))]))
        #expect(q.quality == 85 && q.subsample_mode == 0 && !q.optimize_coding && !q.interlace)
        #expect(options([("Q", .int(85))]) == nil)  // metadata kept
        #expect(options([("strip", .bool(true)), ("trellis_quant", .bool(true))]) == nil)  // libvips warns: its own run
        #expect(options([("strip", .bool(true)), ("page-height", .int(10))]) == nil)
        let rgba = try ImageLoader.open(try folder.image("rgba.png", width: 8, height: 8, bands: 4))
        #expect(!JPEGWriter.takes(rgba))
        #expect(JPEGWriter.takes(try vips("extract_band", rgba, ("band", .int(0)), ("n", .int(3)))))
    }
}

/// A copy to memory computed on the calling thread (one libvips thread per job) has the pixels and fields of
/// libvips' own copy, and a damaged source fails it the same way.
@Suite struct ComputedHereTests {
    let folder: TestFolder
    init() throws { folder = try TestFolder() }

    @Test(arguments: ["uchar", "ushort", "float"])
    func theCopyIsLibvipsCopy(format: String) throws {
        let source = try ImageLoader.open(try folder.image("noise.png", width: 131, height: 203, bands: 4))
        let image = try vips("rotate", try vips("cast", source, ("format", .enumeration(format))), ("angle", .double(30)))
        let here = try image.copiedToMemory(for: "test", onThisThread: true)
        let pooled = try image.copiedToMemory(for: "test", onThisThread: false)
        #expect((here.width, here.height, here.bands, here.format) == (pooled.width, pooled.height, pooled.bands, format))
        #expect(here.interpretation == pooled.interpretation && here.fieldNames == pooled.fieldNames)
        let bytes = here.width * here.height * here.bands * ["uchar": 1, "ushort": 2, "float": 4][format, default: 0]
        let a = Data(bytes: try #require(cvips_image_data(here.pointer)), count: bytes)
        let b = Data(bytes: try #require(cvips_image_data(pooled.pointer)), count: bytes)
        #expect(a == b)
    }

    @Test func aDamagedSourceFailsTheCopy() throws {
        let cut = try folder.truncated(try folder.image("whole.jpg", width: 600, height: 400), to: "cut.jpg", keeping: 0.4)
        let image = try ImageLoader.load(cut, options: [ResolvedArgument(name: "fail-on", value: .enumeration("truncated"))]).image
        #expect(throws: VipsError.self) { try image.copiedToMemory(for: "webpsave", onThisThread: true) }
    }
}

/// A photo-like source as a PNG: `bands` different noise bands (1: grey, `b-w`; 3: RGB; 4: RGB and an alpha that
/// varies), smoothed, of odd sizes.
func noisePhoto(in folder: TestFolder, bands: Int, width: Int, height: Int) throws -> String {
    var join = VipsOperationCall("bandjoin")
    join.set(
        "in",
        .images(
            try (1...bands).map { seed in
                var noise = VipsOperationCall("gaussnoise")
                noise.set("width", .value(.int(width)))
                noise.set("height", .value(.int(height)))
                noise.set("mean", .value(.double(128)))
                noise.set("sigma", .value(.double(50)))
                noise.set("seed", .value(.int(seed)))
                return try vips("gaussblur", try #require(try noise.run()["out"]), ("sigma", .double(1.2)))
            }))
    var image = try vips("cast", try #require(try join.run()["out"]), ("format", .enumeration("uchar")))
    if bands == 1 { image = try vips("copy", image, ("interpretation", .enumeration("b-w"))) }
    let path = folder.file("source-\(bands)-\(width)x\(height).png")
    var png = VipsOperationCall("pngsave")
    png.set("in", .image(image))
    png.set("filename", .value(.string(path)))
    _ = try png.run()
    return path
}

/// The file `job` (one source, no steps) writes through ImageRunner, and the file libvips' own saver writes from
/// the same source with the same options (then `finish` on it), and ImageRunner's summary.
func writtenByBoth(
    _ job: ImageJob, in folder: TestFolder, name: String, finish: (String) throws -> Void = { _ in }
) throws -> (ours: Data, theirs: Data, summary: ImageSummary) {
    let ours = folder.file("ours-" + name)
    let summary = try ImageRunner.run(job, writingTo: ours)
    let theirs = folder.file("libvips-" + name)
    var call = VipsOperationCall(job.saver)
    call.set("in", .image(try ImageLoader.open(job.sources[0])))
    call.set("filename", .value(.string(theirs)))
    for option in job.saveOptions { call.set(option.name, .value(option.value)) }
    _ = try call.run()
    try finish(theirs)
    return (try Data(contentsOf: URL(fileURLWithPath: ours)), try Data(contentsOf: URL(fileURLWithPath: theirs)), summary)
}
