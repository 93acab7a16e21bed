import Foundation
import Testing

/// `save strip=true` leaves no metadata in any output. libvips 8.14.1's webpsave ignored `strip`: imgmake's
/// WebP thumbnails carried the photo's EXIF (its GPS position), XMP and ICC profile.
@Suite struct MetadataStripTests {
    /// Output extensions and the saver each needs (the README's list of formats that can carry metadata).
    static let formats: [(ext: String, saver: String)] = [
        ("jpg", "jpegsave"), ("png", "pngsave"), ("webp", "webpsave"), ("tif", "tiffsave"), ("gif", "gifsave"),
        ("heic", "heifsave"), ("avif", "heifsave"), ("jxl", "jxlsave"), ("jp2", "jp2ksave"), ("v", "vipssave"),
    ]

    @Test func stripLeavesNoMetadataInAnyFormat() throws {
        let box = try Sandbox("strip")
        let photo = try GeotaggedPhoto(in: box, at: "photos/trip.jpg")
        let savers = try runProgram("vips", ["-l", "foreign"], in: box.root).stdout
        let exts = Self.formats.filter { savers.contains("(\($0.saver))") }.map(\.ext)
        try box.write(
            "Imgmakefile",
            """
            stripped: out/strip/{name}.{f} <- photos/*.jpg
                with f = \(exts.joined(separator: " "))
                thumbnail width=48
                save strip=true
            kept: out/keep/{name}.{f} <- photos/*.jpg
                with f = jpg webp
                thumbnail width=48
            """)
        for pool in ["thread", "process"] {
            let result = try box.imgmake("-j2", "-B", "--pool", pool, "stripped", "kept")
            #expect(result.status == 0, "[\(pool)] \(result)")
            for ext in exts {
                let output = "out/strip/trip.\(ext)"
                let (fields, traces) = (try photo.fields(in: output), photo.traces(in: try box.data(output)))
                #expect(fields.isEmpty, "[\(pool)] \(output): \(fields)")
                #expect(traces.isEmpty, "[\(pool)] \(output): the file holds \(traces)")
            }
            // Without strip the metadata stays: the checks above can fail.
            for output in ["out/keep/trip.jpg", "out/keep/trip.webp"] {
                let (fields, traces) = (try photo.fields(in: output), photo.traces(in: try box.data(output)))
                #expect(fields.contains("exif-ifd3-GPSLatitude"), "[\(pool)] \(output): \(fields)")
                #expect(
                    Set(traces).isSuperset(of: ["Exif", "XMP namespace", "ICC profile", "EXIF artist"]),
                    "[\(pool)] \(output): \(traces)")
            }
        }
    }
}

/// A JPEG with EXIF (a GPS position and an artist), XMP, IPTC and an ICC profile (libvips' sRGB), made with
/// the `vips` CLI: a `.v` file holds any metadata field in its XML part, so the fields are written there and
/// `vips copy` turns them into a JPEG's blocks (jpegsave builds the EXIF block from the `exif-ifd*` fields).
struct GeotaggedPhoto {
    let box: Sandbox
    let profile: Data

    static let marker = "imgmake-exif-artist"
    static let xmp = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
        <rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="imgmake-xmp"/></rdf:RDF></x:xmpmeta>
        """
    /// IPTC as JPEG's APP13 holds it: a Photoshop 0x0404 resource with one caption record.
    static let iptc = Data("Photoshop 3.0\u{0}8BIM".utf8) + Data([4, 4, 0, 0, 0, 0, 0, 14, 0x1C, 2, 0x78, 0, 9]) + Data("imgmake-i".utf8)

    init(in box: Sandbox, at relative: String) throws {
        self.box = box
        let tools = box.base + "/tools"
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        let noise = try TestImages.make(width: 96, height: 64, seed: 3, format: "v")
        try vips(["icc_transform", noise, "\(tools)/srgb.v", "srgb", "--input-profile", "srgb"], in: tools)
        var file = try Data(contentsOf: URL(fileURLWithPath: "\(tools)/srgb.v"))
        let xmlStart = try #require(file.range(of: Data("<?xml version".utf8), options: .backwards)).lowerBound
        var xml = String(decoding: file[xmlStart...], as: UTF8.self)
        let base64 = try #require(xml.firstMatch(of: #/name="icc-profile-data">([A-Za-z0-9+/=]+)</#)?.1)
        profile = try #require(Data(base64Encoded: String(base64)))
        let added = [
            ("VipsRefString", "exif-ifd0-Artist", Self.marker), ("VipsRefString", "exif-ifd3-GPSLatitudeRef", "N"),
            ("VipsRefString", "exif-ifd3-GPSLatitude", "51/1 28/1 38/1"), ("VipsRefString", "exif-ifd3-GPSLongitudeRef", "W"),
            ("VipsRefString", "exif-ifd3-GPSLongitude", "0/1 0/1 5/1"),
            ("VipsBlob", "xmp-data", Data(Self.xmp.utf8).base64EncodedString()),
            ("VipsBlob", "iptc-data", Self.iptc.base64EncodedString()),
        ]
        let text = added.map { "    <field type=\"\($0.0)\" name=\"\($0.1)\">\($0.2)</field>\n" }.joined()
        xml = xml.replacingOccurrences(of: "  </meta>", with: text + "  </meta>")
        file = file[..<xmlStart] + Data(xml.utf8)
        try file.write(to: URL(fileURLWithPath: "\(tools)/tagged.v"))
        try vips(["copy", "\(tools)/tagged.v", box.path(relative)], in: tools, parent: box.path("photos"))
        let source = try fields(in: relative)
        try #require(
            Set(source).isSuperset(of: ["exif-ifd3-GPSLatitude", "xmp-data", "iptc-data", "icc-profile-data"]), "\(source)")
    }

    /// The fields of the photo's metadata libvips reads from an image (`vipsheader -a`). A profile counts when
    /// it has the size of the photo's: JPEG XL's loader makes one from the colour encoding of a file that has none.
    func fields(in relative: String) throws -> [String] {
        let header = try runProgram("vipsheader", ["-a", box.path(relative)], in: box.root)
        guard header.status == 0 else { throw HarnessError("vipsheader \(relative): \(header.stderr)") }
        return header.stdout.split(separator: "\n").compactMap { line in
            let name = String(line.prefix { $0 != ":" })
            let metadata = ["xmp-data", "iptc-data", "ipct-data", "photoshop-data"]
            let photosProfile = name == "icc-profile-data" && line.hasSuffix(": \(profile.count) bytes of binary data")
            return name.hasPrefix("exif-") || metadata.contains(name) || photosProfile ? name : nil
        }
    }

    /// What of the photo's metadata a file's bytes hold: the EXIF and XMP signatures, the ICC profile, the
    /// EXIF artist and the IPTC caption.
    func traces(in bytes: Data) -> [String] {
        let needles: [(String, Data)] = [
            ("Exif", Data("Exif".utf8)), ("XMP namespace", Data("http://ns.adobe.com/xap".utf8)), ("ICC profile", profile),
            ("EXIF artist", Data(Self.marker.utf8)), ("IPTC caption", Data("imgmake-i".utf8)),
        ]
        return needles.filter { bytes.range(of: $0.1) != nil }.map(\.0)
    }
}
