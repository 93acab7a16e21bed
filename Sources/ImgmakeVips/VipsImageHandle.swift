import CVips
import ImgmakeJob

/// Owns one reference to a libvips image (released on deinit). Images are immutable and their pixels are
/// computed on demand, so a handle is cheap until something (a saver) asks for pixels.
public final class VipsImageHandle {
    let pointer: UnsafeMutablePointer<VipsImage>

    /// Takes over a reference the caller owns.
    init(owning pointer: UnsafeMutablePointer<VipsImage>) {
        self.pointer = pointer
    }

    deinit {
        g_object_unref(pointer)
    }

    public var width: Int { Int(vips_image_get_width(pointer)) }
    /// The height of the image as loaded: all loaded pages stacked when a multi-page file was read with `n`.
    public var height: Int { Int(vips_image_get_height(pointer)) }
    public var bands: Int { Int(vips_image_get_bands(pointer)) }
    /// The band format nick (`uchar`, `ushort`, `float`...).
    public var format: String {
        GTypeInfo.enumNick(vips_band_format_get_type(), value: vips_image_get_format(pointer).rawValue)
    }
    /// The interpretation nick (`srgb`, `b-w`, `rgb16`...).
    public var interpretation: String {
        GTypeInfo.enumNick(vips_interpretation_get_type(), value: vips_image_get_interpretation(pointer).rawValue)
    }
    /// Whether the last band is an alpha channel (libvips' rule: 2 bands, or 4 that are not CMYK, ...).
    public var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }
    /// The height of one page (the whole height for single-page images).
    public var pageHeight: Int { Int(vips_image_get_page_height(pointer)) }
    /// The number of pages in the file (`n-pages` metadata, 1 when absent), loaded or not.
    public var pageCount: Int { Int(vips_image_get_n_pages(pointer)) }
    /// The loader that read the image (`jpegload`), when it came from a file.
    public var loader: String? { fieldText("vips-loader") }

    /// The image computed into memory (all its pixels, now): a failure to compute them (a damaged source)
    /// happens here, as a `VipsError` named after `operation`, the operation the copy is for.
    ///
    /// With one libvips thread per pipeline (a pool of as many jobs as cores), the pixels are computed on
    /// the calling thread (`onThisThread`): libvips' own copy runs its thread pool, which hands every tile to
    /// a worker thread and back, for no parallelism.
    func copiedToMemory(for operation: String, onThisThread: Bool = vips_concurrency_get() == 1) throws -> VipsImageHandle {
        try VipsErrorLog.shared {
            let mark = VipsErrorLog.mark()
            let here = onThisThread && cvips_image_coding(pointer) == 0
            guard let copy = here ? cvips_image_computed_here(pointer) : vips_image_copy_memory(pointer) else {
                throw VipsError.logged(operation: operation, since: mark)
            }
            VipsErrorLog.drain()
            return VipsImageHandle(owning: copy)
        }
    }

    /// The names of every metadata field (`exif-ifd0-Orientation`, `icc-profile-data`, ...).
    public var fieldNames: [String] {
        guard let fields = vips_image_get_fields(pointer) else { return [] }
        defer { g_strfreev(fields) }
        var names: [String] = []
        var index = 0
        while let name = fields[index] {
            names.append(String(cString: name))
            index += 1
        }
        return names
    }

    /// A metadata field as text (binary data as its size, "3144 bytes"), or nil when there is no such field.
    public func fieldText(_ name: String) -> String? {
        let type = vips_image_get_typeof(pointer, name)
        guard type != 0 else { return nil }
        if type == vips_blob_get_type() {
            var data: UnsafeRawPointer?
            var length = 0
            guard vips_image_get_blob(pointer, name, &data, &length) == 0 else { return nil }
            return "\(length) bytes"
        }
        var text: UnsafeMutablePointer<CChar>?
        let found = VipsErrorLog.shared {
            guard vips_image_get_as_string(pointer, name, &text) == 0 else {
                VipsErrorLog.drain()
                return false
            }
            return true
        }
        guard found, let text else { return nil }
        defer { g_free(text) }
        return String(cString: text)
    }
}
