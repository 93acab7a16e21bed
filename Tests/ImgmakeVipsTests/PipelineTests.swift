import Foundation
import ImgmakeJob
import Testing

@testable import ImgmakeVips

/// Jobs that succeed. (Failing jobs are in `FailureTests`, which must not run beside other failures.)
@Suite struct PipelineTests {
    let folder: TestFolder
    init() throws { folder = try TestFolder() }

    @Test func thumbnailSharpenWebp() throws {
        let source = try folder.image("photo.jpg", width: 800, height: 600)
        let output = folder.file("thumb.tmp-1")  // odd extension: the saver is chosen by the job
        let summary = try ImageRunner.run(
            job(
                [source],
                steps: [
                    step("thumbnail", ("width", .int(320)), ("height", .int(320)), ("crop", .enumeration("attention"))),
                    step("sharpen", ("sigma", .double(0.5))),
                ], saver: "webpsave",
                save: [ResolvedArgument(name: "Q", value: .int(80)), ResolvedArgument(name: "strip", value: .bool(true))]),
            writingTo: output)
        #expect(summary.width == 320 && summary.height == 320 && summary.bands == 3)
        #expect(summary.bytes == (try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int))
        let written = try ImageLoader.open(output)
        #expect(written.loader == "webpload")
        #expect(written.width == 320 && written.height == 320)
    }

    @Test func thumbnailKeepsAspectWithoutCrop() throws {
        let source = try folder.image("wide.png", width: 400, height: 100)
        let summary = try ImageRunner.run(
            job([source], steps: [step("thumbnail", ("width", .int(100)))]),
            writingTo: folder.file("out.png"))
        #expect(summary.width == 100 && summary.height == 25)
    }

    @Test func rotateALoadedImage() throws {
        let source = try folder.image("photo.jpg", width: 300, height: 200)
        let summary = try ImageRunner.run(
            job([source], steps: [step("rotate", ("angle", .int(90)))], saver: "jpegsave"),
            writingTo: folder.file("rotated.jpg"))
        #expect(summary.width == 200 && summary.height == 300)
    }

    @Test func zeroStepsConvertsTheSource() throws {
        let source = try folder.image("in.png", width: 64, height: 48, bands: 4)
        let summary = try ImageRunner.run(job([source], steps: []), writingTo: folder.file("out.tif"))
        #expect(summary.width == 64 && summary.height == 48 && summary.bands == 4)
    }

    @Test func aggregateArrayjoin() throws {
        let sources = try (0..<4).map { try folder.image("t\($0).webp", width: 100, height: 80) }
        let summary = try ImageRunner.run(
            job(
                sources, aggregate: true,
                steps: [
                    step("arrayjoin", ("across", .int(2)), ("shim", .int(8)), ("background", .arrayDouble([255])))
                ], saver: "jpegsave"), writingTo: folder.file("sheet.jpg"))
        #expect(summary.width == 208 && summary.height == 168)
    }

    @Test func aggregateOfOneIntoASingleImageStep() throws {
        let source = try folder.image("only.png", width: 100, height: 50)
        let summary = try ImageRunner.run(
            job([source], aggregate: true, steps: [step("thumbnail", ("width", .int(50)))]),
            writingTo: folder.file("one.png"))
        #expect(summary.width == 50 && summary.height == 25)
    }

    @Test func composite2WithAnOverlayFile() throws {
        let base = try folder.image("base.jpg", width: 200, height: 150)
        let logo = try folder.image("logo.png", width: 40, height: 30, bands: 4)
        let summary = try ImageRunner.run(
            job(
                [base],
                steps: [
                    step("thumbnail", ("width", .int(100))),
                    step("composite2", ("overlay", .imageFile(logo)), ("mode", .enumeration("over")), ("x", .int(10)), ("y", .int(10))),
                ]), writingTo: folder.file("marked.png"))
        #expect(summary.width == 100 && summary.height == 75 && summary.bands == 4)
    }

    @Test func arrayInputTakesThePreviousImageFirst() throws {
        let source = try folder.image("a.png", width: 50, height: 40)
        let other = try folder.image("b.png", width: 50, height: 40)
        let summary = try ImageRunner.run(
            job(
                [source],
                steps: [
                    step("arrayjoin", ("in", .imageFiles([other, other])), ("across", .int(3)))
                ]), writingTo: folder.file("row.png"))
        #expect(summary.width == 150 && summary.height == 40)
    }

    @Test func mislabelledPngIsReadByContent() throws {
        let source = try folder.image("really-a-png.jpg", width: 120, height: 90, saver: "pngsave")
        let viaLoader = try ImageRunner.run(
            job([source], steps: [step("flip", ("direction", .enumeration("horizontal")))]),
            writingTo: folder.file("flipped.png"))
        #expect(viaLoader.width == 120)
        let viaThumbnail = try ImageRunner.run(
            job([source], steps: [step("thumbnail", ("width", .int(60)))]),
            writingTo: folder.file("small.png"))
        #expect(viaThumbnail.width == 60 && viaThumbnail.height == 45)
    }

    @Test func namesWithBracketsSpacesAndUnicode() throws {
        let source = try folder.image("a [draft] é].png", width: 80, height: 60)
        let thumb = try ImageRunner.run(
            job([source], steps: [step("thumbnail", ("width", .int(40)))]),
            writingTo: folder.file("out [1].png"))
        #expect(thumb.width == 40)
        let rotated = try ImageRunner.run(
            job([source], steps: [step("rot", ("angle", .enumeration("d90")))]),
            writingTo: folder.file("out [2]"))
        #expect(rotated.width == 60)
    }

    @Test func aLoadOptionTheLoaderLacksIsAnError() throws {
        let jpeg = try folder.image("photo.jpg", width: 100, height: 100)
        let png = try folder.image("photo.png", width: 100, height: 100)
        let options = [
            ResolvedArgument(name: "shrink", value: .int(2), origin: "`load shrink=2`, Imgmakefile:2:17"),
            ResolvedArgument(name: "access", value: .enumeration("sequential")),
        ]
        let shrunk = try ImageRunner.run(job([jpeg], steps: [step("invert")], load: options), writingTo: folder.file("a.png"))
        #expect(shrunk.width == 50)
        for steps in [[step("invert")], [step("thumbnail", ("width", .int(10)))]] {
            #expect {
                try ImageRunner.run(job([png], steps: steps, load: options), writingTo: folder.file("b.png"))
            } throws: { error in
                let failure = error as? ImageJobError
                return failure?.input == png && failure?.step == "load"
                    && failure?.message == "the png loader (pngload) has no option 'shrink' (from `load shrink=2`, Imgmakefile:2:17)"
            }
        }
    }

    @Test func multiPageLoadOption() throws {
        let page = try folder.image("page.png", width: 30, height: 20)
        let pages = try ImageRunner.run(
            job(
                [page, page, page], aggregate: true, steps: [step("arrayjoin", ("across", .int(1)))],
                saver: "tiffsave", save: [ResolvedArgument(name: "page-height", value: .int(20))]),
            writingTo: folder.file("pages.tif"))
        #expect(pages.height == 60)
        let all = try ImageRunner.run(
            job([folder.file("pages.tif")], steps: [], load: [ResolvedArgument(name: "n", value: .int(-1))]),
            writingTo: folder.file("all.png"))
        #expect(all.width == 30 && all.height == 60)
        let first = try ImageRunner.run(job([folder.file("pages.tif")], steps: []), writingTo: folder.file("first.png"))
        #expect(first.height == 20)
    }

    @Test func avifFromAnOddTemporaryName() throws {
        let source = try folder.image("photo.png", width: 64, height: 64)
        let output = folder.file("out.avif.tmp-7")
        _ = try ImageRunner.run(
            job(
                [source], steps: [], saver: "heifsave",
                save: VipsCatalog.shared.saveOptions(impliedByPath: "out.avif") + [ResolvedArgument(name: "effort", value: .int(0))]),
            writingTo: output)
        #expect(try ImageLoader.open(output).fieldText("heif-compression") == "av1")
    }

    @Test func changedFileIsReadAfresh() throws {
        let path = try folder.image("changing.png", width: 40, height: 40)
        #expect(try ImageRunner.run(job([path], steps: []), writingTo: folder.file("o1.png")).width == 40)
        try folder.image("changing.png", width: 50, height: 40)
        #expect(try ImageRunner.run(job([path], steps: []), writingTo: folder.file("o2.png")).width == 50)
    }
}
