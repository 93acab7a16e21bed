import Foundation
import Testing

/// Outputs in every format a saver can make from one temporary file, loader options every loader of a rule
/// takes, and alpha under savers that cannot keep it.
@Suite struct SaverAndLoaderTests {
    /// `.v`/`.vips` outputs used to fail ("... .tmp is not a known file format"): vipssave takes its format
    /// from the file name, and it was given the temporary's.
    @Test func vipsFormatOutputsAreSavedInBothPools() throws {
        let box = try Sandbox("vipsformat")
        try box.image("photos/a.png", seed: 1)
        try box.image("photos/b.jpg", seed: 2)
        try box.write(
            "Imgmakefile",
            """
            v: out/{name}.v <- photos/*.png photos/*.jpg
                thumbnail width=20
            vips: out/{name}.vips <- photos/*.png photos/*.jpg
                thumbnail width=24
            """)
        var bytes: [String: [String: Data]] = [:]
        for pool in ["thread", "process"] {
            try? box.remove("out")
            try? box.remove(".imgmake")
            let result = try box.imgmake("-j2", "--pool", pool, "v", "vips")
            #expect(result.status == 0, "[\(pool)] \(result)")
            #expect(Set(box.files(under: "out")) == ["out/a.v", "out/b.v", "out/a.vips", "out/b.vips"], "[\(pool)] \(result)")
            #expect(try box.imageSize("out/a.v")?.width == 20, "[\(pool)]")
            #expect(try box.imageSize("out/b.vips")?.width == 24, "[\(pool)]")
            #expect(box.temporaries().isEmpty, "[\(pool)] \(box.temporaries())")
            bytes[pool] = try box.contents(under: "out")
            try box.expectUpToDate(["-j2", "--pool", pool, "v", "vips"])
        }
        #expect(bytes["thread"] == bytes["process"], "both pools write the same bytes")
    }

    /// Every output extension README's recipe language lists builds, and a second run is a no-op. `.ppm`
    /// outputs used to fail ("the option format=ppm that .ppm files imply is missing"): the job's save options
    /// were normalized without defaults, which dropped the option the extension implies.
    @Test(arguments: ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif", "ppm", "pgm", "pfm", "fits", "csv", "mat", "raw", "hdr"])
    func everyListedExtensionBuilds(ext: String) throws {
        let box = try Sandbox("ext-\(ext)")
        try box.image("photos/a.png", width: 24, height: 16, seed: 1)
        try box.write("Imgmakefile", "out: out/{name}.\(ext) <- photos/*.png\n    flip horizontal\n")
        let result = try box.imgmake()
        #expect(result.status == 0 && result.summary == Summary(built: 1), "\(result)")
        #expect(box.files(under: "out") == ["out/a.\(ext)"], "\(result)")
        try box.expectUpToDate([])
    }

    /// `.dz`/`.szi` outputs used to fail and leave `….tmp.dzi` files and `….tmp_files/` folders behind: dzsave
    /// writes many files named after its file. They are refused at load, naming the rule and the extension.
    @Test(arguments: ["dz", "szi"])
    func deepZoomOutputsAreRefusedAtLoad(ext: String) throws {
        let box = try Sandbox("deepzoom-\(ext)")
        try box.image("photos/a.png", seed: 1)
        try box.write(
            "Imgmakefile",
            """
            ok: out/{name}.png <- photos/*.png
                thumbnail width=16
            tiles: out/{name}.\(ext) <- photos/*.png
                thumbnail width=16
            """)
        let result = try box.imgmake("-k")
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("Imgmakefile:3:8: error: rule 'tiles': '.\(ext)' outputs are not supported"), "\(result)")
        #expect(result.stderr.contains("dzsave"), "\(result)")
        #expect(box.files(under: "out").isEmpty && !box.exists("out"), "nothing is built: \(box.files())")

        // The same when the extension comes from a matrix.
        try box.write(
            "Imgmakefile",
            """
            tiles: out/{name}.{f} <- photos/*.png
                with f = png \(ext)
                thumbnail width=16
            """)
        let matrix = try box.imgmake("-k")
        #expect(matrix.status == 2, "\(matrix)")
        #expect(matrix.stderr.contains("Imgmakefile:1:8: error: rule 'tiles': '.\(ext)' outputs are not supported"), "\(matrix)")
        #expect(!box.exists("out"), "\(box.files())")
    }

    /// `load shrink=2` used to halve the JPEGs of a rule and be dropped for its PNGs, silently.
    @Test func aLoadOptionTheInputsLoaderLacksFailsThatInput() throws {
        let box = try Sandbox("loadoption")
        try box.image("photos/a.jpg", width: 64, height: 64, seed: 1)
        try box.image("photos/b.png", width: 64, height: 64, seed: 2)
        try box.write(
            "Imgmakefile",
            """
            half: out/{name}.png <- photos/*.jpg photos/*.png
                load shrink=2
                invert
            thumbs: thumbs/{name}.png <- photos/*.jpg photos/*.png
                load shrink=2
                thumbnail width=20
            """)
        for pool in ["thread", "process"] {
            try? box.remove("out")
            try? box.remove("thumbs")
            try? box.remove(".imgmake")
            let result = try box.imgmake("-k", "-j2", "--pool", pool, "half", "thumbs")
            #expect(result.status == 1, "[\(pool)] \(result)")
            #expect(result.summary?.failed == 2 && result.summary?.built == 2, "[\(pool)] \(result)")
            #expect(try box.imageSize("out/a.png")?.width == 32, "[\(pool)] the JPEG is shrunk on load")
            #expect(box.exists("thumbs/a.png"), "[\(pool)] \(result)")
            #expect(!box.exists("out/b.png") && !box.exists("thumbs/b.png"), "[\(pool)] \(result)")
            for (output, line) in [("out/b.png", 2), ("thumbs/b.png", 5)] {
                #expect(
                    result.stderr.contains(
                        "\(output) (rule \(output.hasPrefix("out") ? "half" : "thumbs"), from photos/b.png): load: the png loader (pngload) has no option 'shrink' (from `load shrink=2`, Imgmakefile:\(line):17)"
                    ),
                    "[\(pool)] \(result)")
            }
        }
    }

    /// A 40×20 red PNG whose left half is fully transparent.
    private static func transparentPNG(in box: Sandbox, to relative: String) throws {
        let tools = box.base + "/tools"
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        try vips(["black", "\(tools)/b.v", "40", "20", "--bands", "3"], in: tools)
        try vips(["linear", "\(tools)/b.v", "\(tools)/red.v", "1 1 1", "200 30 30", "--uchar"], in: tools)
        try vips(["black", "\(tools)/clear.v", "20", "20"], in: tools)
        try vips(["cast", "\(tools)/clear.v", "\(tools)/clear8.v", "uchar"], in: tools)
        try vips(["linear", "\(tools)/clear.v", "\(tools)/opaque.v", "1", "255", "--uchar"], in: tools)
        try vips(["join", "\(tools)/clear8.v", "\(tools)/opaque.v", "\(tools)/alpha.v", "horizontal"], in: tools)
        try box.makeParent(of: relative)
        try vips(["bandjoin", "\(tools)/red.v \(tools)/alpha.v", box.path(relative)], in: tools)
    }

    /// A transparent PNG saved as JPEG used to come out black where it was transparent.
    @Test func alphaIsFlattenedOnWhiteWhenTheSaverCannotKeepIt() throws {
        let box = try Sandbox("alpha")
        try Self.transparentPNG(in: box, to: "photos/clear.png")
        try box.write(
            "Imgmakefile",
            """
            jpeg: out/{name}.jpg <- photos/*.png
                copy
            blue: blue/{name}.jpg <- photos/*.png
                flatten background=0,0,255
            webp: webp/{name}.webp <- photos/*.png
                save lossless=true
            """)
        for pool in ["thread", "process"] {
            try? box.remove(".imgmake")
            let result = try box.imgmake("-B", "--pool", pool, "jpeg", "blue", "webp")
            #expect(result.status == 0, "[\(pool)] \(result)")
            let white = try box.pixel("out/clear.jpg", x: 3, y: 3)
            #expect(white.count == 3 && white.allSatisfy { $0 > 245 }, "[\(pool)] white where transparent: \(white)")
            let red = try box.pixel("out/clear.jpg", x: 33, y: 3)
            #expect(red.count == 3 && red[0] > 180 && red[1] < 60, "[\(pool)] red stays red: \(red)")
            let blue = try box.pixel("blue/clear.jpg", x: 3, y: 3)
            #expect(blue.count == 3 && blue[0] < 10 && blue[1] < 10 && blue[2] > 245, "[\(pool)] the recipe's background: \(blue)")
            // A saver that keeps alpha keeps it.
            let kept = try box.pixel("webp/clear.webp", x: 3, y: 3)
            #expect(kept.count == 4 && kept[3] == 0, "[\(pool)] alpha kept: \(kept)")
        }
    }
}
