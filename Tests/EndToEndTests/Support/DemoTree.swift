import Foundation
import Testing

/// The repository's `recipes/demo` in a sandbox, as the CI and scheduler tests use it: copied without its
/// outputs and state, a reference of it built unsharded, and the comparison of a gathered tree with that.
enum DemoTree {
    /// Copies `from` to `to` (below the sandbox base) like a fresh clone or a cache restore: `cp -R` without
    /// `-p`, so every file gets a new modification time.
    static func copyTree(_ from: String, _ to: String) throws {
        try FileManager.default.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let result = try runProgram("cp", ["-R", from, to], in: "/")
        try #require(result.status == 0, "\(result)")
    }

    /// `recipes/demo` of the repository, without `build/` and `.imgmake/`, at `recipes/demo` in the sandbox.
    static func copy(into box: Sandbox) throws {
        try copyTree(Imgmake.repository + "/recipes/demo", box.path("recipes/demo"))
        for folder in ["build", ".imgmake"] { try? FileManager.default.removeItem(atPath: box.path("recipes/demo/" + folder)) }
    }

    /// A copy of the sandbox's tree at `base/reference`, with `thumbs` and `sheet` built there unsharded; its path.
    static func reference(of box: Sandbox) throws -> String {
        let reference = box.base + "/reference"
        try copyTree(box.root, reference)
        let whole = try box.imgmake(arguments: ["-C", "recipes/demo", "-q", "thumbs", "sheet"], in: reference)
        try #require(whole.status == 0, "\(whole)")
        return reference
    }

    /// Every file of the reference's `recipes/demo/build` has the same bytes in `tree`'s.
    static func expectSameOutputs(_ reference: String, _ tree: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for output in try FileManager.default.subpathsOfDirectory(atPath: reference + "/recipes/demo/build") {
            let a = reference + "/recipes/demo/build/" + output
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: a, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            #expect(
                FileManager.default.contentsEqual(atPath: a, andPath: tree + "/recipes/demo/build/" + output), "\(output)",
                sourceLocation: sourceLocation)
        }
    }
}
