import CVips
import Foundation
import ImgmakeJob

/// `save strip=true`: the output carries no metadata, whatever the saver (README: *Metadata*, under *The recipe language*).
///
/// libvips' savers honour `strip` one by one, and not all of them do: 8.14.1's `webpsave` ignores it
/// (fixed in 8.14.2) and writes the source's EXIF (GPS included), XMP and ICC profile; `jxlsave` always
/// writes the ICC profile; `vipssave` writes every field. So the saver is given a copy of the image with
/// every metadata field removed (`strip` is still passed on, so savers that honour it also skip what they
/// add of their own), and what a saver writes from nothing is removed from its file afterwards.
///
/// The fields kept are an allowlist, not a denylist of the metadata known today: a loader can add any field
/// (every ImageMagick property as `magick-*`, PNG text chunks as `png-comment-N-KEY`, EXIF in a PNG's
/// "Raw profile type exif" text, HEIF boxes as `heif-TYPE-N`, whatever a later libvips reads), and a field
/// a denylist misses leaks; a field an allowlist misses is a layout hint a saver then does without.
enum MetadataStrip {
    /// The fields that describe the pixels rather than the photo, which savers read to write the pixels
    /// themselves (libvips 8.14's savers, and the names later versions use for the same facts). Everything
    /// else goes: EXIF (`exif-data` and the `exif-ifd*` fields), XMP, IPTC, Photoshop data, the ICC profile,
    /// comments, `orientation`, the EXIF thumbnail, the loader's facts about the source file.
    static let kept: Set<String> = [
        // The header (width, bands, format, resolution...): not metadata, and not removable.
        "width", "height", "bands", "format", "coding", "interpretation", "xoffset", "yoffset", "xres", "yres",
        "filename",
        // Pages and animation.
        "page-height", "n-pages", "delay", "loop", "gif-delay", "gif-loop", "heif-primary",
        // The unit of xres/yres.
        "resolution-unit",
        // Palettes and bit depth.
        "palette", "gif-palette", "palette-bit-depth", "bits-per-sample",
        // The scale of HDR samples (TIFF, JPEG XL, PFM, Radiance).
        "stonits", "pfm-scale", "rad-format", "rad-expos", "rad-aspect",
        // How libvips computes the image.
        "vips-sequential", "concurrency",
    ]

    /// Fields libvips' `vips_image_get_fields` hides (deprecated names) that savers may still read or
    /// write; the ones not kept are removed by name.
    static let hidden: [String] = ["ipct-data"]

    /// The image to hand to `job`'s saver: `image` itself, or, when the job strips, a copy without metadata.
    static func image(_ image: VipsImageHandle, for job: ImageJob) throws -> VipsImageHandle {
        guard job.stripsMetadata else { return image }
        var copy = VipsOperationCall("copy")
        copy.set("in", .image(image))
        // A copy of its own: the image itself may be shared (a source loaded once for several outputs).
        guard let stripped = try copy.run()["out"] else {
            throw VipsError(operation: "copy", message: "gives no image")
        }
        for name in stripped.fieldNames + hidden where !kept.contains(name) {
            vips_image_remove(stripped.pointer, name)
        }
        return stripped
    }

    /// Removes from the file `job`'s saver wrote at `path` the metadata the saver adds from nothing:
    /// libvips 8.14.1's `webpsave`, ignoring `strip`, always writes an EXIF chunk (orientation, resolution,
    /// size). Nothing to do for other savers, or when the job keeps metadata.
    static func finish(_ path: String, for job: ImageJob) throws {
        guard job.stripsMetadata, job.saver == "webpsave" else { return }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VipsError(operation: job.saver, message: "cannot read back \(path) to strip it")
        }
        guard let stripped = WebPChunks.removingMetadata(from: data) else { return }
        guard stripped.withUnsafeBytes({ FileWriting.write($0, to: path) }) else {
            throw VipsError(
                operation: job.saver,
                message: "cannot rewrite \(path) without its metadata: \(String(cString: strerror(errno)))")
        }
    }
}

/// The chunks of a WebP file (RIFF): `RIFF` size `WEBP`, then chunks of a four-character code, a
/// little-endian size and the payload, padded to an even length. Metadata lives in `EXIF`, `XMP ` and `ICCP`
/// chunks, announced by flags in the `VP8X` chunk's first byte.
enum WebPChunks {
    static let metadata: Set<String> = ["EXIF", "XMP ", "ICCP"]
    /// The VP8X flags of those chunks: ICC (0x20), EXIF (0x08), XMP (0x04).
    static let metadataFlags: UInt8 = 0x20 | 0x08 | 0x04

    /// The file without its metadata chunks, or nil when it has none (or is not a WebP file).
    static func removingMetadata(from data: Data) -> Data? {
        let bytes = [UInt8](data)
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8)
        else { return nil }
        var kept: [UInt8] = []
        var removed = false
        var offset = 12
        while offset + 8 <= bytes.count {
            let code = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = bytes[offset + 4..<offset + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
            let end = min(bytes.count, offset + 8 + size + size % 2)
            if metadata.contains(code) {
                removed = true
            } else {
                var chunk = bytes[offset..<end]
                if code == "VP8X", chunk.count > 8 { chunk[offset + 8] &= ~metadataFlags }
                kept += chunk
            }
            offset = end
        }
        guard removed else { return nil }
        // A VP8X chunk that announces nothing left (no alpha chunk, no animation) before a single image chunk is
        // dropped: the file is then WebP's simple format, as libwebp writes an image without metadata.
        if let simple = simpleFormat(kept) { kept = simple }
        let riffSize = UInt32(4 + kept.count)
        let header = Array("RIFF".utf8) + withUnsafeBytes(of: riffSize.littleEndian, Array.init) + Array("WEBP".utf8)
        return Data(header + kept)
    }

    /// `chunks` (a VP8X chunk, then the rest) without the VP8X chunk, when what follows it is one `VP8 ` or
    /// `VP8L` chunk and its flags announce no animation (0x02) and no metadata; nil otherwise. A lone `VP8L` has
    /// its alpha in the bitstream, so VP8X's alpha flag (0x10) does not keep it.
    static func simpleFormat(_ chunks: [UInt8]) -> [UInt8]? {
        // VP8X: its code, its size (always 10), flags, 3 reserved bytes, the canvas' width and height (3 bytes each).
        guard chunks.count >= 18, chunks[0..<4].elementsEqual("VP8X".utf8), chunks[4..<8].elementsEqual([10, 0, 0, 0])
        else { return nil }
        let vp8xEnd = 8 + 10
        guard chunks[8] & ~UInt8(0x10) == 0, chunks.count >= vp8xEnd + 8 else { return nil }
        let code = String(decoding: chunks[vp8xEnd..<vp8xEnd + 4], as: UTF8.self)
        let size = chunks[vp8xEnd + 4..<vp8xEnd + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard code == "VP8L" || (code == "VP8 " && chunks[8] & 0x10 == 0),
            vp8xEnd + 8 + size + size % 2 == chunks.count
        else { return nil }
        return Array(chunks[vp8xEnd...])
    }
}
