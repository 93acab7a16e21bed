import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCLI
@testable import ImgmakeCore

/// The shell's commands on an injected disk and catalog: a `MemoryDisk` tree at /t (a folder the real disk
/// does not have) checked against `FakeCatalog`, so what they print comes from the fake tree alone.
@Suite struct ShellOnMemoryDiskTests {
    static let recipe = """
        thumbs: build/{name}.webp <- photos/*.jpg
            thumbnail 64
            save Q=80
        sheet: build/sheet.jpg <- build/*.webp
            arrayjoin across=2
        all: thumbs sheet

        """

    final class FakeShell {
        let tree = TestTree(recipe: ShellOnMemoryDiskTests.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        var out = ""
        var err = ""
        private let options: RecipeOptions
        /// Made at its first use (its output closures need `self`); making one reads nothing.
        private(set) lazy var shell = Shell(
            options: options, overrides: [:], interactive: false, interrupts: ShellInterrupts(),
            disk: tree.disk, catalog: .fixed(tree.catalog), cwd: tree.root,
            out: { [unowned self] in self.out += $0 }, err: { [unowned self] in self.err += $0 })

        init() throws { options = try RecipeOptions.parse([]) }

        /// Runs a line; returns its exit code with what it printed.
        func run(_ line: String) -> (code: Int32, out: String, err: String) {
            out = ""
            err = ""
            let outcome = shell.run(line: line)
            return (outcome.code, out, err)
        }
    }

    @Test func listShowsTheFakeTreesRulesAndCounts() throws {
        let shell = try FakeShell()
        let list = shell.run("list")
        #expect(list.code == 0 && list.err.isEmpty, "\(list)")
        #expect(
            list.out == """
                rules:
                  thumbs    2 outputs, 2 stale        build/{name}.webp <- photos/*.jpg
                  sheet     1 output, 1 stale         build/sheet.jpg <- build/*.webp
                groups:
                  all       thumbs sheet
                default target: thumbs

                """)
    }

    @Test func showDescribesARuleAndAnOutput() throws {
        let shell = try FakeShell()
        let rule = shell.run("show thumbs")
        #expect(rule.code == 0 && rule.err.isEmpty, "\(rule)")
        #expect(
            rule.out == """
                rule thumbs  (Imgmakefile:1:1)
                  build/{name}.webp <- photos/*.jpg
                  steps:
                    thumbnail width=64
                    save Q=80
                  2 outputs, 2 stale:
                    build/a.webp  <- photos/a.jpg   stale: the output is missing
                    build/b.webp  <- photos/b.jpg   stale: the output is missing

                """)
        let output = shell.run("show build/sheet.jpg")
        #expect(
            output.out == """
                output build/sheet.jpg
                  rule sheet  (Imgmakefile:4:1)
                    build/sheet.jpg <- build/*.webp   (aggregate: all inputs make one output)
                    steps:
                      arrayjoin across=2
                      save
                  inputs:
                    build/a.webp
                    build/b.webp
                  status: stale: the output is missing

                """)
    }

    @Test func aDryRunNamesEveryOutputAndWritesNothing() throws {
        let shell = try FakeShell()
        let dry = shell.run("build -n all")
        #expect(dry.code == 0, "\(dry)")
        #expect(
            dry.out == """
                would build build/a.webp: the output is missing
                would build build/b.webp: the output is missing
                would build build/sheet.jpg: the output is missing
                3 to build, 0 up to date (dry run: nothing was built)

                """)
        #expect(!shell.tree.disk.exists("/t/build/a.webp"))
        #expect(!shell.tree.disk.exists("/t/.imgmake/catalog.json"), "the fixed catalog is used as it is")
    }

    @Test func aBrokenRecipeOnTheInjectedDiskKeepsTheLastGoodOne() throws {
        let shell = try FakeShell()
        #expect(shell.run("status").code == 0)
        shell.tree.disk.write("/t/Imgmakefile", Self.recipe.replacingOccurrences(of: "thumbnail 64", with: "thumbnial 64"))
        let status = shell.run("status")
        #expect(status.code == 2)
        #expect(status.err.contains("Imgmakefile:2:5: error: unknown operation 'thumbnial'"), "\(status)")
        #expect(status.err.contains("keeps the last good one"))
        #expect(status.out.contains("thumbs: 2 of 2 outputs stale"))
        #expect(shell.run("build -n").err.contains("not building: the recipe has errors"))
    }
}
