/// The words recipe values are written with, in one place for the checker (`ValueParser`), the binding
/// (`GValueWriter`) and the docs (`imgmake ops`, `help OPERATION`).
public enum ValueWords {
    /// The words a boolean argument takes (any case), with what they mean.
    public static let booleans: [(word: String, value: Bool)] = [
        ("true", true), ("yes", true), ("on", true), ("1", true),
        ("false", false), ("no", false), ("off", false), ("0", false),
    ]

    /// The boolean `text` stands for (any case), or nil when it is none of `booleans`.
    public static func boolean(_ text: String) -> Bool? {
        let lowered = text.lowercased()
        return booleans.first { $0.word == lowered }?.value
    }

    /// libvips' interpolators, by the nickname a recipe gives (`VipsInterpolate`).
    public static let interpolators = ["nearest", "bilinear", "bicubic", "lbb", "nohalo", "vsqbs"]

    /// "interpolator (nearest, bilinear, ...)": how the type of an interpolator argument is named to people.
    public static var interpolatorDescription: String { "interpolator (\(interpolators.joined(separator: ", ")))" }
}
