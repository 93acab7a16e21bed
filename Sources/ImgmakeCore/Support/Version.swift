/// imgmake's version: in `--version`, reports, and the key of `.imgmake/catalog.json`.
package enum ImgmakeVersion {
    package static let current = "0.1.0"
}
