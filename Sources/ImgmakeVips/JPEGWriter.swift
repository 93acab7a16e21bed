import CVips
import CVipsLoader
import Foundation
import ImgmakeJob

/// imgmake's own `jpegsave` for the common case: libjpeg called on the job's thread, configured as libvips'
/// jpegsave configures it when it strips, writing the same file (the tests compare them byte for byte). Why:
/// see `WebPWriter` (libvips' savers compress in its worker threads while the job's thread waits).
///
/// Takes a job only when its file is exactly what jpegsave would write: `strip=true`, 8-bit sRGB (3 bands) or
/// grey (1 band) pixels in one page (alpha flattened on white first, see `encoded`), and no option but those it
/// knows. Anything else (metadata kept, CMYK, alpha on another `background`, mozjpeg's options) goes to libvips'
/// saver.
enum JPEGWriter {
    /// jpegsave's options that shape the encoding, with libvips 8.14's defaults.
    private static let defaults = cvips_jpeg_options(
        quality: 75, optimize_coding: false, interlace: false, subsample_mode: 0, restart_interval: 0)
    /// jpegsave's subsample modes (VipsForeignSubsample), in the order of their values.
    private static let subsampleModes = ["auto", "on", "off"]
    /// Options that change nothing in a stripped image without alpha: the profile to embed (none is), the colour
    /// to flatten on.
    private static let ignored: Set<String> = ["strip", "profile", "background"]
    /// mozjpeg's options: this libjpeg has none of them, and libvips only warns when one is set.
    private static let mozjpegOnly: Set<String> = ["trellis-quant", "overshoot-deringing", "optimize-scans", "quant-table"]
    /// libjpeg's largest width and height.
    private static let maxDimension = 65500

    /// The encoder options for `job`'s saver, or nil when this writer does not take the job.
    static func options(for job: ImageJob) -> cvips_jpeg_options? {
        guard job.saver == "jpegsave", job.stripsMetadata else { return nil }
        var options = defaults
        var noSubsample: Bool?
        var subsampleMode: Int32?
        for option in job.saveOptions {
            switch (ArgumentInfo.canonicalName(option.name), option.value) {
            case ("Q", .int(let q)): options.quality = Int32(clamping: q)
            case ("optimize-coding", .bool(let on)): options.optimize_coding = on
            case ("interlace", .bool(let on)): options.interlace = on
            case ("restart-interval", .int(let interval)): options.restart_interval = Int32(clamping: interval)
            case ("no-subsample", .bool(let on)): noSubsample = on
            case ("subsample-mode", .enumeration(let nick)):
                guard let index = subsampleModes.firstIndex(of: nick) else { return nil }
                subsampleMode = Int32(index)
            case (let name, .bool(false)) where mozjpegOnly.contains(name): continue
            case (let name, .int(0)) where mozjpegOnly.contains(name): continue
            case (let name, _) where ignored.contains(name): continue
            default: return nil
            }
        }
        // jpegsave: `no_subsample`, deprecated, wins over `subsample_mode` when it is given (true: off; false: auto).
        if let noSubsample {
            options.subsample_mode = noSubsample ? 2 : 0
        } else if let subsampleMode {
            options.subsample_mode = subsampleMode
        }
        return cvips_jpeg_available() ? options : nil
    }

    /// The image jpegsave would encode for `job`, when this writer encodes it as jpegsave would; nil otherwise.
    /// An 8-bit image with alpha that the job flattens on white is flattened here, with libvips' `flatten`, as
    /// jpegsave's conversion does it.
    static func encoded(_ image: VipsImageHandle, for job: ImageJob) throws -> VipsImageHandle? {
        guard job.flattensAlphaOnWhite, image.hasAlpha, [2, 4].contains(image.bands), image.format == "uchar",
            image.interpretation != "cmyk"
        else { return takes(image) ? image : nil }
        var flatten = VipsOperationCall("flatten")
        flatten.set("in", .image(image))
        flatten.set("background", .value(.arrayDouble([255])))
        guard let flat = try flatten.run()["out"] else { throw VipsError(operation: "flatten", message: "gave no image") }
        return takes(flat) ? flat : nil
    }

    /// Whether `image` is one this writer encodes as jpegsave would (jpegsave converts others first).
    static func takes(_ image: VipsImageHandle) -> Bool {
        guard image.format == "uchar", cvips_image_coding(image.pointer) == 0, image.pageHeight == image.height,
            image.width <= maxDimension, image.height <= maxDimension
        else { return false }
        return (image.bands == 3 && image.interpretation == "srgb") || (image.bands == 1 && image.interpretation == "b-w")
    }

    /// Encodes `image` (8-bit, in memory: `copiedToMemory`) and writes the file at `path`; returns its size.
    /// Throws `VipsError`s named `jpegsave`.
    static func write(_ image: VipsImageHandle, options: cvips_jpeg_options, to path: String) throws -> Int {
        var options = options
        return try EncodedFile.write(image, as: "jpegsave", to: path) { cvips_jpeg_encode($0, $1, $2, $3, $4, &options, $5, $6) }
    }
}
