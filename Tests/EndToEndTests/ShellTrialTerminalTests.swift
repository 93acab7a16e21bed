import Foundation
import Testing

/// Issue 19 at a terminal (tmux, 120×40): `try` at the prompt, Tab in a step, a mistake's caret, `preview _`
/// drawn in half blocks whose colours are the image's, `compare`, and `add` asking for its output and glob.
@Suite(.enabled(if: Tmux.available, "tmux is not installed"), .serialized)
struct ShellTrialTerminalTests {
    /// A 400×300 image in four flat quarters: red, green (top), blue, white (bottom).
    static let quarters: [(x: ClosedRange<Double>, y: ClosedRange<Double>, rgb: [Int])] = [
        (0...0.5, 0...0.5, [255, 0, 0]), (0.5...1, 0...0.5, [0, 255, 0]),
        (0...0.5, 0.5...1, [0, 0, 255]), (0.5...1, 0.5...1, [255, 255, 255]),
    ]

    func folder() throws -> Sandbox {
        let box = try ShellProject.make("trialterminal", photos: ["apple"])
        try box.image("photos/wide.jpg", width: 300, height: 200, seed: 5)
        var ppm = Data("P6\n400 300\n255\n".utf8)
        for y in 0..<300 {
            for x in 0..<400 {
                let colour = Self.quarters.first { $0.x.contains(Double(x) / 400) && $0.y.contains(Double(y) / 300) }?.rgb ?? []
                ppm.append(contentsOf: colour.map(UInt8.init))
            }
        }
        try box.writeData("photos/quarters.ppm", ppm)
        return box
    }

    func shell(in folder: Sandbox) throws -> Tmux {
        let tmux = try Tmux([Imgmake.binary, "shell"], in: folder.root)
        try tmux.waitForPrompt()
        return tmux
    }

    @Test func tryAtThePromptCompletesAndPointsAtAMistake() throws {
        let box = try folder()
        let tmux = try shell(in: box)
        try tmux.enter("try thumbnail 200 crop=attention on photos/wide.jpg")
        let screen = try tmux.wait { $0.contains("_: 200×200, 3 bands, jpeg") }
        #expect(screen.contains("_: 200×200, 3 bands, jpeg"), "\(screen)")
        try tmux.waitForPrompt()

        // Tab: an operation, an argument name, an enum value.
        try tmux.type("try thumbn")
        try tmux.press("Tab")
        try tmux.wait(timeout: 10) { $0.hasSuffix("imgmake> try thumbnail") }
        try tmux.type(" 120 crop=att")
        try tmux.press("Tab")
        let completed = try tmux.wait(timeout: 10) { $0.hasSuffix("imgmake> try thumbnail 120 crop=attention") }
        #expect(completed.hasSuffix("crop=attention"), "\(completed)")
        try tmux.press("C-c")
        try tmux.waitForPrompt()

        let line = "try thumbnail 120 | sharpen sigma=0.5 | flip horizntal on photos/wide.jpg"
        try tmux.enter(line)
        let column = line.distance(from: line.startIndex, to: try #require(line.range(of: "horizntal")).lowerBound) + 1
        let error = try tmux.wait { $0.contains("try:1:\(column): error:") && $0.contains("^") }
        let lines = error.split(separator: "\n").map(String.init)
        let echo = try #require(lines.lastIndex { $0 == "    " + line })
        #expect(echo + 1 < lines.count && lines[echo + 1] == String(repeating: " ", count: column + 3) + "^", "\(error)")
    }

    @Test func previewDrawsTheImagesColoursInHalfBlocks() throws {
        let box = try folder()
        let tmux = try shell(in: box)
        try tmux.enter("try photos/quarters.ppm | flip horizontal")
        try tmux.wait { $0.contains("_: 400×300, 3 bands, ppm") }
        try tmux.waitForPrompt()
        try tmux.press("C-l")
        try tmux.waitForPrompt()
        try tmux.enter("preview _")
        let caption = try tmux.wait { $0.contains("_: 400×300 (drawn at") }
        // 120 columns, 40 rows less 3 for the caption and prompt: 74 pixel rows, so 99×74 at 4:3.
        #expect(caption.contains("_: 400×300 (drawn at 99×74)"), "\(caption)")
        let rows = try tmux.cells().filter { row in row.contains { $0.character == "▀" } }
        try #require(rows.count == 37, "74 pixel rows in 37 lines of half blocks: \(rows.count)")
        // The result is the image flipped: green, red on top; white, blue below. Each sampled cell's upper half
        // (foreground) and lower half (background) are that quarter's colour.
        let flipped: [(column: Int, row: Int, rgb: [Int])] = [
            (24, 9, [0, 255, 0]), (74, 9, [255, 0, 0]), (24, 28, [255, 255, 255]), (74, 28, [0, 0, 255]),
            (5, 2, [0, 255, 0]), (95, 35, [0, 0, 255]),
        ]
        for sample in flipped {
            let cell = rows[sample.row][sample.column]
            #expect(cell.character == "▀")
            #expect(cell.foreground == sample.rgb && cell.background == sample.rgb, "cell \(sample): \(cell)")
        }
        #expect(rows.allSatisfy { $0.filter { $0.character == "▀" }.count == 99 }, "99 columns on every line")

        // compare: both drawn, and how far apart they are.
        try tmux.enter("compare photos/quarters.ppm _")
        let compared = try tmux.wait { $0.contains("PSNR") }
        #expect(compared.contains("A photos/quarters.ppm: 400×300   B _: 400×300"), "\(compared)")
        #expect(compared.contains("largest sample difference 255 of 255"), "\(compared)")
        try tmux.enter("compare _ _")
        #expect(try tmux.wait { $0.contains("identical pixels") }.contains("identical pixels (PSNR ∞"))
    }

    @Test func setPreviewOnDrawsEachResult() throws {
        let box = try folder()
        let tmux = try shell(in: box)
        try tmux.enter("set preview on")
        try tmux.wait { $0.contains("preview = on") }
        try tmux.enter("try photos/quarters.ppm | crop 0 0 200 150")
        let screen = try tmux.wait { $0.contains("_: 200×150 (drawn at") }
        #expect(screen.contains("_: 200×150, 3 bands, ppm"), "\(screen)")
        let red = try tmux.cells().flatMap { $0 }.filter { $0.character == "▀" }
        let other = red.filter { $0.foreground != [255, 0, 0] || $0.background != [255, 0, 0] }
        #expect(!red.isEmpty && other.isEmpty, "the red quarter alone: \(red.count) cells, \(other.prefix(5))")
    }

    @Test func addAsksForTheOutputAndGlobThenTheRuleBuildsTheSamePixels() throws {
        let box = try folder()
        let tmux = try shell(in: box)
        try tmux.enter("try thumbnail 64 | flip horizontal on photos/wide.jpg")
        try tmux.wait { $0.contains("_: 64×43, 3 bands, jpeg") }
        try tmux.enter("save _ tried.jpg")
        try tmux.wait { $0.contains("saved tried.jpg") }
        try tmux.enter("add mirrored")
        try tmux.wait { $0.hasSuffix("output pattern [build/mirrored/{path}.jpg]:") }
        try tmux.press("Enter")
        try tmux.wait { $0.hasSuffix("input glob [photos/*.jpg]:") }
        try tmux.press("Enter")
        let added = try tmux.wait { $0.contains("added rule mirrored") }
        #expect(added.contains("added rule mirrored to Imgmakefile: 1 output"), "\(added)")
        try tmux.press("C-d")
        try tmux.wait { $0.contains("EXITED 0") }

        let list = try box.imgmake("list")
        #expect(list.stdout.contains("mirrored"), "\(list)")
        let build = try box.imgmake("mirrored")
        #expect(build.status == 0, "\(build)")
        #expect(try box.data("build/mirrored/wide.jpg") == (try box.data("tried.jpg")), "the rule builds what try made")
    }
}
