import Testing

@testable import ImgmakeRecipe

/// `PathName` works on UTF-8 bytes with a fast path for paths that are already normal; these tests hold it
/// to the plain segment-by-segment definition.
@Suite struct PathNameTests {
    /// The definition `normalize` must agree with: split, drop `.` and empties, fold `x/..`
    /// (`normalize` takes a fast path for paths that are already normal).
    private func reference(_ path: String) -> String { PathName.normalizeBySegments(path) }

    @Test func theDefinitionItself() {
        let expected = [
            "": ".", "/": "/", ".": ".", "..": "..", "./": ".", "a/": "a", "/a/": "/a", "a//b": "a/b",
            "a/./b": "a/b", "a/../b": "b", "../../a/b": "../../a/b", "/..": "/", "/../a": "/a", "a/..": ".",
            "a/b/..": "a", "a/..b": "a/..b", "a/.../b": "a/.../b", "/t/build/../x": "/t/x", "é/./ü.png": "é/ü.png",
            "//": "/", "../a/../..": "../..",
        ]
        for (path, normal) in expected { #expect(reference(path) == normal, "\(path)") }
    }

    @Test(arguments: [
        "", "/", ".", "..", "./", "a", "a/", "/a", "/a/", "a//b", "a/./b", "a/../b", "../a", "../../a/b",
        "/..", "/../a", "a/..", "a/b/..", ".a", "a/.b", "a/..b", "a/b..", "...", "a/.../b", "/a/b/c.jpg",
        "photos//x.jpg", "photos/./x.jpg", "/t/build/../x", "é/ü.png", "a/b/./", "//", "/./", "./a",
    ])
    func normalizeAgreesWithTheDefinition(_ path: String) {
        #expect(PathName.normalize(path) == reference(path), "\(path)")
        // Normal form is a fixed point; the fast path recognises it (conservatively for leading `..`).
        let normal = PathName.normalize(path)
        #expect(PathName.normalize(normal) == normal)
        #expect(PathName.isNormal(normal) || normal.hasPrefix(".."), "\(normal)")
        if PathName.isNormal(path) { #expect(reference(path) == path, "\(path)") }
    }

    @Test func randomPathsAgreeWithTheDefinition() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "b", ".", "..", "", ".c", "d.", "é", "x.jpg", "..."]
        for _ in 0..<5_000 {
            let count = Int.random(in: 0...6, using: &generator)
            var path = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: "/")
            if Bool.random(using: &generator) { path = "/" + path }
            #expect(PathName.normalize(path) == reference(path), "\(path)")
            if PathName.isNormal(path) { #expect(reference(path) == path, "\(path)") }
        }
    }

    @Test func partsOfAPath() {
        #expect(PathName.fileName("a/b/c.jpg") == "c.jpg")
        #expect(PathName.fileName("c.jpg") == "c.jpg")
        #expect(PathName.directory(of: "a/b/c.jpg") == "a/b")
        #expect(PathName.directory(of: "/c.jpg") == "/")
        #expect(PathName.directory(of: "c.jpg") == "")
        #expect(PathName.fileExtension("a/b/c.tar.gz") == "gz")
        #expect(PathName.fileExtension("a/.hidden") == "")
        #expect(PathName.fileExtension(".hidden") == "")
        #expect(PathName.fileExtension("a.b/c") == "")
        #expect(PathName.fileExtension("a/c.") == "")
        #expect(PathName.fileExtension("é/ü.PNG") == "PNG")
        #expect(PathName.removingExtension("a/b/c.tar.gz") == "a/b/c.tar")
        #expect(PathName.removingExtension("a.b/c") == "a.b/c")
        #expect(PathName.removingExtension("a/.hidden") == "a/.hidden")
        #expect(PathName.removingExtension("ü.png") == "ü")
    }

    @Test func relativePaths() {
        #expect(PathName.relative("/t/a/b.jpg", to: "/t") == "a/b.jpg")
        #expect(PathName.relative("/t", to: "/t") == "")
        #expect(PathName.relative("/tx/a", to: "/t") == nil)
        #expect(PathName.relative("/t", to: "/t/a") == nil)
        #expect(PathName.relative("/a", to: "/") == "a")
        #expect(PathName.relative("a", to: "/") == nil)
        #expect(PathName.relative("/t/é/ü.png", to: "/t/é") == "ü.png")
        for (path, base) in [("/t/a/b.jpg", "/t"), ("/t", "/t"), ("/tx/a", "/t"), ("/t", "/t/a"), ("/a", "/"), ("a", "/")] {
            #expect(PathName.isWithin(path, base) == (PathName.relative(path, to: base) != nil), "\(path) in \(base)")
        }
        #expect(PathName.display("/t", from: "/t") == ".")
        #expect(PathName.display("/u/x", from: "/t") == "/u/x")
    }

    @Test func sortedSortsOnlyWhenNeeded() {
        var generator = SystemRandomNumberGenerator()
        let names = (0..<500).map { _ in
            String((0..<Int.random(in: 0...6, using: &generator)).map { _ in "ab/.é".randomElement(using: &generator)! })
        }
        let sorted = PathName.sorted(names)
        #expect(sorted == names.sorted())
        #expect(PathName.sorted(sorted) == sorted)
    }

    @Test func hiddenSegments() {
        #expect(PathName.hasHiddenSegment(".git/a.jpg"))
        #expect(PathName.hasHiddenSegment("a/.b.jpg"))
        #expect(PathName.hasHiddenSegment("../a.jpg"))
        #expect(!PathName.hasHiddenSegment("a/b.c/d.jpg"))
        #expect(!PathName.hasHiddenSegment("a./b"))
    }
}
