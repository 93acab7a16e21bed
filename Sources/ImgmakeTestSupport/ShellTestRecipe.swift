/// The recipe the shell's tests work on, in memory, in a script and in a terminal: `thumbs` (a thumbnail of each
/// photo, `$(SIZE)` wide, saved at Q 80), `sheet` (a contact sheet of the thumbnails) and the group `all`.
/// Line 3 is the `thumbnail` step (tests break it and expect the error there).
package enum ShellTestRecipe {
    /// `size`: the value of SIZE; `photos`: the extension of the photos the rule reads (`photos/*.EXT`).
    package static func text(size: Int, photos: String) -> String {
        """
        SIZE = \(size)
        thumbs: build/{name}.webp <- photos/*.\(photos)
            thumbnail $(SIZE)
            save Q=80
        sheet: build/sheet.jpg <- build/*.webp
            arrayjoin across=2
        all: thumbs sheet

        """
    }
}
