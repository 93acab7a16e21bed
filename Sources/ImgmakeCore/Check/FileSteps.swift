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
}
