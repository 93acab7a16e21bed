import CVips
import Foundation
import ImgmakeJob
import Testing

@testable import ImgmakeVips

/// `save strip=true` leaves no metadata in the output, with any saver. libvips 8.14.1's webpsave ignored
/// `strip`: its thumbnails carried the source's EXIF (GPS included), XMP and ICC profile.
@Suite struct MetadataStripTests {
    let folder: TestFolder
    init() throws { folder = try TestFolder() }

    /// Every output format the savers of this libvips write (the README's list), by extension.
    static let formats = ["jpg", "png", "webp", "tif", "gif", "heic", "avif", "jxl", "jp2", "v", "ppm", "pfm", "fits", "hdr", "csv", "mat"]

    @Test(arguments: formats)
    func stripLeavesNoMetadataInTheOutput(ext: String) throws {
        guard let saver = VipsCatalog.shared.saverNickname(forPath: "x." + ext) else { return }  // no such saver here
        let photo = try MetadataPhoto(in: folder)
        func build(strip: Bool) throws -> (image: VipsImageHandle, bytes: Data) {
            let output = folder.file("out-\(strip).\(ext).tmp")
            let save = VipsCatalog.shared.saveOptions(impliedByPath: "x." + ext) + [ResolvedArgument(name: "strip", value: .bool(strip))]
            _ = try ImageRunner.run(
                job([photo.path], steps: [step("thumbnail", ("width", .int(48)))], saver: saver, save: save), writingTo: output)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: output))
            // Read back as libvips does (raw files aside, every format here has a loader).
            let link = folder.file("readback-\(strip).\(ext)")
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: output)
            return (try ImageLoader.open(link), bytes)
        }
        let stripped = try build(strip: true)
        #expect(photo.metadata(in: stripped.image).isEmpty, "\(ext): fields \(stripped.image.fieldNames)")
        #expect(photo.traces(in: stripped.bytes).isEmpty, "\(ext): the file holds \(photo.traces(in: stripped.bytes))")

        // Without strip, the savers that write metadata keep it: the checks above can fail. (jxlsave writes
        // the profile too, but libjxl stores an sRGB one as a colour encoding, not as the photo's bytes.)
        let kept = try build(strip: false)
        if ["jpegsave", "webpsave", "heifsave", "tiffsave", "pngsave", "vipssave"].contains(saver) {
            #expect(!photo.metadata(in: kept.image).isEmpty, "\(ext): \(kept.image.fieldNames)")
        }
        if ["jpegsave", "webpsave", "heifsave"].contains(saver) {
            let traces = Set(photo.traces(in: kept.bytes))
            #expect(traces.isSuperset(of: ["Exif", "XMP namespace", "ICC profile", "EXIF marker", "XMP marker"]), "\(ext): \(traces)")
            #expect(saver != "jpegsave" || traces.contains("IPTC marker"), "\(ext): \(traces)")
        }
    }

    /// Every field that describes the photo goes; those that describe the pixels (pages, animation,
    /// resolution, palette) stay; the image itself is left as it was (it may be shared).
    @Test func theCopyLosesThePhotosFieldsAndKeepsThePixelsOnes() throws {
        // The photo as loaded (its EXIF block, XMP, IPTC and profile), in a copy of its own to add fields to.
        var copy = VipsOperationCall("copy")
        copy.set("in", .image(try ImageLoader.open(try MetadataPhoto(in: folder).path)))
        let image = try #require(try copy.run()["out"])
        let photoFields = [
            "exif-data", "exif-ifd0-Artist", "exif-ifd3-GPSLatitude", "xmp-data", "iptc-data", "ipct-data",
            "photoshop-data", "icc-profile-data", "image-description", "png-comment-0-Comment",
            "png-comment-1-Raw profile type exif", "gif-comment", "magick-date:create", "jpeg-thumbnail-data",
            "heif-exif-0", "orientation", "vips-loader", "jpeg-chroma-subsample", "interlaced", "background",
        ]
        for name in photoFields where vips_image_get_typeof(image.pointer, name) == 0 {
            vips_image_set_string(image.pointer, name, "imgmake-marker")
        }
        let layout = ["page-height": 16, "n-pages": 3, "loop": 2, "palette-bit-depth": 4]
        for (name, value) in layout { vips_image_set_int(image.pointer, name, Int32(value)) }
        vips_image_set_string(image.pointer, "resolution-unit", "cm")
        let before = Set(image.fieldNames)

        let strip = job([], steps: [], saver: "webpsave", save: [ResolvedArgument(name: "strip", value: .bool(true))])
        let stripped = try MetadataStrip.image(image, for: strip)
        let left = Set(stripped.fieldNames)
        #expect(left.intersection(photoFields).isEmpty, "\(left.intersection(photoFields).sorted())")
        #expect(vips_image_get_typeof(stripped.pointer, "ipct-data") == 0, "hidden from vips_image_get_fields, still removed")
        #expect(left.isSuperset(of: layout.keys) && left.contains("resolution-unit"), "\(left.sorted())")
        #expect(left.isSubset(of: MetadataStrip.kept), "\(left.subtracting(MetadataStrip.kept).sorted())")
        #expect(Set(image.fieldNames) == before, "the image given is not changed")
        #expect(stripped.width == image.width && stripped.bands == image.bands)

        let keep = job([], steps: [], saver: "webpsave", save: [ResolvedArgument(name: "strip", value: .bool(false))])
        #expect(try MetadataStrip.image(image, for: keep) === image, "without strip, the image itself")
    }

    /// The last `strip` given wins, under either spelling of the name.
    @Test func theLastStripOptionDecides() {
        func strips(_ values: [Bool]) -> Bool {
            job([], steps: [], save: values.map { ResolvedArgument(name: "strip", value: .bool($0)) }).stripsMetadata
        }
        #expect(strips([true]) && strips([false, true]) && !strips([true, false]) && !strips([]))
        #expect(!job([], steps: [], save: [ResolvedArgument(name: "Q", value: .int(80))]).stripsMetadata)
    }

    /// An animation keeps its frames, delays and loop count: they describe the pixels.
    @Test func anAnimationKeepsItsFrames() throws {
        let photo = try MetadataPhoto(in: folder)
        var copy = VipsOperationCall("copy")
        copy.set("in", .image(try ImageLoader.open(photo.path)))
        let strip = try #require(try copy.run()["out"])  // 96×64: four frames of 16 rows
        vips_image_set_int(strip.pointer, "page-height", 16)
        vips_image_set_int(strip.pointer, "loop", 3)
        let source = folder.file("frames.v")
        var save = VipsOperationCall("vipssave")
        save.set("in", .image(strip))
        save.set("filename", .value(.string(source)))
        _ = try save.run()
        let output = folder.file("frames.webp")
        _ = try ImageRunner.run(
            job([source], steps: [], saver: "webpsave", save: [ResolvedArgument(name: "strip", value: .bool(true))]),
            writingTo: output)
        let written = try ImageLoader.open(output, options: [ResolvedArgument(name: "n", value: .int(-1))])
        #expect(written.pageCount == 4 && written.pageHeight == 16 && written.fieldText("loop") == "3")
        #expect(photo.traces(in: try Data(contentsOf: URL(fileURLWithPath: output))).isEmpty)
    }

    /// A WebP with alpha keeps it (and stays readable) once its metadata chunks are removed.
    @Test func aWebPWithAlphaKeepsItsAlpha() throws {
        let photo = try MetadataPhoto(in: folder, bands: 4)
        let output = folder.file("alpha.webp")
        _ = try ImageRunner.run(
            job(
                [photo.path], steps: [step("thumbnail", ("width", .int(32)))], saver: "webpsave",
                save: [ResolvedArgument(name: "strip", value: .bool(true))]), writingTo: output)
        let written = try ImageLoader.open(output)
        #expect(written.bands == 4 && written.hasAlpha)
        #expect(photo.traces(in: try Data(contentsOf: URL(fileURLWithPath: output))).isEmpty)
    }
}

/// A photo as a phone writes one: a JPEG with EXIF (a GPS position and an artist), XMP, IPTC and an ICC
/// profile (libvips' sRGB), made by libvips from fields set on a noise image (jpegsave builds the EXIF block
/// from the `exif-ifd*` fields). Each block holds a marker text, so its bytes can be looked for.
struct MetadataPhoto {
    let path: String
    let profile: Data

    static let exifMarker = "imgmake-exif-artist"
    static let xmpMarker = "imgmake-xmp-creator"
    static let iptcMarker = "imgmake-iptc-caption"

    init(in folder: TestFolder, bands: Int = 3) throws {
        let image = try Self.image(in: folder, bands: bands)
        // JPEG has no alpha: a photo with alpha is a WebP (which has no IPTC).
        path = folder.file(bands == 4 ? "photo-alpha.webp" : "photo.jpg")
        var save = VipsOperationCall(bands == 4 ? "webpsave" : "jpegsave")
        save.set("in", .image(image))
        save.set("filename", .value(.string(path)))
        _ = try save.run()
        let loaded = try ImageLoader.open(path)
        profile = try #require(Self.blob(loaded, "icc-profile-data"))
        let fields = Set(loaded.fieldNames)
        try #require(fields.isSuperset(of: ["exif-ifd3-GPSLatitude", "xmp-data", "icc-profile-data"]), "\(fields.sorted())")
        try #require(bands == 4 || fields.contains("iptc-data"), "\(fields.sorted())")
    }

    /// The noise image with the fields set (a private copy, which may be changed).
    static func image(in folder: TestFolder, bands: Int = 3) throws -> VipsImageHandle {
        let noise = try ImageLoader.open(try folder.image("noise.v", width: 96, height: 64))
        var icc = VipsOperationCall("icc_transform")
        icc.set("in", .image(noise))
        icc.set("output-profile", .value(.string("srgb")))
        icc.set("input-profile", .value(.string("srgb")))
        icc.set("embedded", .value(.bool(false)))
        var tagged = try #require(try icc.run()["out"])
        if bands == 4 {
            // An alpha band that is not all opaque (the WebP saver drops one that is): the noise's first band.
            var alpha = VipsOperationCall("extract_band")
            alpha.set("in", .image(noise))
            alpha.set("band", .value(.int(0)))
            var join = VipsOperationCall("bandjoin")
            join.set("in", .images([tagged, try #require(try alpha.run()["out"])]))
            tagged = try #require(try join.run()["out"])
        }
        var copy = VipsOperationCall("copy")
        copy.set("in", .image(tagged))
        let image = try #require(try copy.run()["out"])
        let strings = [
            "exif-ifd0-Artist": exifMarker, "exif-ifd3-GPSLatitudeRef": "N", "exif-ifd3-GPSLatitude": "51/1 28/1 38/1",
            "exif-ifd3-GPSLongitudeRef": "W", "exif-ifd3-GPSLongitude": "0/1 0/1 5/1",
        ]
        for (name, value) in strings { vips_image_set_string(image.pointer, name, value) }
        let xmp = """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
            <rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="\(xmpMarker)"/></rdf:RDF></x:xmpmeta>
            """
        setBlob(image, "xmp-data", Array(xmp.utf8))
        setBlob(image, "iptc-data", iptc(caption: iptcMarker))
        return image
    }

    /// An IPTC block as JPEG's APP13 holds it: a Photoshop resource 0x0404 of IPTC-IIM records.
    static func iptc(caption: String) -> [UInt8] {
        let text = Array(caption.utf8)
        var record: [UInt8] = [0x1C, 0x02, 0x78, UInt8(text.count >> 8), UInt8(text.count & 0xFF)] + text
        if record.count % 2 == 1 { record.append(0) }
        let size = UInt32(record.count)
        return Array("Photoshop 3.0\0".utf8) + Array("8BIM".utf8) + [0x04, 0x04, 0, 0]
            + [UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)] + record
    }

    private static func setBlob(_ image: VipsImageHandle, _ name: String, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { vips_image_set_blob_copy(image.pointer, name, $0.baseAddress, $0.count) }
    }

    /// The fields of `image` that hold the photo's metadata. A profile counts when it is the photo's: JPEG
    /// XL's loader makes one from the colour encoding of a file that has none.
    func metadata(in image: VipsImageHandle) -> [String] {
        image.fieldNames.filter {
            $0.hasPrefix("exif-") || ["xmp-data", "iptc-data", "ipct-data", "photoshop-data"].contains($0)
                || ($0 == "icc-profile-data" && Self.blob(image, $0) == profile)
        }
    }

    static func blob(_ image: VipsImageHandle, _ name: String) -> Data? {
        var data: UnsafeRawPointer?
        var length = 0
        guard vips_image_get_blob(image.pointer, name, &data, &length) == 0, let data else { return nil }
        return Data(bytes: data, count: length)
    }

    /// What of the photo's metadata a file's bytes hold: the EXIF and XMP signatures, the ICC profile, the markers.
    func traces(in bytes: Data) -> [String] {
        let needles: [(String, Data)] = [
            ("Exif", Data("Exif".utf8)), ("XMP namespace", Data("http://ns.adobe.com/xap".utf8)), ("ICC profile", profile),
            ("EXIF marker", Data(Self.exifMarker.utf8)), ("XMP marker", Data(Self.xmpMarker.utf8)),
            ("IPTC marker", Data(Self.iptcMarker.utf8)),
        ]
        return needles.filter { bytes.range(of: $0.1) != nil }.map(\.0)
    }
}
