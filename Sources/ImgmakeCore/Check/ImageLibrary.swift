import ImgmakeJob

/// What the core needs of the image library, without linking it: the library file (for the key of
/// `.imgmake/catalog.json`), and the version that matters to pixels and the real catalog, asked only when that
/// file cannot answer (they load libvips). The command line passes libvips' (`ImageLibrary.vips`); tests pass a fake.
package struct ImageLibrary: Sendable {
    var version: @Sendable () -> String
    var libraryFile: String?
    package var catalog: @Sendable () -> OperationCatalog

    package init(version: @escaping @Sendable () -> String, libraryFile: String?, catalog: @escaping @Sendable () -> OperationCatalog) {
        self.version = version
        self.libraryFile = libraryFile
        self.catalog = catalog
    }
}
