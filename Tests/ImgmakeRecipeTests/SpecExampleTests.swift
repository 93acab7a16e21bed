import ImgmakeRecipe
import Testing

/// The example recipe of README's *The recipe language*.
let specExample = """
    # Variables: NAME = value, referenced as $(NAME). `imgmake NAME=value` on the command line overrides.
    SIZE    = 320
    QUALITY = 80

    include common.imgmake          # another recipe file, path relative to this one

    # A rule:  NAME: OUTPUT-PATTERN <- INPUT-GLOB...
    # Its body: one step per indented line.
    thumbs: build/thumbs/{path}.webp <- photos/**/*.jpg photos/**/*.png
        thumbnail width=$(SIZE) height=$(SIZE) crop=attention
        sharpen sigma=0.5
        save Q=$(QUALITY) strip=true

    # A matrix: `with NAME = VALUE...` lines multiply the outputs of each input.
    responsive: build/web/{path}-{w}.{fmt} <- photos/**/*.jpg
        with w = 480 960 1920
        with fmt = webp avif
        thumbnail width={w}
        save strip=true

    # An image argument from a file: @PATH. That file is an input of every output of the rule.
    marked: build/marked/{name}.jpg <- photos/*.jpg
        thumbnail width=1200
        composite2 overlay=@assets/logo.png mode=over x=24 y=24
        save Q=85

    # An aggregate rule: the output pattern has no placeholder, so all matched inputs (sorted by path)
    # make one output; the first step receives them as an array of images.
    sheet: build/contact-sheet.jpg <- build/thumbs/**/*.webp
        arrayjoin across=6 shim=8 background=255
        save Q=85

    # A group:  NAME: TARGET...   (no `<-`)
    all: thumbs sheet
    """

let commonFile = """
    BORDER = 8
    frame: build/framed/{name}.png <- art/*.png
        embed $(BORDER) $(BORDER) 100 100 extend=white
    """

/// `name=value` (or `value` when bare), with `"…"` around quoted values.
func brief(_ argument: ArgumentSyntax) -> String {
    let value = argument.quoted ? "\"\(argument.value.value)\"" : argument.value.value
    return argument.name.map { "\($0.value)=\(value)" } ?? value
}

func brief(_ step: StepSyntax) -> String {
    ([step.operation.value] + step.arguments.map(brief)).joined(separator: " ")
}

@Suite struct SpecExampleTests {
    let recipe: Recipe

    init() throws {
        recipe = try load(specExample, files: ["common.imgmake": commonFile])
    }

    @Test func filesAndRoot() {
        #expect(recipe.rootDirectory == "/r")
        #expect(recipe.topFile == "/r/Imgmakefile")
        #expect(recipe.files == ["/r/Imgmakefile", "/r/common.imgmake"])
        #expect(recipe.defaultTarget == "thumbs")
        #expect(recipe.variables == ["SIZE": "320", "QUALITY": "80", "BORDER": "8"])
    }

    @Test func rulesInFileOrderWithIncludeInPlace() {
        #expect(recipe.rules.map(\.name.value) == ["frame", "thumbs", "responsive", "marked", "sheet"])
        #expect(recipe.rules.map(\.directory) == ["/r", "/r", "/r", "/r", "/r"])
    }

    @Test func thumbsRule() throws {
        let thumbs = try #require(recipe.rules.first { $0.name.value == "thumbs" })
        #expect(thumbs.name.brief == "thumbs@9:1")
        #expect(thumbs.outputPattern.brief == "build/thumbs/{path}.webp@9:9")
        #expect(thumbs.inputGlobs.map(\.brief) == ["photos/**/*.jpg@9:37", "photos/**/*.png@9:53"])
        #expect(thumbs.matrix.isEmpty)
        #expect(
            thumbs.steps.map(brief) == [
                "thumbnail width=320 height=320 crop=attention",
                "sharpen sigma=0.5",
                "save Q=80 strip=true",
            ])
        let thumbnail = thumbs.steps[0]
        #expect(thumbnail.operation.brief == "thumbnail@10:5")
        #expect(thumbnail.arguments.map { $0.name!.brief } == ["width@10:15", "height@10:29", "crop@10:44"])
        // Characters a $(SIZE) reference produced are located at its '$'.
        #expect(thumbnail.arguments.map(\.value.brief) == ["320@10:21", "320@10:36", "attention@10:49"])
        #expect(thumbnail.arguments.allSatisfy { !$0.quoted })
    }

    @Test func matrixRule() throws {
        let responsive = try #require(recipe.rules.first { $0.name.value == "responsive" })
        #expect(responsive.matrix.map(\.name.brief) == ["w@16:10", "fmt@17:10"])
        #expect(responsive.matrix[0].values.map(\.brief) == ["480@16:14", "960@16:18", "1920@16:22"])
        #expect(responsive.matrix[1].values.map(\.value) == ["webp", "avif"])
        #expect(responsive.steps.map(brief) == ["thumbnail width={w}", "save strip=true"])
    }

    @Test func imageArgumentsAndAggregates() throws {
        let marked = try #require(recipe.rules.first { $0.name.value == "marked" })
        #expect(marked.steps[1].arguments.map(brief) == ["overlay=@assets/logo.png", "mode=over", "x=24", "y=24"])
        let sheet = try #require(recipe.rules.first { $0.name.value == "sheet" })
        #expect(sheet.outputPattern.value == "build/contact-sheet.jpg")
        #expect(sheet.steps.map(brief) == ["arrayjoin across=6 shim=8 background=255", "save Q=85"])
    }

    @Test func groupAndIncludedRule() throws {
        #expect(recipe.groups.count == 1)
        #expect(recipe.groups[0].name.brief == "all@34:1")
        #expect(recipe.groups[0].targets.map(\.brief) == ["thumbs@34:6", "sheet@34:13"])
        let frame = try #require(recipe.rules.first)
        #expect(frame.name.location.file == "common.imgmake")
        #expect(frame.steps.map(brief) == ["embed 8 8 100 100 extend=white"])
        #expect(frame.steps[0].arguments.map { $0.name?.value } == [nil, nil, nil, nil, "extend"])
    }
}
