import CVips
import CVipsLoader
import Foundation
import ImgmakeJob

/// imgmake's own `webpsave` for the common case: libwebp called on the job's thread, configured as libvips'
/// webpsave configures it, writing the same file (the tests compare them byte for byte).
///
/// Why: libvips' savers encode in one of libvips' worker threads (`vips_sink_disc`) while the job's thread waits.
/// With one libvips thread per job (a pool of as many jobs as cores, the usual `-j`), each image thus hands its
/// work to another thread and back, and the core it left sits idle meanwhile: on 2 cores, a fifth of the machine
/// on small photos. Run on the job's thread, the same encoding keeps every core busy.
///
/// The writer takes a job only when its file is exactly what webpsave would write, stripped (README's `strip`):
/// `strip=true`, 8-bit sRGB pixels with 3 or 4 bands in one page within WebP's size limit, and no option but those
/// it knows. Anything else (metadata kept, animation, other options or images) goes to libvips' saver.
enum WebPWriter {
    /// The webpsave options that shape the encoding, with libvips 8.14's defaults.
    private static let defaults = cvips_webp_options(
        quality: 75, lossless: false, near_lossless: false, smart_subsample: false, alpha_quality: 100, effort: 4,
        preset: 0)
    /// webpsave's presets (VipsForeignWebpPreset), in the order of their values.
    private static let presets = ["default", "picture", "photo", "drawing", "icon", "text"]
    /// Options that change nothing in a single stripped image: the animation's (`min-size`, `mixed`, `kmin`,
    /// `kmax`), the profile to embed (`profile`: none is embedded), the colour to flatten on (`background`: WebP
    /// keeps alpha).
    private static let ignored: Set<String> = ["strip", "min-size", "mixed", "kmin", "kmax", "profile", "background"]
    /// WebP's largest width and height (webpsave refuses larger images).
    private static let maxDimension = 16383

    /// The encoder options for `job`'s saver, or nil when this writer does not take the job.
    static func options(for job: ImageJob) -> cvips_webp_options? {
        guard job.saver == "webpsave", job.stripsMetadata else { return nil }
        var options = defaults
        for option in job.saveOptions {
            switch (ArgumentInfo.canonicalName(option.name), option.value) {
            case ("Q", .int(let q)): options.quality = Int32(clamping: q)
            case ("lossless", .bool(let on)): options.lossless = on
            case ("near-lossless", .bool(let on)): options.near_lossless = on
            case ("smart-subsample", .bool(let on)): options.smart_subsample = on
            case ("alpha-q", .int(let q)): options.alpha_quality = Int32(clamping: q)
            case ("effort", .int(let effort)), ("reduction-effort", .int(let effort)): options.effort = Int32(clamping: effort)
            case ("preset", .enumeration(let nick)):
                guard let index = presets.firstIndex(of: nick) else { return nil }
                options.preset = Int32(index)
            case (let name, _) where ignored.contains(name): continue
            default: return nil
            }
        }
        return cvips_webp_available() ? options : nil
    }

    /// Whether `image` is one this writer encodes as webpsave would (webpsave converts others first).
    static func takes(_ image: VipsImageHandle) -> Bool {
        image.format == "uchar" && (3...4).contains(image.bands) && image.interpretation == "srgb"
            && cvips_image_coding(image.pointer) == 0 && image.pageHeight == image.height
            && image.width <= maxDimension && image.height <= maxDimension
    }

    /// Encodes `image` (8-bit, in memory: `copiedToMemory`) and writes the file at `path`; returns its size.
    /// Throws `VipsError`s named `webpsave`.
    static func write(_ image: VipsImageHandle, options: cvips_webp_options, to path: String) throws -> Int {
        var options = options
        return try EncodedFile.write(image, as: "webpsave", to: path) { cvips_webp_encode($0, $1, $2, $3, $4, &options, $5, $6) }
    }
}
