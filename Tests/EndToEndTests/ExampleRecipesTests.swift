import Foundation
import Testing

/// Every example recipe in `recipes/` builds (issue 2: "Every example recipe is built by a test"): in a copy
/// of the folder, exit 0, every output the recipe names is there, and a second run builds nothing.
@Suite struct ExampleRecipesTests {
    /// The repository's `recipes/` folder, found from this file's path.
    static let recipesFolder = Imgmake.repository + "/recipes"

    /// The folders of `recipes/` that hold an `Imgmakefile`.
    static let recipes: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: recipesFolder)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: recipesFolder + "/" + $0 + "/Imgmakefile") }.sorted()
    }()

    @Test func thereAreExampleRecipes() {
        #expect(Self.recipes.contains("demo"), "\(Self.recipesFolder)")
        #expect(Self.recipes.count >= 3, "\(Self.recipes)")
        #expect(FileManager.default.fileExists(atPath: Self.recipesFolder + "/demo/photos/LICENSES.md"))
    }

    @Test(arguments: recipes)
    func recipeBuilds(_ name: String) throws {
        let box = try Sandbox("recipe-" + name)
        // The whole recipes/ folder, without earlier outputs: the examples read ../demo/photos.
        let copy = box.path("recipes")
        try FileManager.default.copyItem(atPath: Self.recipesFolder, toPath: copy)
        for folder in try FileManager.default.contentsOfDirectory(atPath: copy) {
            try? FileManager.default.removeItem(atPath: "\(copy)/\(folder)/build")
            try? FileManager.default.removeItem(atPath: "\(copy)/\(folder)/.imgmake")
        }
        let sources = Set(box.files(under: "recipes"))
        let directory = "recipes/\(name)"

        // What the recipe will make, as the dry run counts it.
        let plan = try box.imgmake("-n", in: directory)
        #expect(plan.status == 0, "\(plan)")
        let planned = try #require(plan.summary?.toBuild, "\(plan)")
        #expect(planned > 0, "\(plan)")

        let first = try box.imgmake("-j2", in: directory)
        #expect(first.status == 0, "\(first)")
        #expect(first.summary == Summary(built: planned), "\(first)")
        #expect(box.temporaries().isEmpty, "\(box.temporaries())")
        // Every output is a new file inside the recipe's own folder, and no source was touched.
        let made = Set(box.files(under: "recipes")).subtracting(sources)
        #expect(made.count == planned, "\(made.sorted())")
        #expect(made.allSatisfy { $0.hasPrefix(directory + "/") }, "outputs stay in their folder: \(made.sorted())")
        for output in made {
            #expect((box.stamp(output)?.size ?? 0) > 0, "\(output) is empty")
        }
        // A few outputs open as images (the images: ml-preprocess writes a JSON file too).
        for output in made.sorted().filter({ !$0.hasSuffix(".json") }).prefix(3) {
            #expect(try box.imageSize(output) != nil, "\(output) is not an image")
        }

        let second = try box.imgmake("-j2", in: directory)
        #expect(second.status == 0, "\(second)")
        #expect(second.summary == Summary(upToDate: planned), "\(second)")
        #expect(second.stdout.contains("everything is up to date"), "\(second)")

        let list = try box.imgmake("list", in: directory)
        #expect(list.status == 0 && list.stdout.range(of: #", [1-9][0-9]* stale"#, options: .regularExpression) == nil, "\(list)")
    }
}
