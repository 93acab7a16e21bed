import CVips
import ImgmakeJob

/// An image's pixels as 8-bit sRGB, 3 bytes per pixel, row by row: what the shell's `preview` draws and
/// `compare` measures.
public struct ImagePixels: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var rgb: [UInt8]
    public init(width: Int, height: Int, rgb: [UInt8]) {
        self.width = width
        self.height = height
        self.rgb = rgb
    }
}

extension ImagePixels {
    /// The image file at `path`, resized to exactly `width`×`height` (libvips' `thumbnail_image`, `size=force`;
    /// not resized at its own size), turned into sRGB, alpha flattened on `background` (0–255), samples cast to
    /// 8 bits. Throws a `VipsError`.
    public static func read(_ path: String, width: Int? = nil, height: Int? = nil, background: Double = 0) throws -> ImagePixels {
        VipsRuntime.start()
        var image = try ImageLoader.open(path)
        let targetWidth = max(1, width ?? image.width)
        let targetHeight = max(1, height ?? image.height)
        func run(_ nickname: String, _ arguments: [(String, VipsInput)]) throws -> VipsImageHandle {
            var call = VipsOperationCall(nickname)
            call.set("in", .image(image))
            for (name, value) in arguments { call.set(name, value) }
            guard let out = try call.run()["out"] else { throw VipsError(operation: nickname, message: "gave no image") }
            return out
        }
        if targetWidth != image.width || targetHeight != image.height {
            image = try run(
                "thumbnail_image",
                [
                    ("width", .value(.int(targetWidth))), ("height", .value(.int(targetHeight))),
                    ("size", .value(.enumeration("force"))),
                ])
        }
        if image.hasAlpha { image = try run("flatten", [("background", .value(.arrayDouble([background])))]) }
        if image.interpretation != "srgb" || image.bands != 3 {
            image = try run("colourspace", [("space", .value(.enumeration("srgb")))])
        }
        if image.bands > 3 { image = try run("extract_band", [("band", .value(.int(0))), ("n", .value(.int(3)))]) }
        if image.format != "uchar" { image = try run("cast", [("format", .value(.enumeration("uchar")))]) }
        let memory = try image.copiedToMemory(for: "preview")
        guard memory.bands == 3, memory.format == "uchar", let data = cvips_image_data(memory.pointer) else {
            throw VipsError(operation: "preview", message: "cannot read the pixels")
        }
        let bytes = Array(UnsafeBufferPointer(start: data, count: memory.width * memory.height * 3))
        return ImagePixels(width: memory.width, height: memory.height, rgb: bytes)
    }

    /// Writes the image file at `path`, resized to `width`×`height` and turned into 8-bit sRGB as `read` does,
    /// as a PNG file at `target` (for terminals that draw PNGs: kitty's and iTerm2's protocols).
    public static func writePNG(_ path: String, width: Int, height: Int, to target: String) throws {
        let pixels = try read(path, width: width, height: height)
        guard let data = malloc(pixels.rgb.count) else { throw VipsError(operation: "pngsave", message: "out of memory") }
        pixels.rgb.withUnsafeBytes { source in
            if let base = source.baseAddress { data.copyMemory(from: base, byteCount: source.count) }
        }
        guard let image = cvips_image_adopting(data, Int32(pixels.width), Int32(pixels.height), 3) else {
            throw VipsError(operation: "pngsave", message: "cannot make an image of the pixels")
        }
        var save = VipsOperationCall("pngsave")
        save.set("in", .image(VipsImageHandle(owning: image)))
        save.set("filename", .value(.string(target)))
        _ = try save.run()
    }

    /// The size of the image file at `path` (its header).
    public static func size(of path: String) throws -> (width: Int, height: Int) {
        let image = try ImageLoader.open(path)
        return (image.width, image.height)
    }

    /// How far two images of the same size are apart: the largest difference of one sample (0–255), and the
    /// PSNR in dB over every sample (nil when they are identical: infinite).
    public static func difference(_ a: ImagePixels, _ b: ImagePixels) -> (maximum: Int, psnr: Double?) {
        precondition(a.width == b.width && a.height == b.height, "compare images of one size")
        var maximum = 0
        var squares = 0.0
        for index in 0..<min(a.rgb.count, b.rgb.count) {
            let delta = Int(a.rgb[index]) - Int(b.rgb[index])
            maximum = max(maximum, abs(delta))
            squares += Double(delta * delta)
        }
        guard squares > 0 else { return (0, nil) }
        let mse = squares / Double(max(1, a.rgb.count))
        return (maximum, 10 * log10(255.0 * 255.0 / mse))
    }
}
