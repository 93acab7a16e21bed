import ImgmakeRecipe
import Testing

@Suite struct GlobTests {
    func glob(_ pattern: String) throws -> Glob { try Glob(pattern) }

    @Test func globstarMatchesZeroOrMoreDirectories() throws {
        let photos = try glob("photos/**/*.jpg")
        #expect(photos.matches("photos/a.jpg"))
        #expect(photos.matches("photos/x/y/b.jpg"))
        #expect(!photos.matches("photos/a.png"))
        #expect(!photos.matches("other/a.jpg"))
        #expect(!photos.matches("photos"))
        #expect(try glob("**/*.jpg").matches("a.jpg"))
        #expect(try glob("**/*.jpg").matches("a/b/c.jpg"))
        #expect(try glob("a/**").matches("a/b/c"))
        #expect(try glob("a/**/b/**/c").matches("a/b/c"))
        #expect(try glob("a/**/b/**/c").matches("a/x/b/y/z/c"))
        #expect(try !glob("a/**/b/**/c").matches("a/x/y/z/c"))
        #expect(try glob("a/**/**/b").matches("a/b"))
        let fixedTail = try glob("photos/**/x/*.jpg")
        #expect(fixedTail.matches("photos/x/a.jpg") && fixedTail.matches("photos/1/2/x/a.jpg"))
        #expect(!fixedTail.matches("photos/.h/x/a.jpg") && !fixedTail.matches("photos/1/.x/a.jpg"))
        #expect(!fixedTail.matches("photos/a.jpg") && !fixedTail.matches("photos/x/y/a.jpg"))
        #expect(try glob("**").matches("a/b") && !glob("**").matches("a/.b"))
    }

    @Test func starAndQuestionMarkStayInsideASegment() throws {
        #expect(try glob("*.jpg").matches("a.jpg"))
        #expect(try !glob("*.jpg").matches("dir/a.jpg"))
        #expect(try glob("img??.jpg").matches("img01.jpg"))
        #expect(try !glob("img??.jpg").matches("img1.jpg"))
        #expect(try glob("?.jpg").matches("é.jpg"))
        #expect(try glob("日?.jpg").matches("日本.jpg"))
        #expect(try glob("*a*b*c").matches("xxaxxbxxc"))
        #expect(try !glob("*a*b*c").matches("xxaxxcxxb"))
        #expect(try glob("a**b").matches("aXYb"))
        #expect(try glob("*").matches("été 日本.jpg"))
        #expect(try !glob("a*").matches("a/b"))
    }

    @Test func classes() throws {
        let set = try glob("img[abc].jpg")
        #expect(set.matches("imga.jpg") && set.matches("imgc.jpg") && !set.matches("imgd.jpg"))
        #expect(try glob("[a-c][0-9].png").matches("b7.png"))
        #expect(try !glob("[a-c][0-9].png").matches("d7.png"))
        #expect(try glob("[!abc].png").matches("d.png"))
        #expect(try !glob("[!abc].png").matches("a.png"))
        #expect(try glob("[^a].png").matches("b.png"))
        #expect(try glob("[]x].png").matches("].png"))
        #expect(try glob("[a-].png").matches("-.png"))
        #expect(try glob("[éè]t[é-ê].jpg").matches("été.jpg"))
        #expect(try !glob("[!é].jpg").matches("é.jpg"))
        #expect(try glob("[[]1].jpg").matches("[1].jpg"))
    }

    @Test func braceAlternatives() throws {
        #expect(Glob.expandBraces("*.{jpg,png}") == ["*.jpg", "*.png"])
        #expect(Glob.expandBraces("{a,b{c,d}}/x") == ["a/x", "bc/x", "bd/x"])
        #expect(Glob.expandBraces("{a,b}{1,2}") == ["a1", "a2", "b1", "b2"])
        #expect(Glob.expandBraces("a{,b}") == ["a", "ab"])
        #expect(Glob.expandBraces("{a}") == ["{a}"])
        #expect(Glob.expandBraces("{a{b,c}}") == ["{ab}", "{ac}"])
        #expect(Glob.expandBraces("\\{a,b}") == ["\\{a,b}"])
        #expect(Glob.expandBraces("[{]a,b}") == ["[{]a,b}"])
        #expect(Glob.expandBraces("x{a,b") == ["x{a,b"])
        let images = try glob("photos/**/*.{jpg,png}")
        #expect(images.alternatives == ["photos/**/*.jpg", "photos/**/*.png"])
        #expect(images.matches("photos/a/b.png") && images.matches("photos/c.jpg") && !images.matches("photos/c.gif"))
        #expect(try glob("{photos,pics}/*.jpg").matches("pics/a.jpg"))
    }

    @Test func hiddenFilesAndFoldersAreSkipped() throws {
        #expect(try !glob("*").matches(".hidden"))
        #expect(try !glob("*.jpg").matches(".a.jpg"))
        #expect(try !glob("?a.jpg").matches(".a.jpg"))
        #expect(try !glob("[.]a.jpg").matches(".a.jpg"))
        #expect(try !glob("**/*.jpg").matches(".git/a.jpg"))
        #expect(try !glob("photos/**/*.jpg").matches("photos/.cache/a.jpg"))
        #expect(try !glob("*/a.jpg").matches(".thumbs/a.jpg"))
        #expect(try glob(".*").matches(".hidden"))
        #expect(try glob(".cache/*.jpg").matches(".cache/a.jpg"))
        #expect(try glob("photos/**/.cache/*.jpg").matches("photos/x/.cache/a.jpg"))
        #expect(try !glob(".*").matches(".."))
        #expect(try glob("../shared/*.png").matches("../shared/logo.png"))
        #expect(try !glob("*/shared/*.png").matches("../shared/logo.png"))
    }

    @Test func literalPatternsAndEscapes() throws {
        let logo = try glob("./assets//logo.png")
        #expect(!logo.hasWildcards)
        #expect(logo.matches("assets/logo.png"))
        #expect(logo.literalPaths == ["assets/logo.png"])
        #expect(try glob("{a,b,a}.png").literalPaths == ["a.png", "b.png"])
        #expect(try glob("*.png").literalPaths == nil)
        #expect(try glob("a\\*b.png").matches("a*b.png"))
        #expect(try !glob("a\\*b.png").matches("axb.png"))
        #expect(try !glob("a\\*b.png").hasWildcards)
        #expect(try glob("my photos/été 日本.jpg").matches("my photos/été 日本.jpg"))
    }

    @Test func absolutePatterns() throws {
        let absolute = try glob("/data/photos/*.jpg")
        #expect(absolute.base == "/data/photos")
        #expect(absolute.matches("/data/photos/a.jpg"))
        #expect(!absolute.matches("data/photos/a.jpg"))
        #expect(try !glob("data/*.jpg").matches("/data/a.jpg"))
        #expect(absolute.mayMatchBelow("/data"))
        #expect(!absolute.mayMatchBelow("data"))
    }

    @Test func base() throws {
        #expect(try glob("photos/**/*.jpg").base == "photos")
        #expect(try glob("photos/2024/*/x.jpg").base == "photos/2024")
        #expect(try glob("*.jpg").base == "")
        #expect(try glob("photos/a.jpg").base == "photos")
        #expect(try glob("a.jpg").base == "")
        #expect(try glob("photos/{a,b}/*.jpg").base == "photos")
        #expect(try glob("{photos,pics}/*.jpg").base == "")
        #expect(try glob("photos/*.{jpg,png}").base == "photos")
        #expect(try glob("../shared/*.png").base == "../shared")
        #expect(try glob("ph\\*tos/*.png").base == "ph*tos")
        #expect(try glob("photos/**/*.jpg").hasWildcards)
    }

    @Test func mayMatchBelowPrunesDirectories() throws {
        let photos = try glob("photos/**/*.jpg")
        #expect(photos.mayMatchBelow(""))
        #expect(photos.mayMatchBelow("photos"))
        #expect(photos.mayMatchBelow("photos/a/b"))
        #expect(!photos.mayMatchBelow("other"))
        #expect(!photos.mayMatchBelow("photos/.cache"))
        let fixed = try glob("photos/2024/*.jpg")
        #expect(fixed.mayMatchBelow("photos"))
        #expect(fixed.mayMatchBelow("photos/2024"))
        #expect(!fixed.mayMatchBelow("photos/2023"))
        #expect(!fixed.mayMatchBelow("photos/2024/deeper"))
        #expect(try !glob("*.jpg").mayMatchBelow("sub"))
        #expect(try glob("*/*.jpg").mayMatchBelow("sub"))
        #expect(try !glob("*/*.jpg").mayMatchBelow(".git"))
        #expect(try glob("a/**").mayMatchBelow("a/b/c"))
        #expect(try glob("{x,y}/*.jpg").mayMatchBelow("y"))
    }

    @Test func malformedPatterns() {
        #expect(throws: GlobError.unclosedClass(offset: 4)) { try Glob("img/[ab.jpg") }
        #expect(throws: GlobError.unclosedClass(offset: 0)) { try Glob("[a/b]") }
        #expect(throws: GlobError.unclosedBrace(offset: 2)) { try Glob("a/{b,c") }
        #expect(throws: GlobError.invalidRange("z-a", offset: 1)) { try Glob("[z-a]") }
        #expect(throws: GlobError.trailingBackslash(offset: 1)) { try Glob("a\\") }
        #expect(throws: GlobError.empty) { try Glob("") }
        #expect(GlobError.unclosedClass(offset: 4).description.contains("'['"))
    }

    @Test func matchesManyPathsQuickly() throws {
        let globs = try ["photos/**/*.{jpg,jpeg,png}", "build/thumbs/**/*.webp", "assets/logo.png", "*.[jt]pg"].map(Glob.init)
        var paths: [String] = []
        for a in 0..<100 {
            for b in 0..<100 {
                paths.append("photos/\(a)/sub \(b)/img_\(a * b).\(b % 2 == 0 ? "jpg" : "webp")")
            }
        }
        var count = 0
        for path in paths { for glob in globs where glob.matches(path) { count += 1 } }
        #expect(count == 5_000)
    }

    /// Two patterns that can match one path, decided without files; the example found matches both.
    @Test func commonMatchOfTwoPatterns() throws {
        let cases: [(String, String, String?)] = [
            ("**/*.jpg", "out/**/?*.jpg", "out/x.jpg"),
            ("photos/**/*.jpg", "out/**/?*.jpg", nil),
            ("**/*.jpg", "out/**/?*.webp", nil),
            ("out/*-big.jpg", "out/?*-{small,big}.jpg", "out/x-big.jpg"),
            ("out/*-big.jpg", "out/?*-small.jpg", nil),
            ("a/[0-9]*.png", "a/[!0-9]*.png", nil),
            ("a/[0-9]*.png", "a/?*.png", "a/0.png"),
            ("**/*.jpg", ".cache/?*.jpg", nil),  // wildcards never match a hidden folder
            ("*.jpg", ".jpg", nil),
            ("/t/b/**/*.webp", "/t/b/thumbs/**/?*.webp", "/t/b/thumbs/x.webp"),
            ("caf\u{E9}/*.jpg", "?a?\u{E9}/x.jpg", "caf\u{E9}/x.jpg"),
        ]
        for (left, right, expected) in cases {
            let found = try glob(left).commonMatch(with: try glob(right))
            #expect(found == expected, "\(left) and \(right)")
            if let found {
                #expect(try glob(left).matches(found) && glob(right).matches(found), "\(found)")
            }
        }
    }

    /// `(?i)`: cameras' `.JPG` and `.Jpeg` match `*.{jpg,jpeg}`; the base folder is read as written.
    @Test func aPatternThatStartsWithQuestionIMatchesEitherCase() throws {
        let photos = try glob("(?i)photos/**/*.{jpg,jpeg}")
        #expect(photos.ignoresCase && photos.base == "photos")
        for path in ["photos/a.jpg", "photos/B.JPG", "photos/2024/c.Jpeg", "photos/x/IMG_0001.JpG"] {
            #expect(photos.matches(path), "\(path)")
        }
        #expect(!photos.matches("Photos/a.jpg"), "the base is as written")
        #expect(!photos.matches("photos/a.png") && !photos.matches("photos/.hidden/a.JPG"))
        #expect(try !glob("photos/*.jpg").matches("photos/a.JPG"), "without (?i), case counts")
        #expect(try glob("(?i)a/[a-c]x.png").matches("a/Bx.PNG") && glob("(?i)a/[!a]x.png").matches("a/bx.png"))
        #expect(try !glob("(?i)a/[!a]x.png").matches("a/Ax.png"), "a negated class excludes both cases")
        #expect(try glob("(?i)a/caf\u{E9}.png").matches("a/CAF\u{C9}.PNG"))
        #expect(try glob("(?i)a/stra\u{DF}e.png").matches("a/STRA\u{DF}E.png"), "\u{DF} has no one-letter capital")
        #expect(try glob("(?i)photos/a.jpg").literalPaths == nil, "a literal name is looked for in either case")
        #expect(Glob.expandBraces("(?i)a/{b,c}.jpg") == ["(?i)a/b.jpg", "(?i)a/c.jpg"])
        // Against other rules' output patterns: `out/*.JPG` outputs feed `(?i)out/*.jpg`.
        #expect(try glob("(?i)/t/out/*.jpg").commonMatch(with: try glob("/t/out/?*.JPG")) != nil)
        #expect(try glob("/t/out/*.jpg").commonMatch(with: try glob("/t/out/?*.JPG")) == nil)
    }
}
