import Foundation
import Testing

/// Issue 2, "Done when" 6, and README's *The recipe language*, "Checked before anything runs": a mistake in the recipe is reported as
/// `FILE:LINE:COLUMN` with a suggestion, exit 2, and nothing is built.
@Suite struct RecipeErrorTests {
    struct Mistake: CustomTestStringConvertible, Sendable {
        var what: String
        var from: String
        var to: String
        /// `Imgmakefile:LINE:COLUMN`, and the suggestion.
        var location: String
        var suggestion: String
        var testDescription: String { what }
    }

    // Lines of PhotoProject.recipe: 7 `thumbnail width=$(SIZE) ...`, 8 `sharpen ...`, 13 `thumbnail width={w}`.
    static let mistakes = [
        Mistake(
            what: "misspelt operation", from: "    sharpen sigma=0.5", to: "    sharpne sigma=0.5",
            location: "Imgmakefile:8:5:", suggestion: "did you mean 'sharpen'?"),
        Mistake(
            what: "misspelt argument", from: "crop=attention", to: "corp=attention",
            location: "Imgmakefile:7:44:", suggestion: "did you mean 'crop'?"),
        Mistake(
            what: "misspelt variable", from: "height=$(SIZE)", to: "height=$(SIZ)",
            location: "Imgmakefile:7:36:", suggestion: "did you mean 'SIZE'?"),
        Mistake(
            what: "misspelt enum value", from: "crop=attention", to: "crop=atention",
            location: "Imgmakefile:7:49:", suggestion: "did you mean 'attention'?"),
        Mistake(
            what: "misspelt placeholder", from: "thumbnail width={w}", to: "thumbnail width={ww}",
            location: "Imgmakefile:13:21:", suggestion: "did you mean 'w'?"),
    ]

    @Test(arguments: mistakes)
    func aMistakeIsReportedWithItsPlaceAndNothingIsBuilt(_ mistake: Mistake) throws {
        let box = try PhotoProject.make("mistake", built: false)
        #expect(PhotoProject.recipe.contains(mistake.from))
        try box.write("Imgmakefile", PhotoProject.recipe.replacingOccurrences(of: mistake.from, with: mistake.to))
        let result = try box.imgmake("-j2")
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains(mistake.location), "\(result)")
        #expect(result.stderr.contains(mistake.suggestion), "\(result)")
        #expect(!box.exists("build"), "nothing is built: \(result)")
        #expect(result.summary == nil, "\(result)")
        // Every other command that reads the recipe says the same.
        for command in [["list"], ["explain", "build/sheet.jpg"], ["clean"]] {
            let other = try box.imgmake(arguments: command)
            #expect(other.status == 2, "\(other)")
            #expect(other.stderr.contains(mistake.location), "\(other)")
        }
    }

    @Test func aMistakeInABuiltProjectBuildsNothingMore() throws {
        let box = try PhotoProject.make("mistake-later")
        try box.touch("photos/a.jpg")
        try box.write("Imgmakefile", PhotoProject.recipe.replacingOccurrences(of: "sharpen", with: "sharpn"))
        let before = box.stamps()
        let result = try box.imgmake()
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("Imgmakefile:8:5:") && result.stderr.contains("'sharpen'"), "\(result)")
        #expect(box.changed(since: before).isEmpty, "\(result)")
    }

    @Test func otherLoadTimeChecks() throws {
        let box = try Sandbox("checks")
        try box.image("photos/a.png", seed: 1)
        try box.image("photos/a.jpg", seed: 2)
        let cases: [(recipe: String, expect: [String])] = [
            // Two inputs map to the same output (both named).
            (
                "t: out/{name}.png <- photos/*.png photos/*.jpg\n    thumbnail width=8\n",
                ["Imgmakefile:1:", "photos/a.png", "photos/a.jpg"]
            ),
            // Two rules make the same output.
            (
                "a: out/{name}.png <- photos/*.png\n    thumbnail width=8\nb: out/{name}.png <- photos/*.png\n    thumbnail width=9\n",
                ["Imgmakefile:", "out/a.png"]
            ),
            // A cycle between rules.
            (
                "a: x/{name}-a.png <- y/*.png photos/*.png\n    thumbnail width=8\nb: y/{name}-b.png <- x/*.png\n    thumbnail width=8\n",
                ["Imgmakefile:", "cycle"]
            ),
            // An output extension that no saver handles.
            ("t: out/{name}.xyz <- photos/*.png\n    thumbnail width=8\n", ["Imgmakefile:1:", "xyz"]),
            // A missing required argument, a wrong type, an unknown target in a group.
            ("t: out/{name}.png <- photos/*.png\n    thumbnail\n", ["Imgmakefile:2:5:", "width"]),
            ("t: out/{name}.png <- photos/*.png\n    thumbnail width=big\n", ["Imgmakefile:2:", "big"]),
            ("all: thumbz\nthumbs: out/{name}.png <- photos/*.png\n    thumbnail width=8\n", ["Imgmakefile:1:", "thumbs"]),
            // An include that is not there.
            ("include missing.imgmake\n", ["Imgmakefile:1:", "missing.imgmake"]),
        ]
        for (recipe, expected) in cases {
            try box.write("Imgmakefile", recipe)
            let result = try box.imgmake()
            #expect(result.status == 2, "\(recipe)\n\(result)")
            for text in expected {
                #expect(result.stderr.contains(text), "\(recipe)\nexpected '\(text)' in \(result)")
            }
            #expect(box.files().allSatisfy { $0.hasPrefix("photos/") || $0 == "Imgmakefile" }, "\(recipe)\n\(result)")
        }
    }

    @Test func usageErrorsExitTwo() throws {
        let box = try PhotoProject.make("usage", built: false)
        for arguments in [
            ["--no-such-option"], ["-j", "0"], ["no-such-target"], ["-f", "missing.imgmake"],
            ["-C", box.base + "/no such folder"],
        ] {
            let result = try box.imgmake(arguments: arguments)
            #expect(result.status == 2, "\(result)")
            #expect(!result.stderr.isEmpty, "\(result)")
            #expect(!box.exists("build"), "\(result)")
        }
        let target = try box.imgmake("thumb")
        #expect(target.stderr.contains("thumbs"), "a misspelt target gets a suggestion: \(target)")
    }
}
