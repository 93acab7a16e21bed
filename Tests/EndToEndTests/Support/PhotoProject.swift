import Foundation
import Testing

/// A small photo tree and a recipe in the spirit of README's *The recipe language* (per-input rules, a `with` matrix, a chain into
/// an aggregate, a default group), the project most end-to-end tests work on.
///
///     photos/a.jpg  photos/b.png  photos/sub/c.jpg
///     thumbs -> build/thumbs/{path}.webp       (3)
///     big    -> build/big/{path}-{w}.png       (6: w = 40 48)
///     sheet  -> build/sheet.jpg                (1, from the thumbnails)
enum PhotoProject {
    static let recipe = """
        # A test project: thumbnails, a matrix and a contact sheet.
        SIZE = 32

        all: thumbs big sheet

        thumbs: build/thumbs/{path}.webp <- photos/**/*.jpg photos/**/*.png
            thumbnail width=$(SIZE) height=$(SIZE) crop=attention
            sharpen sigma=0.5
            save Q=80 strip=true

        big: build/big/{path}-{w}.png <- photos/**/*.jpg photos/**/*.png
            with w = 40 48
            thumbnail width={w}

        sheet: build/sheet.jpg <- build/thumbs/**/*.webp
            arrayjoin across=3 shim=2 background=255
            save Q=85

        """

    static let allOutputs: Set<String> = [
        "build/thumbs/a.webp", "build/thumbs/b.webp", "build/thumbs/sub/c.webp",
        "build/big/a-40.png", "build/big/a-48.png", "build/big/b-40.png", "build/big/b-48.png",
        "build/big/sub/c-40.png", "build/big/sub/c-48.png",
        "build/sheet.jpg",
    ]

    /// The outputs made from one photo (`a`, `b`, `sub/c`), without the sheet.
    static func outputs(of photo: String) -> Set<String> {
        ["build/thumbs/\(photo).webp", "build/big/\(photo)-40.png", "build/big/\(photo)-48.png"]
    }

    /// A fresh sandbox with the photos and the recipe; built once when `built`.
    static func make(_ name: String, built: Bool = true) throws -> Sandbox {
        let box = try Sandbox(name)
        try box.image("photos/a.jpg", seed: 1)
        try box.image("photos/b.png", seed: 2)
        try box.image("photos/sub/c.jpg", seed: 3)
        try box.write("Imgmakefile", recipe)
        if built {
            let first = try box.imgmake("-j2")
            try #require(first.status == 0, "\(first)")
            try #require(Set(box.files(under: "build")) == allOutputs, "\(first)")
        }
        return box
    }
}

extension Sandbox {
    /// Runs a build and checks that it succeeded and that exactly `expected` (paths relative to the root) were
    /// written: by the files' identities and times on disk, and by the job lines imgmake printed.
    @discardableResult
    func expectBuild(
        _ arguments: [String] = ["-j2"], rebuilds expected: Set<String>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RunResult {
        let before = stamps()
        let result = try imgmake(arguments: arguments)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        #expect(changed(since: before) == expected, "\(result)", sourceLocation: sourceLocation)
        #expect(Set(result.builtOutputs) == expected, "\(result)", sourceLocation: sourceLocation)
        #expect(result.summary?.built == expected.count, "\(result)", sourceLocation: sourceLocation)
        #expect(temporaries().isEmpty, "temporary files left: \(temporaries())", sourceLocation: sourceLocation)
        return result
    }

    /// A build with nothing to do: exit 0, nothing written, the summary says everything is up to date.
    func expectUpToDate(_ arguments: [String] = ["-j2"], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try expectBuild(arguments, rebuilds: [], sourceLocation: sourceLocation)
        #expect(result.stdout.contains("everything is up to date"), "\(result)", sourceLocation: sourceLocation)
    }
}
