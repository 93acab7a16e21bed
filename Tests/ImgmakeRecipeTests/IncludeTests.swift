import ImgmakeRecipe
import Testing

@Suite struct IncludeTests {
    @Test func pathsAreRelativeToTheIncludingFile() throws {
        let recipe = try load(
            """
            DIR = sub
            include $(DIR)/a.imgmake "with space/b.imgmake"
            top: out/{name}.png <- $(FROM_A)/*.png
            """,
            files: [
                "sub/a.imgmake": """
                FROM_A = a-value
                include deeper/c.imgmake
                ruleA: out/a/{name}.png <- *.png
                """,
                "sub/deeper/c.imgmake": "ruleC: out/c/{name}.png <- ../../x/*.png\n",
                "with space/b.imgmake": "group: ruleA ruleC\n",
            ])
        #expect(
            recipe.files == [
                "/r/Imgmakefile", "/r/sub/a.imgmake", "/r/sub/deeper/c.imgmake",
                "/r/with space/b.imgmake",
            ])
        #expect(recipe.rules.map(\.name.value) == ["ruleC", "ruleA", "top"])
        #expect(recipe.rules.map(\.directory) == ["/r/sub/deeper", "/r/sub", "/r"])
        #expect(recipe.rules[0].name.location.description == "sub/deeper/c.imgmake:1:1")
        #expect(recipe.rules[2].inputGlobs[0].value == "a-value/*.png")
        #expect(recipe.groups.map(\.name.value) == ["group"])
        // The first rule or group the top file itself defines.
        #expect(recipe.defaultTarget == "top")
    }

    @Test func includeCycleIsAnErrorAtTheIncludeLine() {
        let cycle = errors(
            "include a.imgmake\n",
            files: [
                "a.imgmake": "x: y\ninclude b.imgmake\n",
                "b.imgmake": "\ninclude   ./a.imgmake\n",
            ])
        #expect(
            describe(cycle) == [
                "b.imgmake:2:11: error: include cycle: a.imgmake -> b.imgmake -> a.imgmake"
            ])
        #expect(
            describe(errors("include Imgmakefile\n")) == [
                "Imgmakefile:1:9: error: include cycle: Imgmakefile -> Imgmakefile"
            ])
    }

    @Test func endlesslyNestedIncludesStop() {
        /// Every file includes `x/f` below itself, as a symbolic link to `.` would make it seem.
        struct Endless: RecipeFileReader {
            func read(_ absolutePath: String) throws -> String { "include x/f\n" }
        }
        do {
            _ = try RecipeLoader(reader: Endless()).load(file: "/r/f", displayRelativeTo: "/r")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.message) == ["includes are nested more than 50 deep"])
            #expect(error.errors.first?.location?.file.hasPrefix("x/x/x/") == true)
        }
    }

    @Test func missingFiles() {
        #expect(
            describe(errors("a: b\ninclude nope.imgmake\n")) == [
                "Imgmakefile:2:9: error: cannot read included file 'nope.imgmake': no such file"
            ])
        #expect(throws: RecipeErrors.self) {
            try RecipeLoader(reader: MemoryFiles(files: [:])).load(file: "/r/Imgmakefile")
        }
        do {
            _ = try RecipeLoader(reader: MemoryFiles(files: [:])).load(file: "/r/Imgmakefile")
        } catch {
            #expect(error.description == "error: cannot read recipe file '/r/Imgmakefile': no such file")
        }
    }

    @Test func aFileIncludedTwiceWithoutACycleIsRead() throws {
        let recipe = try load(
            "include v.imgmake\ninclude v.imgmake\nr: o/{name}.png <- $(V)\n",
            files: ["v.imgmake": "V = *.png\n"])
        #expect(recipe.files == ["/r/Imgmakefile", "/r/v.imgmake"])
        #expect(recipe.rules[0].inputGlobs[0].value == "*.png")
    }

    @Test func relativeTopFileAndDisplayPaths() throws {
        let reader = MemoryFiles(files: ["/r/sub/Imgmakefile": "bad line\n"])
        do {
            _ = try RecipeLoader(reader: reader).load(file: "/r/./sub/../sub/Imgmakefile", displayRelativeTo: "/r/other")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map { $0.location?.description } == ["../sub/Imgmakefile:1:5"])
        }
        do {
            _ = try RecipeLoader(reader: reader).load(file: "/r/sub/Imgmakefile")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map { $0.location?.file } == ["/r/sub/Imgmakefile"])
        }
        let good = MemoryFiles(files: ["/r/sub/Imgmakefile": "a: b\n"])
        let recipe = try RecipeLoader(reader: good).load(file: "/r/sub//Imgmakefile")
        #expect(recipe.rootDirectory == "/r/sub")
        #expect(recipe.topFile == "/r/sub/Imgmakefile")
    }
}
