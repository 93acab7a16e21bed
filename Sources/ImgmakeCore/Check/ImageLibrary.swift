import ImgmakeJob

/// What the core needs of the image library, without linking it: the version that matters to pixels, the
/// library file (for the key of `.imgmake/catalog.json`), and the real catalog, made only when a question
/// needs it (that starts libvips). The command line passes libvips' (`ImageLibrary.vips`); tests pass a fake.
package struct ImageLibrary: Sendable {
    var version: String
    var libraryFile: String?
    package var catalog: @Sendable () -> OperationCatalog

    package init(version: String, libraryFile: String?, catalog: @escaping @Sendable () -> OperationCatalog) {
        self.version = version
        self.libraryFile = libraryFile
        self.catalog = catalog
    }
}
