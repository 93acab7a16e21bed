import ImgmakeCore
import ImgmakeJob
import ImgmakeVips

extension ImageLibrary {
    /// libvips, as the command line and the shell use it: its version and library file are read without
    /// starting it; the catalog starts it when a question needs it.
    static let vips = ImageLibrary(
        version: VipsRuntime.version, libraryFile: VipsRuntime.libraryFile,
        catalog: { VipsCatalog.shared })
}
