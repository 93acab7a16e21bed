/// imgmake's version: in `--version`, reports, and the key of `.imgmake/catalog.json`.
public enum ImgmakeVersion {
    public static let current = "0.1.0"
}
