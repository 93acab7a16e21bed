import ImgmakeCore
import ImgmakeJob
import ImgmakeVips

extension ImageLibrary {
    /// libvips, as the command line and the shell use it: its library file is found without loading it; its
    /// version and catalog load it when a question needs them.
    static let vips = ImageLibrary(
        version: { VipsRuntime.version }, libraryFile: VipsRuntime.libraryFile,
        catalog: { VipsCatalog.shared })
}
