import CVips

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
    /// The height of one page (the whole height for single-page images).
    public var pageHeight: Int { Int(vips_image_get_page_height(pointer)) }
    /// The number of pages in the file (`n-pages` metadata, 1 when absent), loaded or not.
    public var pageCount: Int { Int(vips_image_get_n_pages(pointer)) }
    /// The loader that read the image (`jpegload`), when it came from a file.
    public var loader: String? { fieldText("vips-loader") }

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

    /// A metadata field as text (a blob as a short description), or nil when there is no such field.
    public func fieldText(_ name: String) -> String? {
        guard vips_image_get_typeof(pointer, name) != 0 else { return nil }
        var text: UnsafeMutablePointer<CChar>?
        guard vips_image_get_as_string(pointer, name, &text) == 0, let text else {
            _ = VipsRuntime.lastError()
            return nil
        }
        defer { g_free(text) }
        return String(cString: text)
    }
}
