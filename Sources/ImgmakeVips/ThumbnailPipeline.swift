import CVips
import Foundation
import ImgmakeJob
import ImgmakeKernels

/// imgmake's own `thumbnail` (README's *How `thumbnail` resizes*): what a rule whose first step is `thumbnail`
/// runs, unless the step asks for libvips' own (`libvips=true`) or needs something only libvips' does.
///
/// 1. The output size is libvips' (`vips_thumbnail`'s rules for `width`, `height`, `size`, `crop` and the EXIF
///    orientation), and the whole source is mapped onto it (each axis scaled by source ÷ output, as Pillow and
///    the quality references do, instead of one scale for both axes with the remainder cut off).
/// 2. A JPEG is decoded at 1/2, 1/4 or 1/8 scale by libjpeg when at least `loadGap` of the reduction remains
///    for the steps below (libvips' thumbnail leaves 2).
/// 3. An integer box shrink in both axes (`ImgmakeKernels`), by the whole factor that leaves at least `boxGap`,
///    with alpha premultiplied in 8 bits (rounded) in the same pass; then an exact Lanczos-3 (weights computed
///    per output pixel) vertically, then horizontally, on 8-bit data; then alpha unpremultiplied, rounded.
///    An all-opaque alpha band comes out unchanged: premultiplying and unpremultiplying by 255 is exact.
/// 4. Then libvips: the EXIF orientation applied (`autorot`), `crop`'s `smartcrop`, and a colour transform to
///    sRGB only when the embedded profile is not sRGB already (`ICCProfile.isSRGB`).
///
/// The source is read top to bottom: the box shrink takes strips of rows as libvips decodes them, so the decoded
/// photo is never held whole; without a box shrink (at most 2 × left), the decoded image is, for the Lanczos-3.
enum ThumbnailPipeline {
    /// The least reduction left after JPEG shrink-on-load, and before the Lanczos-3 step after the box shrink.
    static let loadGap = 2.0
    static let boxGap = 2.0

    /// The step arguments this pipeline handles; any other (linear, profiles, intent) goes to libvips.
    private static let handledArguments: Set<String> = ["width", "height", "size", "no-rotate", "crop", "fail-on", "libvips"]
    /// Raster loaders whose whole decode is the image (vector and multi-resolution formats render or pick a
    /// level at the target size in libvips' thumbnail: that is better done by libvips).
    private static let rasterLoaders: Set<String> = [
        "jpegload", "pngload", "webpload", "tiffload", "gifload", "heifload", "jxlload", "jp2kload", "ppmload",
        "vipsload", "matrixload", "csvload",
    ]

    /// libvips' `VipsSize` and `VipsInteresting` nicks.
    static let sizes: Set<String> = ["both", "up", "down", "force"]
    static let crops: Set<String> = ["none", "centre", "entropy", "attention", "low", "high", "all"]

    /// What the step asks for, in libvips' terms.
    struct Request: Equatable {
        var width: Int
        var height: Int
        /// `both`, `up`, `down` or `force`.
        var size = "both"
        var autoRotate = true
        /// libvips' `VipsInteresting` nick; `none` for no crop.
        var crop = "none"

        /// The request of a `thumbnail` step, or nil when the step needs libvips' own thumbnail.
        init?(_ step: ResolvedStep) {
            var width: Int?
            var height: Int?
            for argument in step.arguments {
                let name = ArgumentInfo.canonicalName(argument.name)
                guard ThumbnailPipeline.handledArguments.contains(name) else { return nil }
                switch (name, argument.value) {
                case ("width", .int(let value)): width = value
                case ("height", .int(let value)): height = value
                case ("size", .enumeration(let value)): size = value
                case ("no-rotate", .bool(let value)): autoRotate = !value
                case ("crop", .enumeration(let value)): crop = value
                case ("fail-on", _): break
                case ("libvips", .bool(let value)): if value { return nil }
                default: return nil
                }
            }
            // Values libvips refuses get its own message.
            guard let width, width > 0, ThumbnailPipeline.sizes.contains(size), ThumbnailPipeline.crops.contains(crop) else {
                return nil
            }
            self.width = width
            // libvips: "height" defaults to the width.
            self.height = height ?? width
            guard self.height > 0 else { return nil }
        }

        init(width: Int, height: Int, size: String = "both", autoRotate: Bool = true, crop: String = "none") {
            (self.width, self.height, self.size, self.autoRotate, self.crop) = (width, height, size, autoRotate, crop)
        }
    }

    /// The output of the resize, in the stored (not yet rotated) orientation: libvips' `vips_thumbnail` sizes
    /// (thumbnail.c, `vips_thumbnail_calculate_shrink`, then the resize's rounding). Nil when it would enlarge
    /// the image on an axis (done by libvips).
    static func resizedSize(width: Int, height: Int, swapsAxes: Bool, _ request: Request) -> (width: Int, height: Int)? {
        let targetWidth = Double(swapsAxes ? request.height : request.width)
        let targetHeight = Double(swapsAxes ? request.width : request.height)
        var horizontal = Double(width) / targetWidth
        var vertical = Double(height) / targetHeight
        // The axis that decides: the one that shrinks more, or less when cropping to fill the box.
        let byWidth = request.crop == "none" ? horizontal >= vertical : horizontal < vertical
        if request.size != "force" {
            if byWidth { vertical = horizontal } else { horizontal = vertical }
        }
        if request.size == "up" {
            horizontal = min(1, horizontal)
            vertical = min(1, vertical)
        } else if request.size == "down" {
            horizontal = max(1, horizontal)
            vertical = max(1, vertical)
        }
        horizontal = min(horizontal, Double(width))
        vertical = min(vertical, Double(height))
        guard horizontal >= 1, vertical >= 1 else { return nil }
        let outWidth = max(1, Int((Double(width) / horizontal).rounded()))
        let outHeight = max(1, Int((Double(height) / vertical).rounded()))
        return (min(outWidth, width), min(outHeight, height))
    }

    /// The JPEG shrink-on-load factor (1, 2, 4 or 8) for a reduction of `factor` (the smaller axis').
    static func jpegShrink(_ factor: Double) -> Int {
        [8, 4, 2].first { factor / Double($0) >= loadGap } ?? 1
    }

    /// The box factor of one axis for the reduction left after loading.
    static func boxFactor(_ factor: Double) -> Int {
        max(1, Int((factor / boxGap).rounded(.down)))
    }

    /// The thumbnail of `source` for `step`, whose header `header` was read by `loader` (with `loadOptions`,
    /// which include `fail-on`); nil when this source or step needs libvips' own thumbnail. Throws `VipsError`s
    /// named `thumbnail` (or the operation that failed).
    static func run(
        _ step: ResolvedStep, source: String, header: VipsImageHandle, loader: String, loadOptions: [ResolvedArgument]
    ) throws -> VipsImageHandle? {
        guard let request = Request(step), rasterLoaders.contains(loader), header.format == "uchar",
            (1...4).contains(header.bands), ["srgb", "b-w", "multiband"].contains(header.interpretation),
            header.pageHeight == header.height
        else { return nil }
        let profile = header.blob("icc-profile-data")
        let transformsColour = profile.map { !ICCProfile.isSRGB($0) } ?? false
        // A profile that is not sRGB on an image that is not RGB (a grey profile): libvips' thumbnail.
        if transformsColour, header.interpretation != "srgb" || !(3...4).contains(header.bands) { return nil }
        let orientation = Int(header.fieldText("orientation") ?? "") ?? 1
        let rotates = request.autoRotate && (2...8).contains(orientation)
        let (width, height) = (header.width, header.height)
        guard let out = resizedSize(width: width, height: height, swapsAxes: rotates && orientation >= 5, request)
        else { return nil }
        let scaleX = Double(width) / Double(out.width)
        let scaleY = Double(height) / Double(out.height)

        let shrink = loader == "jpegload" ? jpegShrink(min(scaleX, scaleY)) : 1
        // Read top to bottom (a second open of the file, header only, then the pixels as they are needed), at
        // the JPEG's load scale.
        var options = loadOptions.filter { !["shrink", "access"].contains(ArgumentInfo.canonicalName($0.name)) }
        options.append(ResolvedArgument(name: "access", value: .enumeration("sequential")))
        if shrink > 1 { options.append(ResolvedArgument(name: "shrink", value: .int(shrink))) }
        let decoded = try ImageLoader.load(source, options: options, loader: loader).image
        let alpha = decoded.hasAlpha && (decoded.bands == 2 || decoded.bands == 4)
        var pixels: Pixels
        // The extent of the source, in the current image's pixels, that the output covers.
        var spanX = Double(width) / Double(shrink)
        var spanY = Double(height) / Double(shrink)
        let boxX = boxFactor(scaleX / Double(shrink))
        let boxY = boxFactor(scaleY / Double(shrink))
        if boxX > 1 || boxY > 1 {
            // Strip by strip from the decoder: the decoded photo is never held whole.
            pixels = try Pixels.boxShrinking(decoded, boxX, boxY, alpha: alpha)
            spanX /= Double(boxX)
            spanY /= Double(boxY)
        } else {
            // At most 2 × the output on each axis is left: decoded whole, for the Lanczos-3 passes.
            pixels = try Pixels.decoding(decoded, alpha: alpha)
        }
        if pixels.height != out.height || spanY != Double(out.height) {
            pixels = try pixels.resampledVertically(to: out.height, span: spanY)
        }
        if pixels.width != out.width || spanX != Double(out.width) {
            pixels = try pixels.resampledHorizontally(to: out.width, span: spanX)
        }
        if alpha { pixels.unpremultiply() }

        var image = try pixels.image(like: decoded, metadataFrom: header)
        if rotates {
            var call = VipsOperationCall("autorot")
            call.set("in", .image(image))
            image = try only(call.run()["out"], of: "autorot")
        }
        if request.crop != "none" {
            var call = VipsOperationCall("smartcrop")
            call.set("input", .image(image))
            call.set("width", .value(.int(min(request.width, image.width))))
            call.set("height", .value(.int(min(request.height, image.height))))
            call.set("interesting", .value(.enumeration(request.crop)))
            image = try only(call.run()["out"], of: "smartcrop")
        }
        if transformsColour {
            var call = VipsOperationCall("icc_transform")
            call.set("in", .image(image))
            call.set("output-profile", .value(.string("srgb")))
            call.set("embedded", .value(.bool(true)))
            image = try only(call.run()["out"], of: "icc_transform")
        }
        return image
    }

    private static func only(_ image: VipsImageHandle?, of operation: String) throws -> VipsImageHandle {
        guard let image else { throw VipsError(operation: operation, message: "gives no image") }
        return image
    }
}

/// An 8-bit interleaved image in memory, owned (freed on deinit unless handed to libvips).
final class Pixels {
    private(set) var data: UnsafeMutablePointer<UInt8>?
    let width: Int
    let height: Int
    let bands: Int
    let lineBytes: Int

    /// Fresh, uninitialised pixels.
    init(width: Int, height: Int, bands: Int) throws {
        let bytes = width * height * bands
        guard bytes > 0, let memory = malloc(bytes) else {
            throw VipsError(operation: "thumbnail", message: "cannot allocate \(width)×\(height)×\(bands) bytes")
        }
        data = memory.assumingMemoryBound(to: UInt8.self)
        (self.width, self.height, self.bands) = (width, height, bands)
        lineBytes = width * bands
    }

    deinit { free(data) }

    private var pointer: UnsafeMutablePointer<UInt8> {
        // swift-format-ignore: NeverForceUnwrap
        // Set by both initialisers; nil only after `image(like:metadataFrom:)` handed the memory to libvips.
        data!
    }

    /// Calls `body` with strips of `rows` rows (the last may be shorter) of `image` (8-bit), top to bottom, as
    /// libvips decodes them on this thread: the strip's first row, its row count, its first pixel and the bytes
    /// between its rows. A failure to decode (a damaged source) throws a `VipsError` named `thumbnail`.
    private static func strips(
        of image: VipsImageHandle, rows rowsPerStrip: Int,
        _ body: (_ top: Int, _ rows: Int, _ pixels: UnsafePointer<UInt8>, _ lineBytes: Int) throws -> Void
    ) throws {
        guard let region = vips_region_new(image.pointer) else {
            throw VipsError(operation: "thumbnail", message: "cannot read the decoded image")
        }
        defer { g_object_unref(region) }
        var top = 0
        while top < image.height {
            let rows = min(rowsPerStrip, image.height - top)
            var strip: UnsafePointer<UInt8>?
            var lineBytes = 0
            try VipsErrorLog.shared {
                let mark = VipsErrorLog.mark()
                guard cvips_region_rows(region, Int32(top), Int32(rows), &strip, &lineBytes) == 0, let strip else {
                    throw VipsError.logged(operation: "thumbnail", since: mark)
                }
                try body(top, rows, strip, lineBytes)
            }
            top += rows
        }
    }

    /// All the pixels of `image` (8-bit, read top to bottom), premultiplied by their alpha when `alpha`.
    /// Decoded strip by strip on this thread, not by libvips' thread pool: a copy to memory through
    /// `vips_sink_memory` hands every tile to a worker thread and back, and with two jobs per two cores those
    /// hand-overs left a fifth of the machine idle on small photos.
    static func decoding(_ image: VipsImageHandle, alpha: Bool) throws -> Pixels {
        let out = try Pixels(width: image.width, height: image.height, bands: image.bands)
        try strips(of: image, rows: 64) { top, rows, strip, lineBytes in
            let first = out.pointer + top * out.lineBytes
            for row in 0..<rows {
                (first + row * out.lineBytes).update(from: strip + row * lineBytes, count: out.lineBytes)
            }
            if alpha { imk_premultiply(first, out.width * rows, Int32(out.bands)) }
        }
        return out
    }

    /// The box shrink of `image` (8-bit, read top to bottom), computed from strips of its rows as libvips
    /// decodes them.
    static func boxShrinking(_ image: VipsImageHandle, _ factorX: Int, _ factorY: Int, alpha: Bool) throws -> Pixels {
        let (width, height, bands) = (image.width, image.height, image.bands)
        let out = try Pixels(width: (width + factorX - 1) / factorX, height: (height + factorY - 1) / factorY, bands: bands)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: imk_box_scratch_size(Int32(width), Int32(bands)), alignment: 16)
        defer { scratch.deallocate() }
        // Strips of whole blocks, about 64 rows each.
        try strips(of: image, rows: factorY * max(1, 64 / factorY)) { top, rows, strip, lineBytes in
            let status = imk_box_shrink(
                strip, Int32(width), Int32(rows), lineBytes, Int32(bands), Int32(factorX), Int32(factorY), alpha ? 1 : 0,
                out.pointer + (top / factorY) * out.lineBytes, out.lineBytes, scratch)
            guard status == 0 else {
                throw VipsError(operation: "thumbnail", message: "box shrink by \(factorX)×\(factorY) refused")
            }
        }
        return out
    }

    func unpremultiply() {
        imk_unpremultiply(pointer, width * height, Int32(bands))
    }

    func resampledVertically(to size: Int, span: Double) throws -> Pixels {
        var weights = try Weights(from: height, to: size, span: span)
        defer { imk_weights_free(&weights.value) }
        let out = try Pixels(width: width, height: size, bands: bands)
        let scratch = UnsafeMutableRawPointer.allocate(
            byteCount: imk_vertical_scratch_size(Int32(width), Int32(bands)), alignment: 16)
        defer { scratch.deallocate() }
        imk_resample_vertical(pointer, lineBytes, Int32(width), Int32(bands), &weights.value, out.pointer, out.lineBytes, scratch)
        return out
    }

    func resampledHorizontally(to size: Int, span: Double) throws -> Pixels {
        var weights = try Weights(from: width, to: size, span: span)
        defer { imk_weights_free(&weights.value) }
        let out = try Pixels(width: size, height: height, bands: bands)
        imk_resample_horizontal(pointer, lineBytes, Int32(height), Int32(bands), &weights.value, out.pointer, out.lineBytes)
        return out
    }

    /// The pixels as a libvips image, which takes over the memory: the interpretation and resolution of
    /// `like`, and every metadata field of `header` (EXIF, ICC profile, orientation...).
    func image(like: VipsImageHandle, metadataFrom header: VipsImageHandle) throws -> VipsImageHandle {
        let memory = pointer
        data = nil
        guard let adopted = cvips_image_adopting(memory, Int32(width), Int32(height), Int32(bands)) else {
            throw VipsError(operation: "thumbnail", message: "libvips refused a \(width)×\(height)×\(bands) image")
        }
        let image = VipsImageHandle(owning: adopted)
        header.copyMetadata(to: image)
        var call = VipsOperationCall("copy")
        call.set("in", .image(image))
        call.set("interpretation", .value(.enumeration(like.interpretation)))
        call.set("xres", .value(.double(cvips_image_xres(like.pointer))))
        call.set("yres", .value(.double(cvips_image_yres(like.pointer))))
        guard let result = try call.run()["out"] else { throw VipsError(operation: "copy", message: "gave no image") }
        return result
    }
}

/// Resampling weights of one axis (freed by the caller with `imk_weights_free`).
private struct Weights {
    var value = imk_weights()

    init(from input: Int, to output: Int, span: Double) throws {
        guard imk_weights_make(&value, Int32(input), Int32(output), span) == 0 else {
            throw VipsError(operation: "thumbnail", message: "cannot resample \(input) pixels to \(output)")
        }
    }
}

extension VipsImageHandle {
    /// The bytes of a binary metadata field (`icc-profile-data`), or nil.
    func blob(_ name: String) -> [UInt8]? {
        guard vips_image_get_typeof(pointer, name) == vips_blob_get_type() else { return nil }
        var data: UnsafeRawPointer?
        var length = 0
        guard vips_image_get_blob(pointer, name, &data, &length) == 0, let data else { return nil }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }

    /// The header fields every image has, which are not metadata to carry over.
    private static let basicFields: Set<String> = [
        "width", "height", "bands", "format", "coding", "interpretation", "xoffset", "yoffset", "xres", "yres",
        "filename", "mode", "scale", "offset", "page-height", "n-pages",
    ]

    /// Sets every metadata field of this image on `other` (a fresh image no one else holds).
    func copyMetadata(to other: VipsImageHandle) {
        for name in fieldNames where !Self.basicFields.contains(name) {
            var value = GValue()
            guard vips_image_get(pointer, name, &value) == 0 else { continue }
            vips_image_set(other.pointer, name, &value)
            g_value_unset(&value)
        }
    }
}
