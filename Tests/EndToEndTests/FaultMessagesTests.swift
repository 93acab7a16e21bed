import Foundation
import Testing

/// Faults that used to give wrong outputs or misleading messages: a forged `.imgmake/catalog.json`, an
/// unreadable input, a socket named like an image.
@Suite
struct FaultMessagesTests {
    private static let pngMagic: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A sandbox with two photos and a rule writing PNGs, built once (which writes `.imgmake/catalog.json`).
    private func pngProject(_ name: String) throws -> Sandbox {
        let box = try Sandbox(name)
        try box.image("photos/a.jpg", seed: 1)
        try box.image("photos/b.jpg", seed: 2)
        try box.write(
            "Imgmakefile",
            """
            pngs: out/{name}.png <- photos/*.jpg
                thumbnail 32
            """)
        let first = try box.imgmake("-j2")
        try #require(first.status == 0, "\(first)")
        try #require(box.exists(".imgmake/catalog.json"), "\(first)")
        return box
    }

    /// Rewrites the cache so that `.png` files are written by `jpegsave` (with jpegsave's real arguments,
    /// so the file is well formed and its key valid).
    private func forgeCatalog(_ box: Sandbox) throws {
        var cache = try #require(JSONSerialization.jsonObject(with: box.data(".imgmake/catalog.json")) as? [String: Any])
        var savers = try #require(cache["savers"] as? [String: Any])
        var operations = try #require(cache["operations"] as? [String: Any])
        var pngsave = try #require(operations["pngsave"] as? [String: Any])
        savers["png"] = "jpegsave"
        pngsave["nickname"] = "jpegsave"
        operations["jpegsave"] = pngsave
        cache["savers"] = savers
        cache["operations"] = operations
        try box.writeData(".imgmake/catalog.json", JSONSerialization.data(withJSONObject: cache))
    }

    @Test(arguments: ["thread", "process"])
    func aForgedCatalogCacheNeverWritesWrongData(pool: String) throws {
        let box = try pngProject("forgedcatalog")
        try forgeCatalog(box)
        try box.remove("out")
        let forged = try box.imgmake("-k", "-j2", "--pool", pool)
        // Whatever is written under a .png name is PNG data; what could not be made is a clear error.
        for file in box.files(under: "out") {
            #expect(Array(try box.data(file).prefix(8)) == Self.pngMagic, "\(file) is not PNG data\n\(forged)")
        }
        #expect(forged.status == 1, "\(forged)")
        #expect(
            forged.stderr.contains(
                "imgmake: warning: .imgmake/catalog.json disagreed with libvips (.png files: saver jpegsave, libvips says pngsave"),
            "\(forged)")
        #expect(
            forged.stderr.contains(
                "imgmake: error: out/a.png (rule pngs, from photos/a.jpg): jpegsave: refused: libvips writes .png files with pngsave, not jpegsave"
            ),
            "\(forged)")
        // The cache was rewritten from libvips: the next build plans the jobs right.
        let again = try box.imgmake("-j2", "--pool", pool)
        #expect(again.status == 0, "\(again)")
        #expect(again.summary == Summary(built: 2), "\(again)")
        for file in ["out/a.png", "out/b.png"] {
            #expect(Array(try box.data(file).prefix(8)) == Self.pngMagic, "\(file) is not PNG data\n\(again)")
        }
    }

    @Test
    func aForgedCatalogCacheCannotRefuseAGoodRecipe() throws {
        let box = try pngProject("forgedrefusal")
        var cache = try #require(JSONSerialization.jsonObject(with: box.data(".imgmake/catalog.json")) as? [String: Any])
        var savers = try #require(cache["savers"] as? [String: Any])
        savers["png"] = NSNull()
        cache["savers"] = savers
        try box.writeData(".imgmake/catalog.json", JSONSerialization.data(withJSONObject: cache))
        let result = try box.imgmake("-B", "-j2")
        #expect(result.status == 0, "\(result)")
        #expect(result.summary == Summary(built: 2), "\(result)")
    }

    /// An input the user cannot read (as `nobody`: root reads anything) is named with the cause, not with a
    /// loader that libvips' sniffing tried last (`radload`).
    @Test(arguments: ["thread", "process"])
    func anUnreadableInputSaysPermissionDenied(pool: String) throws {
        let box = try Sandbox("unreadable")
        try box.image("photos/a.webp", seed: 1)
        try box.image("photos/b.jpg", seed: 2)
        try box.write(
            "Imgmakefile",
            """
            thumbs: out/{name}.png <- photos/*
                thumbnail 32
            sharp: sharp/{name}.png <- photos/*
                sharpen
            """)
        chmod(box.root, 0o777)
        chmod(box.path("photos/a.webp"), 0)
        for directory in [box.base, box.base + "/logs"] { chmod(directory, 0o777) }
        let nobody = ["-u", "nobody", "--", Imgmake.binary, "-k", "-j2", "--pool", pool, "thumbs", "sharp"]
        let result = try runProgram("runuser", nobody, in: box.root)
        #expect(result.status == 1, "\(result)")
        for output in ["out/a.png", "sharp/a.png"] {
            #expect(
                result.stderr.contains(
                    "imgmake: error: \(output) (rule \(output.hasPrefix("out") ? "thumbs" : "sharp"), from photos/a.webp): load: \"\(box.path("photos/a.webp"))\": cannot open: Permission denied"
                ),
                "\(result)")
        }
        #expect(!result.stderr.contains("radload"), "\(result)")
        #expect(box.exists("out/b.png") && box.exists("sharp/b.png"), "\(result)")
    }
}
