import ImgmakeRecipe
import Testing

@Suite struct TemplateTests {
    @Test func parsesLiteralsAndPlaceholders() throws {
        let template = try Template("build/{path}-{w}.{fmt}")
        #expect(
            template.pieces == [
                .literal("build/"), .placeholder(.init(name: "path", offset: 6)), .literal("-"),
                .placeholder(.init(name: "w", offset: 13)), .literal("."), .placeholder(.init(name: "fmt", offset: 17)),
            ])
        #expect(template.names == ["path", "w", "fmt"])
        #expect(template.hasPlaceholders)
        #expect(try !Template("plain.jpg").hasPlaceholders)
        #expect(try Template("{a}{b}{a}").names == ["a", "b"])
        #expect(try Template("{a}{b}{a}").placeholders.map(\.offset) == [0, 3, 6])
    }

    @Test func expands() throws {
        let template = try Template("{dir}/{name}_{w}.webp")
        #expect(try template.expand(["dir": "2024/trip", "name": "été 日本", "w": "480"]) == "2024/trip/été 日本_480.webp")
        #expect(try Template("").expand([:]) == "")
        #expect(try Template("x{n}").expand { $0 == "n" ? "{n}" : nil } == "x{n}")
        #expect(throws: TemplateError.unknownPlaceholder("name", offset: 6)) {
            try template.expand(["dir": "d"])
        }
    }

    @Test func doubledBracesAreLiteral() throws {
        let template = try Template("{{literal}} {{{w}}}")
        #expect(template.names == ["w"])
        #expect(try template.expand(["w": "1"]) == "{literal} {1}")
    }

    @Test func errors() {
        #expect(throws: TemplateError.unclosedBrace(offset: 4)) { try Template("out/{name.jpg") }
        #expect(throws: TemplateError.unmatchedClosingBrace(offset: 1)) { try Template("a}b") }
        #expect(throws: TemplateError.emptyPlaceholder(offset: 2)) { try Template("a/{}") }
        #expect(throws: TemplateError.invalidName("a b", offset: 0)) { try Template("{a b}") }
        #expect(TemplateError.unclosedBrace(offset: 4).description == "'{' without a closing '}' (write '{{' for a literal brace)")
    }

    @Test func locatesPlaceholders() throws {
        let template = try Template("out/{nme}.jpg")
        let location = SourceLocation(file: "Imgmakefile", line: 3, column: 9)
        #expect(template.location(of: template.placeholders[0], in: location).description == "Imgmakefile:3:13")
    }
}
