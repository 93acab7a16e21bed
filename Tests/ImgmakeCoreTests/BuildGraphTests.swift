import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

@Suite struct BuildGraphTests {
    @Test func placeholdersAndChains() throws {
        let tree = TestTree(
            recipe: """
                sheet: build/sheet.jpg <- build/thumbs/**/*.webp
                    arrayjoin across=2
                thumbs: build/thumbs/{path}.webp <- photos/**/*.jpg
                    thumbnail 100
                """, files: ["photos/a.jpg", "photos/2024/trip/b.jpg", "photos/.hidden.jpg", "photos/.git/c.jpg"])
        let session = try tree.session()
        let outputs = session.graph.edges.map { session.graph.display($0.output) }.sorted()
        #expect(outputs == ["build/sheet.jpg", "build/thumbs/2024/trip/b.webp", "build/thumbs/a.webp"])
        let sheet = session.graph.producer["/t/build/sheet.jpg"]!
        #expect(session.graph.edges[sheet].sources == ["/t/build/thumbs/2024/trip/b.webp", "/t/build/thumbs/a.webp"])
        #expect(session.graph.edges[sheet].dependencies.count == 2)
        // Dependencies come first in the closure.
        let order = session.graph.closure(of: [sheet])
        #expect(order.last == sheet)
        let b = session.graph.edges[session.graph.producer["/t/build/thumbs/2024/trip/b.webp"]!]
        #expect(b.placeholders["path"] == "2024/trip/b")
        #expect(b.placeholders["dir"] == "2024/trip")
        #expect(b.placeholders["name"] == "b")
        #expect(b.placeholders["ext"] == "jpg")
    }

    @Test func matrixMultipliesOutputs() throws {
        let tree = TestTree(
            recipe: """
                web: out/{name}-{w}.{fmt} <- p/*.jpg
                    with w = 100 200
                    with fmt = webp jpg
                    thumbnail width={w}
                """, files: ["p/a.jpg"])
        let session = try tree.session()
        #expect(
            session.graph.edges.map { session.graph.display($0.output) }.sorted()
                == ["out/a-100.jpg", "out/a-100.webp", "out/a-200.jpg", "out/a-200.webp"])
        let edge = session.graph.edges[session.graph.producer["/t/out/a-200.jpg"]!]
        #expect(edge.job.saver == "jpegsave")
        #expect(edge.job.steps[0].arguments[0].value == .int(200))
    }

    @Test func twoRulesSameOutputNamesBoth() {
        let errors = TestTree(
            recipe: "a: out/{name}.webp <- p/*.jpg\nb: out/{name}.webp <- q/*.jpg\n",
            files: ["p/x.jpg", "q/x.jpg"]
        ).errors()
        #expect(errors.first?.contains("rules 'a' and 'b' both make out/x.webp") == true)
        #expect(errors.first?.hasPrefix("Imgmakefile:2:4:") == true)
    }

    @Test func twoInputsSameOutputNamesBoth() {
        let errors = TestTree(recipe: "a: out/{name}.webp <- p/*.jpg p/*.png\n", files: ["p/x.jpg", "p/x.png"]).errors()
        #expect(errors.first?.contains("make the same output out/x.webp: p/x.jpg and p/x.png") == true)
    }

    @Test func cycleIsRefused() {
        let errors = TestTree(recipe: "a: x/{name}.webp <- y/*.webp\nb: y/{name}.webp <- x/*.webp\n", files: ["x/a.webp"]).errors()
        #expect(errors.first?.contains("cycle") == true)
    }

    @Test func outputOutsideTreeIsRefused() throws {
        let tree = TestTree(recipe: "a: ../out/{name}.webp <- p/*.jpg\n", files: ["p/x.jpg"])
        #expect(tree.errors().first?.contains("outside the recipe's directory tree") == true)
        #expect(try tree.session(allowOutside: true).graph.edges.count == 1)
        let up = TestTree(recipe: "a: out/{path}.webp <- p/*.jpg\n", files: ["p/x.jpg"])
        #expect(up.errors() == [])
    }

    @Test func targetsResolve() throws {
        let tree = TestTree(recipe: "all: a\na: out/{name}.webp <- p/*.jpg\n", files: ["p/x.jpg", "p/y.jpg"])
        let session = try tree.session()
        #expect(try session.edges(for: []).count == 2)
        #expect(try session.edges(for: ["out/x.webp"]).count == 1)
        #expect(throws: UsageError.self) { try session.edges(for: ["b"]) }
    }
}
