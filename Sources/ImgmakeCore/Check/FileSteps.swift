/// The `load` and `save` steps (README's *The recipe language*, Steps): their words, their help, and what
/// `ops` says about a loader or a saver in place of a step's usage (neither is a step of its own).
package enum FileSteps {
    package static let load = "load"
    package static let save = "save"
    package static let names = [load, save]

    /// `help load`, `help save` in the shell, and `imgmake ops load`/`imgmake ops save` above their lists.
    package static func helpText(_ name: String) -> String? {
        switch name {
        case load:
            return """
                load OPTIONS    (a rule's first step; optional)
                  Passes name=value options to the loader of each input, for example `load n=-1` for all
                  pages. The loader is picked by each input's content, not by its name (a PNG named .jpg is
                  read by pngload); an option that input's loader does not have (`shrink` is jpegload's) fails
                  its outputs, naming the loader and the `load` line. `ops jpegload` shows a loader's options.
                    frames: build/frames/{name}.webp <- animations/*.gif
                        load n=-1

                """
        case save:
            return """
                save OPTIONS    (a rule's last step; implicit when missing)
                  Writes the output with the saver its extension picks: .jpg .jpeg .png .webp .avif .heic .tif
                  .tiff .gif .jxl .jp2, also .v .ppm .pgm .pfm .fits .csv .mat .raw .hdr (.dz and .szi are
                  refused: deep zoom writes many files per image). Its name=value options are checked against
                  that saver (`ops jpegsave` shows a saver's options). `save strip=true` writes no metadata,
                  whatever the format. An image with alpha saved by a saver that cannot keep it (JPEG, PPM) is
                  flattened on white, unless the rule says what goes under it (`save background=…`, or a
                  `flatten` step).
                    thumbs: build/thumbs/{name}.jpg <- photos/*.jpg
                        thumbnail 320
                        save Q=85 strip=true

                """
        default:
            return nil
        }
    }

    /// What `ops SAVER` says instead of a step's usage: which outputs pick it. `suffixes` are the file
    /// suffixes libvips picks `saver` for (`.jpg`, `.jpeg`), in libvips' order.
    package static func saverUsage(_ saver: String, suffixes: [String]) -> String {
        let usable = suffixes.filter { OutputSavers.refusal(saver: saver, ext: String($0.dropFirst())) == nil }
        if let refused = suffixes.first, usable.isEmpty, let reason = OutputSavers.refusal(saver: saver, ext: String(refused.dropFirst())) {
            return "a saver, not a step; no output can use it: \(reason)"
        }
        guard !usable.isEmpty else {
            return "a saver, not a step, and no output's extension picks it: outputs are written with `save OPTIONS` "
                + "as a rule's last step, by the saver of the output's extension"
        }
        return "a saver, not a step: use `save OPTIONS` as the last step of a rule whose output ends in "
            + listed(usable) + " (`ops save`)"
    }

    /// What `ops LOADER` says instead of a step's usage.
    package static let loaderUsage =
        "a loader, not a step: loaders are picked by each input's content; pass options with `load OPTIONS` "
        + "as the first step (`ops load`)"

    /// `.jpg`, `.jpg or .jpeg`, `.tif, .tiff or .btf`.
    private static func listed(_ items: [String]) -> String {
        guard let last = items.last, items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + last
    }
}
