import Foundation
import Testing

/// Issue 7, "Bad images" (README's *Bad input* and *clean*): a corpus of damaged, odd and hostile images, generated here, built in
/// both pools. Damaged files fail only their own outputs (named, with libvips' message; exit 1 with -k);
/// odd but valid files (mislabelled, EXIF-rotated, CMYK, Adobe RGB, 16-bit, animated) give proper images;
/// a header claiming 60000×60000 pixels is refused before decoding. Both pools agree byte for byte.
@Suite struct BadImageCorpusTests {
    /// The files that must fail, and the ones that must build (relative to `in/`).
    struct Corpus {
        var bad: [String] = []
        var good: [String] = []
    }

    static let recipe = """
        thumbs: out/t/{path}.{ext}.webp <- in/**/*.jpg in/**/*.png in/**/*.webp in/**/*.gif in/**/*.tif
            thumbnail width=32
        frames: out/anim/{name}.webp <- in/anim/*.gif
            load n=-1
            thumbnail width=12
        """

    /// Writes the corpus into `box` and returns what each file must do.
    static func makeCorpus(in box: Sandbox) throws -> Corpus {
        var corpus = Corpus()
        // Whole images of each format, then the same cut at 10 %, 50 % and 90 % of their length.
        for format in ["jpg", "png", "webp"] {
            try box.image("in/whole/photo.\(format)", width: 256, height: 192, seed: 5)
            corpus.good.append("whole/photo.\(format)")
            let whole = try box.data("in/whole/photo.\(format)")
            for percent in [10, 50, 90] {
                let name = "truncated/cut\(percent).\(format)"
                try box.writeData("in/" + name, whole.prefix(whole.count * percent / 100))
                corpus.bad.append(name)
            }
        }
        // Random bytes and empty files under image extensions.
        var generator = SeededBytes(seed: 0x1234_5678)
        for format in ["jpg", "png", "webp", "gif", "tif"] {
            try box.writeData("in/random/noise.\(format)", Data(generator.next(count: 3000)))
            corpus.bad.append("random/noise.\(format)")
        }
        for format in ["jpg", "png", "webp"] {
            try box.writeData("in/empty/zero.\(format)", Data())
            corpus.bad.append("empty/zero.\(format)")
        }
        // A PNG named .jpg: read by its content.
        try box.image("in/odd/really-a-png.jpg", width: 64, height: 48, seed: 6, format: "png")
        corpus.good.append("odd/really-a-png.jpg")
        // 60000×60000 pixels in a 180-byte file: refused from its header.
        try box.writeData("in/huge/claims-60000.png", CraftedImages.pngHeader(width: 60000, height: 60000))
        corpus.bad.append("huge/claims-60000.png")
        // A photo stored 64×32 with EXIF orientation 6 (turn 90° clockwise to view): upright it is 32×64.
        try box.image("in/odd/plain.jpg", width: 64, height: 32, seed: 8)
        try box.writeData("in/odd/exif-rotated.jpg", CraftedImages.withOrientation(6, jpeg: try box.data("in/odd/plain.jpg")))
        try box.remove("in/odd/plain.jpg")
        corpus.good.append("odd/exif-rotated.jpg")
        // Colour: a CMYK JPEG, and an Adobe RGB (1998) one with its profile (a saturated green).
        let tools = box.base + "/tools"
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        try vips(["black", "\(tools)/black.v", "48", "32", "--bands", "3"], in: tools)
        try vips(["linear", "\(tools)/black.v", "\(tools)/green.v", "1 1 1", "40 200 60", "--uchar"], in: tools)
        try vips(["colourspace", "\(tools)/green.v", box.path("in/colour/cmyk.jpg"), "cmyk"], in: tools, parent: box.path("in/colour"))
        try CraftedImages.adobeRGBProfile().write(to: URL(fileURLWithPath: tools + "/adobe.icc"))
        try vips(["copy", "\(tools)/green.v", box.path("in/colour/adobe-rgb.jpg") + "[profile=\(tools)/adobe.icc,Q=95]"], in: tools)
        corpus.good += ["colour/cmyk.jpg", "colour/adobe-rgb.jpg"]
        // A 16-bit PNG.
        try box.image("in/deep/source.png", width: 40, height: 40, seed: 9)
        try vips(["linear", box.path("in/deep/source.png"), "\(tools)/wide.v", "257", "0"], in: tools)
        try vips(["cast", "\(tools)/wide.v", "\(tools)/wide16.v", "ushort"], in: tools)
        try vips(["copy", "\(tools)/wide16.v", box.path("in/deep/sixteen-bit.png"), "--interpretation", "rgb16"], in: tools)
        try box.remove("in/deep/source.png")
        corpus.good.append("deep/sixteen-bit.png")
        // An animated GIF: three 24×16 frames of different colours.
        var frames: [String] = []
        for i in 1...3 {
            try vips(
                ["linear", "\(tools)/black.v", "\(tools)/frame\(i).png", "1 1 1", "\(i * 60) 40 \(200 - i * 50)", "--uchar"], in: tools)
            try vips(["extract_area", "\(tools)/frame\(i).png", "\(tools)/f\(i).png", "0", "0", "24", "16"], in: tools)
            frames.append("\(tools)/f\(i).png")
        }
        try vips(["arrayjoin", frames.joined(separator: " "), "\(tools)/strip.v", "--across", "1"], in: tools)
        try CraftedImages.setPageHeight(16, ofVipsFile: "\(tools)/strip.v", in: tools)
        try vips(["copy", "\(tools)/strip.v", box.path("in/anim/three-frames.gif")], in: tools, parent: box.path("in/anim"))
        corpus.good.append("anim/three-frames.gif")
        return corpus
    }

    @Test func everyBadImageFailsAloneAndEveryOddOneBuildsInBothPools() throws {
        let box = try Sandbox("badcorpus")
        let corpus = try Self.makeCorpus(in: box)
        try box.write("Imgmakefile", Self.recipe)
        // The corpus is what it claims to be.
        #expect(try Header(box.path("in/deep/sixteen-bit.png")).format == "ushort")
        #expect(try Header(box.path("in/anim/three-frames.gif") + "[n=-1]").pages == 3)
        #expect(try Header(box.path("in/colour/cmyk.jpg")).interpretation == "cmyk")
        #expect(try Header(box.path("in/huge/claims-60000.png")).width == 60000)
        #expect(try box.data("in/huge/claims-60000.png").count < 200)
        func output(_ input: String) -> String {
            "out/t/" + input + ".webp"
        }
        var hashes: [String: [String: Data]] = [:]
        for pool in ["thread", "process"] {
            try? box.remove("out")
            try? box.remove(".imgmake")
            let result = try box.imgmake("-k", "-j4", "--pool", pool, "thumbs", "frames")
            #expect(result.status == 1, "[\(pool)] \(result)")
            #expect(result.signal == nil, "[\(pool)] \(result)")
            // Each bad file fails its own output, named in the error; nothing else fails.
            for bad in corpus.bad {
                #expect(result.stderr.contains("in/" + bad), "[\(pool)] the error names in/\(bad): \(result)")
                #expect(!box.exists(output(bad)), "[\(pool)] no output for \(bad)")
            }
            #expect(result.summary?.failed == corpus.bad.count, "[\(pool)] \(result)")
            #expect(result.summary?.built == corpus.good.count + 1, "[\(pool)] \(result)")
            for good in corpus.good {
                #expect(box.exists(output(good)), "[\(pool)] \(good) was built: \(result)")
            }
            #expect(box.temporaries().isEmpty, "[\(pool)] temporaries: \(box.temporaries())")
            // The 60000×60000 header: refused by the pixel limit, which the error names.
            #expect(result.stderr.contains("60000×60000"), "[\(pool)] \(result)")
            #expect(result.stderr.contains("--max-pixels 100000000"), "[\(pool)] \(result)")

            // Every output is a whole image; the odd ones are right.
            for good in corpus.good {
                let header = try Header(box.path(output(good)))
                #expect(max(header.width, header.height) == 32, "[\(pool)] \(good) fits 32×32: \(header)")
                #expect(header.format == "uchar" && header.bands == 3, "[\(pool)] \(good) is 8-bit RGB: \(header)")
                #expect(header.interpretation == "srgb", "[\(pool)] \(good) is sRGB: \(header)")
            }
            let rotated = try Header(box.path("out/t/odd/exif-rotated.jpg.webp"))
            #expect(rotated.width == 16 && rotated.height == 32, "[\(pool)] the EXIF-rotated 64×32 photo is upright: \(rotated)")
            #expect(try Header(box.path("out/t/whole/photo.jpg.webp")).height == 24)
            #expect(try Header(box.path("out/t/deep/sixteen-bit.png.webp")).height == 32)
            // Animated: the first frame by default; all three with `load n=-1`.
            #expect(try Header(box.path("out/t/anim/three-frames.gif.webp")).height == 21, "[\(pool)] one 24×16 frame scaled to width 32")
            let animated = try Header(box.path("out/anim/three-frames.webp") + "[n=-1]")
            #expect(animated.pages == 3 && animated.height == 24 && animated.pageHeight == 8, "[\(pool)] three frames kept: \(animated)")
            // Colour: CMYK and Adobe RGB come out in sRGB. Adobe RGB (40, 200, 60) is sRGB (0, 202, 36) or so.
            let green = try box.pixel("out/t/colour/adobe-rgb.jpg.webp")
            #expect(green[0] < 16 && green[1] > 190 && green[2] < 50, "[\(pool)] Adobe RGB green converted to sRGB: \(green)")
            #expect(try iccDescription(box.path("out/t/colour/adobe-rgb.jpg.webp"), in: box.root).contains("sRGB"), "[\(pool)]")
            let cmyk = try box.pixel("out/t/colour/cmyk.jpg.webp")
            // (Through CMYK, sRGB (40, 200, 60) comes back as about (120, 174, 58): CMYK's gamut is smaller.)
            #expect(
                cmyk.count == 3 && cmyk[1] > 150 && cmyk[1] > cmyk[0] + 30 && cmyk[1] > cmyk[2] + 80,
                "[\(pool)] CMYK green back in sRGB: \(cmyk)")

            hashes[pool] = try box.contents(under: "out")
        }
        #expect(hashes["thread"] == hashes["process"], "both pools write the same bytes")
    }

    /// The 60000×60000 header is refused at once, from the header: nothing is decoded (that would need 10 GB).
    @Test func aHugeHeaderIsRefusedFastAndNamesTheLimit() throws {
        let box = try Sandbox("huge")
        try box.writeData("in/claims-60000.png", CraftedImages.pngHeader(width: 60000, height: 60000))
        try box.write(
            "Imgmakefile",
            """
            t: out/{name}.png <- in/*.png
                thumbnail width=32
            r: rot/{name}.png <- in/*.png
                rotate 90
            """)
        for pool in ["thread", "process"] {
            let result = try box.imgmake("-k", "--pool", pool, "t", "r")
            #expect(result.status == 1, "\(result)")
            // (Decoding 3.6 gigapixels would take minutes and 10 GB; the limit is loose for sanitizer builds.)
            #expect(result.seconds < 60, "refused from the header, not after decoding: \(result)")
            #expect(result.summary?.failed == 2, "\(result)")
            #expect(result.stderr.contains("in/claims-60000.png") && result.stderr.contains("60000×60000"), "\(result)")
            #expect(result.stderr.contains("pixel limit") && result.stderr.contains("--max-pixels 100000000"), "\(result)")
            // An explicit smaller limit is named too.
            let small = try box.imgmake("-k", "--pool", pool, "--max-pixels", "5000", "t")
            #expect(small.status == 1 && small.stderr.contains("--max-pixels 5000"), "\(small)")
        }
    }

    // MARK: helpers

    /// The text of the ICC profile embedded in an image (its description names the colour space).
    private func iccDescription(_ path: String, in directory: String) throws -> String {
        let result = try runProgram("vipsheader", ["-f", "icc-profile-data", path], in: directory)
        guard let data = Data(base64Encoded: result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { return "" }
        return String(decoding: data.map { $0 >= 32 && $0 < 127 ? $0 : 32 }, as: UTF8.self)
    }
}

/// An image's header as `vipsheader -a` prints it.
struct Header: CustomStringConvertible {
    var fields: [String: String] = [:]

    init(_ path: String) throws {
        let result = try runProgram("vipsheader", ["-a", path], in: NSTemporaryDirectory())
        guard result.status == 0 else {
            throw NSError(domain: "vipsheader", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(path): \(result.stderr)"])
        }
        for line in result.stdout.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }

    var width: Int { Int(fields["width"] ?? "") ?? -1 }
    var height: Int { Int(fields["height"] ?? "") ?? -1 }
    var bands: Int { Int(fields["bands"] ?? "") ?? -1 }
    var format: String { fields["format"] ?? "" }
    var interpretation: String { fields["interpretation"] ?? "" }
    var pages: Int { Int(fields["n-pages"] ?? "1") ?? -1 }
    var pageHeight: Int { Int(fields["page-height"] ?? "") ?? height }
    var description: String { fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
}

/// Bytes that no tool makes easily: a PNG header with any size, an EXIF orientation, an ICC profile.
enum CraftedImages {
    /// A PNG signature, an IHDR chunk (8-bit RGB, `width`×`height`) and an IEND: a valid header, no pixels.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        var data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var ihdr = Data()
        ihdr.append(bigEndian: width)
        ihdr.append(bigEndian: height)
        ihdr.append(contentsOf: [8, 2, 0, 0, 0])  // depth 8, RGB, deflate, no filter, no interlace
        data.append(chunk: "IHDR", ihdr)
        // One IDAT: a zlib stream with a single stored block of 100 zero bytes (far from the whole image).
        var idat = Data([0x78, 0x01, 0x01, 100, 0, 0xFF - 100, 0xFF])
        idat += Data(count: 100)
        idat.append(bigEndian: UInt32(100 << 16 | 1))  // Adler-32 of 100 zero bytes
        data.append(chunk: "IDAT", idat)
        data.append(chunk: "IEND", Data())
        return data
    }

    /// The JPEG with an EXIF APP1 segment (big-endian TIFF, one IFD0 entry: Orientation) after its SOI.
    static func withOrientation(_ orientation: UInt16, jpeg: Data) -> Data {
        var tiff = Data("MM".utf8) + Data([0x00, 0x2A, 0x00, 0x00, 0x00, 0x08])
        tiff.append(bigEndian: UInt16(1))  // one entry
        tiff.append(bigEndian: UInt16(0x0112))  // Orientation
        tiff.append(bigEndian: UInt16(3))  // SHORT
        tiff.append(bigEndian: UInt32(1))
        tiff.append(bigEndian: orientation)
        tiff.append(contentsOf: [0, 0])
        tiff.append(bigEndian: UInt32(0))  // no next IFD
        let payload = Data("Exif".utf8) + Data([0, 0]) + tiff
        var segment = Data([0xFF, 0xE1])
        segment.append(bigEndian: UInt16(payload.count + 2))
        segment.append(payload)
        return jpeg.prefix(2) + segment + jpeg.dropFirst(2)
    }

    /// An ICC v2 matrix/TRC display profile with Adobe RGB (1998)'s primaries (D50-adapted) and gamma 563/256.
    static func adobeRGBProfile() -> Data {
        func s15(_ x: Double) -> Data {
            var d = Data()
            d.append(bigEndian: UInt32(bitPattern: Int32((x * 65536).rounded())))
            return d
        }
        func xyz(_ x: Double, _ y: Double, _ z: Double) -> Data { Data("XYZ ".utf8) + Data(count: 4) + s15(x) + s15(y) + s15(z) }
        var desc = Data("desc".utf8) + Data(count: 4)
        let name = Data("Adobe RGB (1998) compatible".utf8) + Data([0])
        desc.append(bigEndian: UInt32(name.count))
        desc += name + Data(count: 8) + Data(count: 2) + Data(count: 1) + Data(count: 67)
        var curve = Data("curv".utf8) + Data(count: 4)
        curve.append(bigEndian: UInt32(1))
        curve.append(bigEndian: UInt16(0x0233))
        curve += Data(count: 2)
        let text = Data("text".utf8) + Data(count: 4) + Data("No copyright, test profile".utf8) + Data([0])
        let tags: [(String, Data)] = [
            ("desc", desc), ("wtpt", xyz(0.9642, 1.0, 0.8249)), ("rXYZ", xyz(0.60974, 0.31111, 0.01947)),
            ("gXYZ", xyz(0.20528, 0.62567, 0.06087)), ("bXYZ", xyz(0.14919, 0.06322, 0.74457)),
            ("rTRC", curve), ("gTRC", curve), ("bTRC", curve), ("cprt", text),
        ]
        let start = 128 + 4 + 12 * tags.count
        var table = Data()
        var body = Data()
        for (signature, content) in tags {
            while (start + body.count) % 4 != 0 { body.append(0) }
            table += Data(signature.utf8)
            table.append(bigEndian: UInt32(start + body.count))
            table.append(bigEndian: UInt32(content.count))
            body += content
        }
        while body.count % 4 != 0 { body.append(0) }
        var header = Data()
        header.append(bigEndian: UInt32(128 + 4 + table.count + body.count))
        header += Data("lcms".utf8)
        header.append(bigEndian: UInt32(0x0210_0000))
        header += Data("mntrRGB XYZ ".utf8) + Data(count: 12) + Data("acsp".utf8) + Data(count: 28)
        header += s15(0.9642) + s15(1.0) + s15(0.8249) + Data(count: 48)
        precondition(header.count == 128)
        var count = Data()
        count.append(bigEndian: UInt32(tags.count))
        return header + count + table + body
    }

    /// Gives a `.v` file the `page-height` field (what makes a tall strip an animation for gifsave).
    static func setPageHeight(_ height: Int, ofVipsFile path: String, in directory: String) throws {
        let xml = """
            <?xml version="1.0"?>
            <root xmlns="http://www.vips.ecs.soton.ac.uk/vips/8.14.1"><header></header><meta><field type="gint" name="page-height">\(height)</field></meta></root>

            """
        let xmlPath = directory + "/meta.xml"
        try Data(xml.utf8).write(to: URL(fileURLWithPath: xmlPath))
        let result = try runProgram("sh", ["-c", "vipsedit --setext \"$0\" < \"$1\"", path, xmlPath], in: directory)
        guard result.status == 0 else {
            throw NSError(domain: "vipsedit", code: 1, userInfo: [NSLocalizedDescriptionKey: result.stderr])
        }
    }
}

/// Deterministic noise (xorshift64*).
struct SeededBytes {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next(count: Int) -> [UInt8] {
        (0..<count).map { _ in
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return UInt8(truncatingIfNeeded: (state &* 0x2545_F491_4F6C_DD1D) >> 56)
        }
    }
}

extension Data {
    mutating func append<T: FixedWidthInteger>(bigEndian value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    /// A PNG chunk: length, type, data, CRC-32 of type and data.
    mutating func append(chunk type: String, _ content: Data) {
        append(bigEndian: UInt32(content.count))
        let typed = Data(type.utf8) + content
        append(typed)
        append(bigEndian: crc32(typed))
    }
}

private func crc32(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    return ~crc
}
