import Foundation
import ImgmakeTestSupport

/// The project the shell's end-to-end tests work on: ImgmakeTestSupport's `ShellTestRecipe` (SIZE 32, PPM photos)
/// and a 96×64 noise photo per name in `photos/`.
enum ShellProject {
    static let recipe = ShellTestRecipe.text(size: 32, photos: "ppm")

    static func make(_ name: String, photos: [String]) throws -> Sandbox {
        let box = try Sandbox(name)
        try box.write("Imgmakefile", recipe)
        for (i, photo) in photos.enumerated() { try box.image("photos/\(photo).ppm", width: 96, height: 64, seed: i + 1) }
        return box
    }
}
