import Foundation
import Testing

@testable import ImgmakeCLI

#if canImport(Glibc)
    import Glibc
#endif

/// `preview`'s drawing: half blocks, sixel, kitty and iTerm2 output decoded back, the grid sizes, and how the
/// terminal's kind is found (environment, answers, the question asked on a pty).
@Suite struct TerminalImageTests {
    // MARK: Images

    /// A `width`×`height` image of varied colours (a fixed pseudo-random sequence), with some runs of one colour.
    private func sample(width: Int, height: Int, seed: UInt32 = 7) -> RGBImage {
        var state = seed
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                if x % 5 == 4 && x > 0 {
                    pixels += pixels[(pixels.count - 3)...]
                    continue
                }
                state = state &* 1_103_515_245 &+ 12345
                let blue = UInt8(truncatingIfNeeded: x * 16 + y)
                pixels += [UInt8(truncatingIfNeeded: state >> 8), UInt8(truncatingIfNeeded: state >> 16), blue]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    private func rgb(_ image: RGBImage, _ x: Int, _ y: Int) -> [Int] {
        let offset = (y * image.width + x) * 3
        return image.pixels[offset..<(offset + 3)].map(Int.init)
    }

    // MARK: Half blocks

    private enum CellColor: Equatable {
        case unset
        case terminalDefault
        case rgb([Int])
    }

    /// The cells of half-block output as (foreground, background) per line; each line's state starts unset, so
    /// a cell that relies on an earlier line's colours shows as `.unset`.
    private func decodeHalfBlocks(_ text: String) throws -> [[(CellColor, CellColor)]] {
        var lines: [[(CellColor, CellColor)]] = []
        var line: [(CellColor, CellColor)] = []
        var foreground = CellColor.unset
        var background = CellColor.unset
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            switch scalar {
            case "\u{1B}":
                #expect(scalars.popFirst() == "[")
                var parameters = ""
                while let next = scalars.popFirst(), next != "m" { parameters.unicodeScalars.append(next) }
                var codes = try parameters.split(separator: ";", omittingEmptySubsequences: false).map {
                    try #require(Int($0), "SGR parameter \($0)")
                }[...]
                while let code = codes.popFirst() {
                    switch code {
                    case 0:
                        foreground = .terminalDefault
                        background = .terminalDefault
                    case 38, 48:
                        #expect(codes.popFirst() == 2)
                        let color = CellColor.rgb(Array(codes.prefix(3)))
                        codes = codes.dropFirst(3)
                        if code == 38 { foreground = color } else { background = color }
                    case 39: foreground = .terminalDefault
                    case 49: background = .terminalDefault
                    default: Issue.record("unexpected SGR \(code)")
                    }
                }
            case "\u{2580}":
                line.append((foreground, background))
            case "\n":
                #expect(foreground == .terminalDefault && background == .terminalDefault, "each line ends in ESC[0m")
                lines.append(line)
                line = []
                foreground = .unset
                background = .unset
            default:
                Issue.record("unexpected character \(scalar)")
            }
        }
        #expect(line.isEmpty, "the output ends with a line break")
        return lines
    }

    @Test(arguments: [(5, 4), (7, 5), (1, 1), (3, 1), (16, 9)])
    func halfBlocksDecodeToThePixels(width: Int, height: Int) throws {
        let image = sample(width: width, height: height)
        let lines = try decodeHalfBlocks(TerminalImage.halfBlocks(image))
        #expect(lines.count == (height + 1) / 2)
        for (row, line) in lines.enumerated() {
            #expect(line.count == width)
            for (x, cell) in line.enumerated() {
                #expect(cell.0 == .rgb(rgb(image, x, 2 * row)), "cell \(x),\(row) upper")
                let lower: CellColor = 2 * row + 1 < height ? .rgb(rgb(image, x, 2 * row + 1)) : .terminalDefault
                #expect(cell.1 == lower, "cell \(x),\(row) lower")
            }
        }
    }

    @Test func halfBlocksWriteAColorOnlyWhenItChanges() throws {
        let red: [UInt8] = [255, 0, 0]
        let blue: [UInt8] = [0, 0, 255]
        // 4×3: rows red, blue, red. Line 1: red over blue (4 cells); line 2: red over the default background.
        let image = RGBImage(
            width: 4, height: 3,
            pixels: Array([[UInt8]](repeating: red, count: 4).joined())
                + Array([[UInt8]](repeating: blue, count: 4).joined()) + Array([[UInt8]](repeating: red, count: 4).joined()))
        let text = TerminalImage.halfBlocks(image)
        #expect(
            text == "\u{1B}[38;2;255;0;0m\u{1B}[48;2;0;0;255m▀▀▀▀\u{1B}[0m\n"
                + "\u{1B}[38;2;255;0;0m\u{1B}[49m▀▀▀▀\u{1B}[0m\n")
        // A colour that returns after another one is written again.
        let stripes = RGBImage(width: 3, height: 2, pixels: red + blue + red + red + red + red)
        #expect(
            TerminalImage.halfBlocks(stripes)
                == "\u{1B}[38;2;255;0;0m\u{1B}[48;2;255;0;0m▀\u{1B}[38;2;0;0;255m▀\u{1B}[38;2;255;0;0m▀\u{1B}[0m\n")
    }

    @Test func halfBlocksOfNothingAreEmpty() {
        #expect(TerminalImage.halfBlocks(RGBImage(width: 0, height: 3, pixels: [])).isEmpty)
        #expect(TerminalImage.halfBlocks(RGBImage(width: 2, height: 0, pixels: [])).isEmpty)
        // Rows the bytes do not hold are not drawn.
        #expect(TerminalImage.halfBlocks(RGBImage(width: 1, height: 4, pixels: [1, 2, 3])) == "\u{1B}[38;2;1;2;3m\u{1B}[49m▀\u{1B}[0m\n")
    }

    // MARK: Grid

    @Test func gridKeepsSmallImagesAsTheyAre() {
        #expect(TerminalImage.halfBlockGrid(width: 40, height: 30, columns: 80, rows: 24, reservedRows: 2) == (40, 30))
        #expect(TerminalImage.halfBlockGrid(width: 80, height: 44, columns: 80, rows: 24, reservedRows: 2) == (80, 44))
        #expect(TerminalImage.halfBlockGrid(width: 1, height: 1, columns: 80, rows: 24, reservedRows: 2) == (1, 1))
    }

    @Test func gridFitsTheWindowKeepingTheAspectRatio() {
        // 80 columns, 22 free rows: at most 80×44 pixels.
        #expect(TerminalImage.halfBlockGrid(width: 4000, height: 3000, columns: 80, rows: 24, reservedRows: 2) == (59, 44))
        #expect(TerminalImage.halfBlockGrid(width: 4000, height: 1000, columns: 80, rows: 24, reservedRows: 2) == (80, 20))
        #expect(TerminalImage.halfBlockGrid(width: 100, height: 4000, columns: 80, rows: 24, reservedRows: 2) == (1, 44))
        #expect(TerminalImage.halfBlockGrid(width: 10_000, height: 1, columns: 80, rows: 24, reservedRows: 2) == (80, 1))
        for (width, height) in [(640, 480), (1920, 1080), (1080, 1920), (81, 45), (300, 7), (7, 300), (12_345, 6789)] {
            for (columns, rows) in [(80, 24), (200, 60), (20, 5), (1, 1)] {
                let grid = TerminalImage.halfBlockGrid(width: width, height: height, columns: columns, rows: rows, reservedRows: 2)
                let free = max(rows - 2, 1)
                #expect(grid.width >= 1 && grid.height >= 1)
                #expect(
                    grid.width <= min(width, columns) && grid.height <= min(height, 2 * free), "\(width)×\(height) in \(columns)×\(rows)")
                // An image larger than the window fills it on one side; the other keeps the ratio to within rounding.
                if width > columns || height > 2 * free {
                    #expect(grid.width == columns || grid.height == 2 * free)
                } else {
                    #expect(grid == (width, height))
                }
                let ratio = Double(width) / Double(height)
                let low = (Double(grid.width) - 0.5) / (Double(grid.height) + 0.5)
                let high = (Double(grid.width) + 0.5) / max(Double(grid.height) - 0.5, 0.5)
                #expect(grid.width == 1 || grid.height == 1 || (low...high).contains(ratio), "\(width)×\(height) → \(grid)")
            }
        }
    }

    @Test func gridIsAtLeastOneByOne() {
        #expect(TerminalImage.halfBlockGrid(width: 0, height: 0, columns: 80, rows: 24, reservedRows: 2) == (1, 1))
        #expect(TerminalImage.halfBlockGrid(width: 500, height: 500, columns: 0, rows: 0, reservedRows: 5) == (1, 1))
        #expect(TerminalImage.halfBlockGrid(width: 500, height: 500, columns: 80, rows: 3, reservedRows: 5) == (2, 2))
    }

    // MARK: Sixel

    /// A sixel image decoded: its raster size, its registers (percent) and each pixel's register (-1: unset).
    private struct DecodedSixel {
        var width = 0
        var height = 0
        var registers: [Int: [Int]] = [:]
        var pixels: [Int] = []
        var bands = 0
    }

    private func decodeSixel(_ text: String) throws -> DecodedSixel {
        let bytes = Array(text.utf8)
        let header = Array("\u{1B}P0;1;0q".utf8)
        try #require(bytes.starts(with: header), "DCS header")
        try #require(bytes.suffix(2) == [0x1B, UInt8(ascii: "\\")], "ends in ST")
        var rest = bytes[header.count..<(bytes.count - 2)]
        func number() -> Int {
            var value = 0
            while let digit = rest.first, (48...57).contains(digit) {
                value = value * 10 + Int(digit - 48)
                rest = rest.dropFirst()
            }
            return value
        }
        func numbers() -> [Int] {
            var values = [number()]
            while rest.first == UInt8(ascii: ";") {
                rest = rest.dropFirst()
                values.append(number())
            }
            return values
        }
        var decoded = DecodedSixel()
        try #require(rest.popFirst() == UInt8(ascii: "\""), "raster attributes first")
        let raster = numbers()
        try #require(raster.count == 4 && raster[0] == 1 && raster[1] == 1, "square pixels")
        decoded.width = raster[2]
        decoded.height = raster[3]
        decoded.pixels = [Int](repeating: -1, count: decoded.width * decoded.height)
        var x = 0
        var top = 0
        var color = -1
        var last = UInt8(0)
        func paint(_ character: UInt8, times: Int) throws {
            let bits = Int(character) - 63
            try #require((0..<64).contains(bits), "sixel character \(character)")
            for _ in 0..<times {
                for bit in 0..<6 where bits & (1 << bit) != 0 {
                    let y = top + bit
                    try #require(x < decoded.width && y < decoded.height && color >= 0, "pixel \(x),\(y) inside, colour chosen")
                    #expect(decoded.pixels[y * decoded.width + x] == -1, "each pixel painted once")
                    decoded.pixels[y * decoded.width + x] = color
                }
                x += 1
            }
        }
        while let byte = rest.popFirst() {
            last = byte
            switch byte {
            case UInt8(ascii: "#"):
                let values = numbers()
                if values.count == 5 {
                    #expect(values[1] == 2, "RGB register")
                    #expect(decoded.pixels.allSatisfy { $0 == -1 }, "registers before the pixels")
                    decoded.registers[values[0]] = Array(values[2...])
                } else {
                    try #require(values.count == 1 && decoded.registers[values[0]] != nil, "a declared register")
                    color = values[0]
                }
            case UInt8(ascii: "!"):
                let count = number()
                let next = rest.popFirst()
                let character = try #require(next, "a sixel after !count")
                try paint(character, times: count)
            case UInt8(ascii: "$"):
                x = 0
            case UInt8(ascii: "-"):
                x = 0
                top += 6
                decoded.bands += 1
            default:
                try paint(byte, times: 1)
            }
        }
        #expect(last == UInt8(ascii: "-"), "the last band ends in -")
        return decoded
    }

    @Test(arguments: [(13, 14), (6, 6), (1, 1), (9, 7), (30, 1)])
    func sixelDecodesToThePixelsWithinThePalettesError(width: Int, height: Int) throws {
        let image = sample(width: width, height: height, seed: UInt32(width * 31 + height))
        let text = TerminalImage.sixel(image)
        #expect(text.hasPrefix("\u{1B}P0;1;0q\"1;1;\(width);\(height)#"))
        let decoded = try decodeSixel(text)
        #expect(decoded.width == width && decoded.height == height)
        #expect(decoded.bands == (height + 5) / 6)
        let palette = TerminalImage.sixelPalette.map { [Int($0.red), Int($0.green), Int($0.blue)] }
        for (register, percent) in decoded.registers {
            #expect(percent.allSatisfy { (0...100).contains($0) })
            let shown = percent.map { ($0 * 255 + 50) / 100 }
            #expect(shown == palette[register], "register \(register) is the palette's")
        }
        func distance(_ a: [Int], _ b: [Int]) -> Int { zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) }
        for y in 0..<height {
            for x in 0..<width {
                let register = decoded.pixels[y * width + x]
                try #require(register >= 0, "pixel \(x),\(y) painted")
                let original = rgb(image, x, y)
                let error = distance(palette[register], original)
                #expect(4 * error <= 3 * 51 * 51, "pixel \(x),\(y) within the cube's error")
                #expect(error == palette.map { distance($0, original) }.min(), "pixel \(x),\(y): a nearest register")
            }
        }
    }

    @Test func sixelOfAFlatImageIsRunLengthEncoded() {
        let image = RGBImage(width: 20, height: 6, pixels: Array([[UInt8]](repeating: [255, 0, 0], count: 120).joined()))
        #expect(TerminalImage.sixel(image) == "\u{1B}P0;1;0q\"1;1;20;6#180;2;100;0;0#180!20~-\u{1B}\\")
        // Two rows of a half band, two colours: white above black, the other rows unset.
        let twoRows = RGBImage(width: 2, height: 2, pixels: [255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0])
        #expect(TerminalImage.sixel(twoRows) == "\u{1B}P0;1;0q\"1;1;2;2#0;2;0;0;0#215;2;100;100;100#0AA$#215@@-\u{1B}\\")
    }

    @Test func sixelGreysUseTheGreyRamp() {
        #expect(TerminalImage.sixelRegister(red: 128, green: 128, blue: 128) == 216 + 8, "53 %: 135")
        #expect(TerminalImage.sixelRegister(red: 102, green: 102, blue: 102) == 36 * 2 + 6 * 2 + 2)
        #expect(TerminalImage.sixelRegister(red: 0, green: 0, blue: 0) == 0)
        #expect(TerminalImage.sixelPalette.count == 232)
    }

    // MARK: kitty

    /// Each escape of kitty output: its keys and its payload.
    private func kittyChunks(_ text: String) throws -> [(keys: [String], payload: String)] {
        let pieces = text.components(separatedBy: "\u{1B}\\")
        #expect(pieces.last == "", "ends in ST")
        return try pieces.dropLast().map { piece in
            try #require(piece.hasPrefix("\u{1B}_G"))
            let body = piece.dropFirst(3)
            let separator = try #require(body.firstIndex(of: ";"))
            return (body[..<separator].split(separator: ",").map(String.init), String(body[body.index(after: separator)...]))
        }
    }

    @Test(arguments: [0, 1, 3071, 3072, 3073, 10_000, 12_288])
    func kittyChunksDecodeToThePNG(size: Int) throws {
        let png = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        let chunks = try kittyChunks(TerminalImage.kitty(png: png, columns: nil, rows: nil))
        let base64Length = (size + 2) / 3 * 4
        #expect(chunks.count == max((base64Length + 4095) / 4096, 1))
        for (index, chunk) in chunks.enumerated() {
            #expect(chunk.payload.utf8.count <= 4096)
            let more = index < chunks.count - 1 ? "m=1" : "m=0"
            if index == 0 {
                #expect(chunk.keys == ["f=100", "a=T", "q=2", more])
            } else {
                #expect(chunk.keys == [more, "q=2"], "later chunks: only m (and q)")
            }
            if index < chunks.count - 1 { #expect(chunk.payload.utf8.count == 4096) }
        }
        let joined = chunks.map(\.payload).joined()
        #expect(Data(base64Encoded: joined) == Data(png))
    }

    @Test func kittySizesInCells() throws {
        let chunks = try kittyChunks(TerminalImage.kitty(png: [1, 2, 3], columns: 40, rows: 12))
        #expect(chunks.map(\.keys) == [["f=100", "a=T", "q=2", "c=40", "r=12", "m=0"]])
        #expect(chunks.map(\.payload) == ["AQID"])
        #expect(
            try kittyChunks(TerminalImage.kitty(png: [1, 2, 3], columns: 40, rows: nil)).map(\.keys) == [
                ["f=100", "a=T", "q=2", "c=40", "m=0"]
            ])
    }

    // MARK: iTerm2

    @Test func iterm2InlineImage() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
        #expect(
            TerminalImage.iterm2(png: png, name: "a.png", columns: nil)
                == "\u{1B}]1337;File=name=YS5wbmc=;size=4;inline=1;preserveAspectRatio=1:iVBORw==\u{07}")
        #expect(
            TerminalImage.iterm2(png: png, name: "photos/ü.png", columns: 60, rows: 20)
                == "\u{1B}]1337;File=name=\(Data("photos/ü.png".utf8).base64EncodedString());size=4;inline=1;preserveAspectRatio=1"
                + ";width=60;height=20:iVBORw==\u{07}")
    }

    // MARK: Which protocol

    @Test func answers() {
        let ok = Array("\u{1B}_Gi=31;OK\u{1B}\\".utf8)
        let sixelDA = Array("\u{1B}[?62;4;6;22c".utf8)
        let plainDA = Array("\u{1B}[?62;1;6;22c".utf8)
        #expect(TerminalGraphics.fromAnswer(ok + plainDA) == .kitty)
        #expect(TerminalGraphics.fromAnswer(ok + sixelDA) == .kitty)
        #expect(TerminalGraphics.fromAnswer(sixelDA) == .sixel)
        #expect(TerminalGraphics.fromAnswer(Array("\u{1B}[?4c".utf8)) == .sixel)
        #expect(TerminalGraphics.fromAnswer(plainDA) == .blocks)
        #expect(TerminalGraphics.fromAnswer(Array("\u{1B}[?1;2c".utf8)) == .blocks)
        #expect(TerminalGraphics.fromAnswer(Array("\u{1B}[?64;44c".utf8)) == .blocks, "44 is not 4")
        #expect(TerminalGraphics.fromAnswer(Array("\u{1B}_Gi=31;ENOTSUPPORTED:no\u{1B}\\".utf8) + plainDA) == .blocks)
        #expect(TerminalGraphics.fromAnswer(Array("\u{1B}_Gi=7;OK\u{1B}\\".utf8) + sixelDA) == .sixel, "another image's answer")
        #expect(TerminalGraphics.fromAnswer(Array("\u{1B}[?2026;2$y".utf8) + sixelDA) == .sixel, "another answer first")
        #expect(TerminalGraphics.fromAnswer(Array("\u{1B}[?62;4".utf8)) == .blocks, "cut short")
        #expect(TerminalGraphics.fromAnswer(Array("\u{1B}_Gi=31;OK".utf8)) == .blocks, "cut short")
        #expect(TerminalGraphics.fromAnswer(Array("xyz\u{1B}[\u{1B}_".utf8) + [0xFF, 0x00, 0x1B]) == .blocks)
        #expect(TerminalGraphics.fromAnswer([]) == .blocks)
        #expect(TerminalGraphics.deviceAttributes(Array("junk\u{1B}[?62;4;22c".utf8)) == [62, 4, 22])
    }

    @Test func environment() {
        #expect(TerminalGraphics.fromEnvironment([:]) == nil)
        #expect(TerminalGraphics.fromEnvironment(["TERM": "xterm-256color"]) == nil)
        #expect(TerminalGraphics.fromEnvironment(["TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"]) == .iterm2)
        #expect(TerminalGraphics.fromEnvironment(["LC_TERMINAL": "iTerm2"]) == .iterm2)
        #expect(TerminalGraphics.fromEnvironment(["TERM": "xterm-kitty"]) == .kitty)
        #expect(TerminalGraphics.fromEnvironment(["KITTY_WINDOW_ID": "3", "TERM": "xterm-256color"]) == .kitty)
        #expect(TerminalGraphics.fromEnvironment(["KITTY_WINDOW_ID": ""]) == nil)
        #expect(TerminalGraphics.fromEnvironment(["TERM_PROGRAM": "WezTerm"]) == .iterm2)
        #expect(TerminalGraphics.fromEnvironment(["TERM": "xterm-ghostty"]) == .kitty)
        #expect(TerminalGraphics.fromEnvironment(["TERM": "xterm-kitty", "TMUX": "/tmp/tmux-1000/default,1,0"]) == .blocks)
        #expect(TerminalGraphics.fromEnvironment(["TERM_PROGRAM": "iTerm.app", "TMUX": "/tmp/t,1,0"]) == .blocks)
        #expect(TerminalGraphics.fromEnvironment(["STY": "123.pts-0.host"]) == .blocks)
        #expect(TerminalGraphics.allCases.map(\.rawValue) == ["kitty", "iterm2", "sixel", "blocks"])
    }

    @Test func theQuery() {
        #expect(TerminalGraphics.query == "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[c")
    }

    // MARK: Asking the terminal

    /// A pseudo-terminal pair (the terminal side, the program side), closed after `body`.
    private func withPTY<T>(_ body: (_ terminal: Int32, _ program: Int32) throws -> T) throws -> T {
        var terminal: Int32 = -1
        var program: Int32 = -1
        try #require(openpty(&terminal, &program, nil, nil, nil) == 0, "openpty: \(errno)")
        defer {
            close(terminal)
            close(program)
        }
        return try body(terminal, program)
    }

    /// Reads from `fd` until `expected` has arrived or `seconds` passed.
    private static func read(_ fd: Int32, until expected: [UInt8], seconds: Double) -> [UInt8] {
        var seen: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var chunk = [UInt8](repeating: 0, count: 256)
        while Array(seen.suffix(expected.count)) != expected, Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            seen += chunk[..<count]
        }
        return seen
    }

    /// The terminal side: waits for the whole query, then answers `answer` in two pieces.
    private func answer(on terminal: Int32, with answer: [UInt8]) -> Thread {
        let thread = Thread {
            let query = Array(TerminalGraphics.query.utf8)
            guard Self.read(terminal, until: query, seconds: 5) == query else { return }
            let half = answer.count / 2
            for piece in [answer[..<half], answer[half...]] {
                _ = piece.withUnsafeBytes { write(terminal, $0.baseAddress, $0.count) }
                usleep(20_000)
            }
        }
        thread.start()
        return thread
    }

    private func lineFlags(_ fd: Int32) -> tcflag_t {
        var settings = termios()
        _ = tcgetattr(fd, &settings)
        return settings.c_lflag
    }

    @Test(arguments: [
        ("\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[?62;22c", TerminalGraphics.kitty),
        ("\u{1B}[?62;4;22c", .sixel),
        ("\u{1B}[?1;2c", .blocks),
    ])
    func askReadsTheAnswerOnAPTY(answer text: String, expected: TerminalGraphics) throws {
        try withPTY { terminal, program in
            let before = lineFlags(program)
            #expect(before & tcflag_t(ICANON | ECHO) == tcflag_t(ICANON | ECHO))
            let responder = answer(on: terminal, with: Array(text.utf8))
            let start = Date()
            let answered = TerminalGraphics.ask(input: program, output: program, timeout: 5)
            #expect(Date().timeIntervalSince(start) < 3, "ends at the DA1 answer, not at the timeout")
            #expect(answered == Array(text.utf8))
            #expect(TerminalGraphics.fromAnswer(answered) == expected)
            #expect(lineFlags(program) == before, "the terminal's settings restored")
            while !responder.isFinished { usleep(10_000) }
        }
    }

    @Test func askGivesUpAtTheTimeout() throws {
        try withPTY { terminal, program in
            let before = lineFlags(program)
            let start = Date()
            let answered = TerminalGraphics.ask(input: program, output: program, timeout: 0.3)
            let elapsed = Date().timeIntervalSince(start)
            #expect(answered.isEmpty)
            #expect(elapsed >= 0.25 && elapsed < 2, "\(elapsed) s")
            #expect(lineFlags(program) == before)
            let query = Array(TerminalGraphics.query.utf8)
            #expect(Self.read(terminal, until: query, seconds: 2) == query, "the query was written")
        }
    }

    @Test func askReturnsAtOnceWithoutATerminal() throws {
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        defer {
            for fd in fds { close(fd) }
        }
        let start = Date()
        #expect(TerminalGraphics.ask(input: fds[0], output: fds[1], timeout: 5).isEmpty)
        #expect(TerminalGraphics.ask(input: -1, output: -1, timeout: 5).isEmpty)
        #expect(Date().timeIntervalSince(start) < 0.5)
        #expect(TerminalGraphics.detect(environment: [:], input: fds[0], output: fds[1]) == .blocks)
        #expect(TerminalGraphics.detect(environment: ["TERM": "xterm-kitty"], input: fds[0], output: fds[1]) == .kitty)
    }
}
