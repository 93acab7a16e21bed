/// The placeholders every per-input rule provides, derived from each input's path below its glob's base
/// (README's *The recipe language*): for `photos/trip/a.jpg` under `photos/`, `{path}` is `trip/a`,
/// `{name}` `a`, `{dir}` `trip` and `{ext}` `jpg`. The one list the loader, the checker, the graph and
/// `clean` use.
public enum InputPlaceholder: String, CaseIterable, Sendable {
    case path, name, dir, ext

    /// The names, for checks of what a template may use.
    public static let names: Set<String> = Set(allCases.map(\.rawValue))

    /// Each placeholder's value for an input at `below`, its path relative to the glob's base.
    public static func values(below: String) -> [String: String] {
        let fileName = PathName.fileName(below)
        return [
            path.rawValue: PathName.removingExtension(below),
            name.rawValue: PathName.removingExtension(fileName),
            dir.rawValue: PathName.directory(of: below),
            ext.rawValue: PathName.fileExtension(fileName),
        ]
    }
}
