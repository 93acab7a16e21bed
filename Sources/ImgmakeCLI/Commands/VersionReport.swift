import CVipsLoader
import ImgmakeCore
import ImgmakeRecipe
import ImgmakeVips

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// `imgmake --version`: imgmake's version (the first line, for scripts), the libvips it runs on (whose version
/// decides rebuilds: it is in every fingerprint) and which of the optional formats that libvips reads and writes,
/// as Debian and other builds of libvips differ (HEIF/AVIF, JPEG XL, PDF, SVG ...). Loads libvips the first time
/// for a libvips file, then answers from the user's cache.
enum VersionReport {
    /// A format, by the names of its libvips loader and saver.
    private static let formats: [(name: String, loader: String, saver: String?)] = [
        ("JPEG", "jpegload", "jpegsave"), ("PNG", "pngload", "pngsave"), ("WebP", "webpload", "webpsave"),
        ("TIFF", "tiffload", "tiffsave"), ("GIF", "gifload", "gifsave"), ("HEIF/AVIF", "heifload", "heifsave"),
        ("JPEG XL", "jxlload", "jxlsave"), ("JPEG 2000", "jp2kload", "jp2ksave"), ("PDF", "pdfload", nil),
        ("SVG", "svgload", nil), ("OpenEXR", "openexrload", nil), ("FITS", "fitsload", "fitssave"),
        ("PPM/PGM/PFM", "ppmload", "ppmsave"), ("Radiance HDR", "radload", "radsave"), ("Matlab", "matload", nil),
        ("OpenSlide", "openslideload", nil), ("ImageMagick", "magickload", "magicksave"), ("vips", "vipsload", "vipssave"),
    ]

    /// The report, from the user's cache when it was made for this libvips file (its path, size and time, found
    /// without loading libvips), so that `--version` stays as quick as the completions; else made, and kept there
    /// (`$XDG_CACHE_HOME/imgmake/version`, or `~/.cache/imgmake/version`; nothing is kept when neither is there).
    static func text() -> String {
        let disk = RealDisk()
        // libvips' modules (HEIF, JPEG XL, PDF, ImageMagick ... on Debian) come and go with their packages: the
        // modules folder beside the library counts too (its time changes when a module is added or removed).
        let library = VipsRuntime.libraryFile ?? "unknown"
        let folder = PathName.directory(of: String(library.prefix { $0 != " " }))
        let modules = (disk.list(folder) ?? []).filter { $0.name.hasPrefix("vips-modules-") }.map { entry in
            var status = stat()
            let time = stat(PathName.join(folder, entry.name), &status) == 0 ? "\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)" : "-"
            return "\(entry.name) \(time)"
        }
        let key = "imgmake-version-1 \(FastPath.versionText) \(library) \(modules.sorted().joined(separator: " "))\n"
        let file = cacheFile
        if let file, let bytes = try? disk.read(file) {
            let cached = String(decoding: bytes, as: UTF8.self)
            if cached.hasPrefix(key) { return String(cached.dropFirst(key.count)) }
        }
        let report = make()
        if let file {
            try? disk.makeDirectories(PathName.directory(of: file))
            try? disk.writeAtomically(file, Array((key + report).utf8))
        }
        return report
    }

    private static var cacheFile: String? {
        let environment = ProcessInfo.processInfo.environment
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/imgmake/version" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/imgmake/version" }
        return nil
    }

    private static func make() -> String {
        var text = FastPath.versionText + "\n"
        let names = Set(VipsCatalog.shared.operationNames)
        let file = cvips_library_path().map { String(cString: $0) }
        let version = VipsRuntime.version.replacingOccurrences(of: "vips-", with: "")
        text += "libvips \(version)" + (file.map { " (\($0))" } ?? "") + "\n"
        var both: [String] = []
        var readOnly: [String] = []
        var missing: [String] = []
        for format in formats {
            if !names.contains(format.loader) {
                missing.append(format.name)
            } else if let saver = format.saver, names.contains(saver) {
                both.append(format.name)
            } else {
                readOnly.append(format.name)
            }
        }
        text += "reads and writes: " + both.joined(separator: ", ") + "\n"
        if !readOnly.isEmpty { text += "reads only: " + readOnly.joined(separator: ", ") + "\n" }
        if !missing.isEmpty { text += "not in this libvips: " + missing.joined(separator: ", ") + "\n" }
        return text
    }
}
