import Foundation

/// An image as 8-bit sRGB, 3 bytes per pixel, row by row: the pixel at column x, row y starts at
/// `(y * width + x) * 3`. Rows the bytes do not reach are not drawn.
struct RGBImage: Equatable, Sendable {
    var width: Int
    var height: Int
    var pixels: [UInt8]

    /// The rows `pixels` holds in full, at most `height`.
    var drawnRows: Int {
        guard width > 0, height > 0 else { return 0 }
        return min(height, pixels.count / (width * 3))
    }
}

/// An image as terminal output, for the shell's `preview`: pure functions from pixels (or a PNG file's bytes)
/// to text; no libvips and no I/O. Four ways to draw: 24-bit colour half blocks (any terminal with true
/// colour), DEC sixel, the kitty graphics protocol and iTerm2's inline images (`TerminalGraphics` says
/// which one a terminal understands). None of them ends with a line break of its own except `halfBlocks`.
enum TerminalImage {
    // MARK: Half blocks

    /// 24-bit colour half blocks: each character cell shows two pixels, the upper one as the foreground of "▀"
    /// (U+2580), the lower one as its background (`ESC[38;2;R;G;Bm`, `ESC[48;2;R;G;Bm`); one text line per two
    /// pixel rows, each ending in `ESC[0m` and "\n". An odd last row shows only the upper pixels, on the
    /// terminal's default background (`ESC[49m`). A colour is written only when it differs from the previous
    /// cell's on the same line; each line's first cell writes both, so a line never depends on what the
    /// terminal showed before it.
    static func halfBlocks(_ image: RGBImage) -> String {
        let width = image.width
        let rows = image.drawnRows
        guard rows > 0 else { return "" }
        var out: [UInt8] = []
        out.reserveCapacity((rows + 1) / 2 * (width * 8 + 8))
        let pixels = image.pixels
        func color(_ x: Int, _ y: Int) -> Int {
            let offset = (y * width + x) * 3
            return Int(pixels[offset]) << 16 | Int(pixels[offset + 1]) << 8 | Int(pixels[offset + 2])
        }
        let unknown = -1
        let defaultBackground = -2
        var y = 0
        while y < rows {
            var foreground = unknown
            var background = unknown
            for x in 0..<width {
                let upper = color(x, y)
                let lower = y + 1 < rows ? color(x, y + 1) : defaultBackground
                if upper != foreground {
                    appendTrueColor(&out, selector: 38, upper)
                    foreground = upper
                }
                if lower != background {
                    if lower == defaultBackground {
                        out += escape("[49m")
                    } else {
                        appendTrueColor(&out, selector: 48, lower)
                    }
                    background = lower
                }
                out += [0xE2, 0x96, 0x80]  // "▀"
            }
            out += escape("[0m\n")
            y += 2
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The grid (in pixels: `width` columns, `height` = 2 × text rows, a half-block pixel being square) an
    /// image of `width`×`height` pixels is drawn at with half blocks in a window of `columns`×`rows` cells, of
    /// which `reservedRows` stay free (the prompt, a line of facts): the aspect ratio kept (rounded to the
    /// nearest pixel), the image never enlarged, and at least 1×1.
    static func halfBlockGrid(width: Int, height: Int, columns: Int, rows: Int, reservedRows: Int) -> (width: Int, height: Int) {
        let width = max(width, 1)
        let height = max(height, 1)
        let maxWidth = max(columns, 1)
        let maxHeight = 2 * max(rows - max(reservedRows, 0), 1)
        if width <= maxWidth && height <= maxHeight { return (width, height) }
        // Width-limited when width / height > maxWidth / maxHeight (multiplied out, in 128 bits: no overflow).
        if width.multipliedFullWidth(by: maxHeight) > height.multipliedFullWidth(by: maxWidth) {
            return (maxWidth, min(max(scaled(height, by: maxWidth, over: width), 1), maxHeight))
        }
        return (min(max(scaled(width, by: maxHeight, over: height), 1), maxWidth), maxHeight)
    }

    /// value × numerator / denominator, rounded to the nearest integer (numerator < denominator here).
    private static func scaled(_ value: Int, by numerator: Int, over denominator: Int) -> Int {
        Int((Double(value) * Double(numerator) / Double(denominator)).rounded())
    }

    // MARK: Sixel

    /// The fixed palette sixel images are quantized to: the 6×6×6 colour cube with the levels 0, 20, 40, 60, 80
    /// and 100 % (0, 51 … 255: register `36r + 6g + b`), then 16 greys between black and white that the cube
    /// lacks (registers 216 to 231, 1/17 to 16/17 of white, rounded to whole percents). Each entry is the 8-bit
    /// colour the terminal shows for the register's percentages, which is what pixels are matched against.
    static let sixelPalette: [(red: UInt8, green: UInt8, blue: UInt8)] = sixelPercentages.map {
        (eightBit($0.red), eightBit($0.green), eightBit($0.blue))
    }

    /// The palette's registers in percent, as `#N;2;r;g;b` declares them.
    static let sixelPercentages: [(red: Int, green: Int, blue: Int)] = {
        var palette: [(red: Int, green: Int, blue: Int)] = []
        for index in 0..<216 { palette.append((index / 36 * 20, index / 6 % 6 * 20, index % 6 * 20)) }
        for step in 1...16 {
            let percent = (100 * step + 8) / 17
            palette.append((percent, percent, percent))
        }
        return palette
    }()

    private static let greyLevels: [Int] = (216..<232).map { Int(sixelPalette[$0].red) }

    private static func eightBit(_ percent: Int) -> UInt8 { UInt8((percent * 255 + 50) / 100) }

    /// The register nearest to a colour (squared distance in 8-bit sRGB): the cube's entry nearest on every
    /// channel, or the grey nearest to the mean when that is nearer. No dithering: flat areas stay flat. Each
    /// channel of the cube's entry is within 25.5 of the colour, so the chosen entry is too (in distance).
    static func sixelRegister(red: UInt8, green: UInt8, blue: UInt8) -> Int {
        let r = Int(red)
        let g = Int(green)
        let b = Int(blue)
        func level(_ c: Int) -> Int { (c * 5 + 127) / 255 }
        let (lr, lg, lb) = (level(r), level(g), level(b))
        func square(_ v: Int) -> Int { v * v }
        let cubeError = square(r - 51 * lr) + square(g - 51 * lg) + square(b - 51 * lb)
        let cube = 36 * lr + 6 * lg + lb
        guard cubeError > 0 else { return cube }
        let mean = (r + g + b + 1) / 3
        var grey = 0
        for (index, value) in greyLevels.enumerated() where abs(value - mean) < abs(greyLevels[grey] - mean) { grey = index }
        let value = greyLevels[grey]
        let greyError = square(r - value) + square(g - value) + square(b - value)
        return greyError < cubeError ? 216 + grey : cube
    }

    /// DEC sixel: `ESC P 0;1;0 q` (unset pixels keep the background), the raster attributes `"1;1;W;H` (square
    /// pixels, the image's size), a register `#N;2;r;g;b` (percent) for each colour of `sixelPalette` the image
    /// uses, then the image in bands of six pixel rows: per colour in the band, `#N` and its sixels (runs of
    /// four or more as `!count`, trailing empty ones left out), colours separated by `$`, each band ending in
    /// `-`; then `ESC \`.
    static func sixel(_ image: RGBImage) -> String {
        let width = image.width
        let rows = image.drawnRows
        var out: [UInt8] = escape("P0;1;0q")
        out += ascii("\"1;1;\(max(width, 0));\(rows)")
        guard rows > 0 else { return String(decoding: out + escape("\\"), as: UTF8.self) }
        let pixels = image.pixels
        var registers = [UInt8](repeating: 0, count: width * rows)
        var used = [Bool](repeating: false, count: sixelPalette.count)
        for index in 0..<(width * rows) {
            let register = sixelRegister(red: pixels[3 * index], green: pixels[3 * index + 1], blue: pixels[3 * index + 2])
            registers[index] = UInt8(register)
            used[register] = true
        }
        for (register, percent) in sixelPercentages.enumerated() where used[register] {
            out += ascii("#\(register);2;\(percent.red);\(percent.green);\(percent.blue)")
        }
        // Per band: the sixels of each colour present, in a row of `width` (slot: the colour's row, -1 none).
        var slot = [Int](repeating: -1, count: sixelPalette.count)
        var bandColors: [Int] = []
        var bits: [[UInt8]] = []
        var lastColumn: [Int] = []
        for top in stride(from: 0, to: rows, by: 6) {
            for y in top..<min(top + 6, rows) {
                let bit = UInt8(1) << UInt8(y - top)
                for x in 0..<width {
                    let register = Int(registers[y * width + x])
                    var row = slot[register]
                    if row < 0 {
                        row = bandColors.count
                        slot[register] = row
                        bandColors.append(register)
                        if bits.count <= row {
                            bits.append([UInt8](repeating: 0, count: width))
                            lastColumn.append(0)
                        }
                        lastColumn[row] = 0
                    }
                    bits[row][x] |= bit
                    lastColumn[row] = max(lastColumn[row], x)
                }
            }
            for (order, register) in bandColors.sorted().enumerated() {
                let row = slot[register]
                if order > 0 { out.append(UInt8(ascii: "$")) }
                out += ascii("#\(register)")
                appendSixels(&out, bits[row][0...lastColumn[row]])
                for x in 0...lastColumn[row] { bits[row][x] = 0 }
                slot[register] = -1
            }
            bandColors.removeAll(keepingCapacity: true)
            out.append(UInt8(ascii: "-"))
        }
        out += escape("\\")
        return String(decoding: out, as: UTF8.self)
    }

    /// Sixel characters (63 + the six bits) with runs of four or more written `!count` and the character.
    private static func appendSixels(_ out: inout [UInt8], _ sixels: ArraySlice<UInt8>) {
        var index = sixels.startIndex
        while index < sixels.endIndex {
            let value = sixels[index]
            var end = index + 1
            while end < sixels.endIndex && sixels[end] == value { end += 1 }
            let count = end - index
            let character = 63 + value
            if count >= 4 {
                out += ascii("!\(count)")
                out.append(character)
            } else {
                out += [UInt8](repeating: character, count: count)
            }
            index = end
        }
    }

    // MARK: kitty and iTerm2

    /// The most base64 bytes a kitty graphics escape carries.
    static let kittyChunkSize = 4096

    /// The kitty graphics protocol with a PNG payload, transmitted and shown at the cursor (`a=T`), with no
    /// answer wanted (`q=2`): `ESC_Gf=100,a=T,q=2[,c=COLUMNS][,r=ROWS],m=1;<base64>ESC\`, then one escape
    /// per further 4096 base64 bytes with only `m=1,q=2` (the protocol allows q on every chunk, and older kitty
    /// versions want it repeated), the last with `m=0`. `columns` and `rows` scale the image to that many cells;
    /// given both it is stretched to fill them (give one, or both in the image's aspect ratio). kitty moves the
    /// cursor past the image's last column, on its last row.
    static func kitty(png: [UInt8], columns: Int?, rows: Int?) -> String {
        let payload = Array(Data(png).base64EncodedString().utf8)
        var keys = "f=100,a=T,q=2"
        if let columns { keys += ",c=\(max(columns, 1))" }
        if let rows { keys += ",r=\(max(rows, 1))" }
        var out: [UInt8] = []
        var start = 0
        repeat {
            let end = min(start + kittyChunkSize, payload.count)
            let more = end < payload.count ? 1 : 0
            out += escape(start == 0 ? "_G\(keys),m=\(more);" : "_Gm=\(more),q=2;")
            out += payload[start..<end]
            out += escape("\\")
            start = end
        } while start < payload.count
        return String(decoding: out, as: UTF8.self)
    }

    /// iTerm2's inline image (also WezTerm's): `ESC]1337;File=name=<base64 name>;size=<bytes>;inline=1;
    /// preserveAspectRatio=1[;width=COLUMNS][;height=ROWS]:<base64 PNG>BEL`. `columns` and `rows` are in
    /// character cells (iTerm2's plain numbers; `auto`, the image's own size, when nil); with the aspect ratio
    /// kept, the image fills as much of that box as it can without stretching.
    static func iterm2(png: [UInt8], name: String, columns: Int?, rows: Int? = nil) -> String {
        var keys = "name=\(Data(name.utf8).base64EncodedString());size=\(png.count);inline=1;preserveAspectRatio=1"
        if let columns { keys += ";width=\(max(columns, 1))" }
        if let rows { keys += ";height=\(max(rows, 1))" }
        return "\u{1B}]1337;File=\(keys):\(Data(png).base64EncodedString())\u{07}"
    }

    // MARK: Bytes

    private static func escape(_ text: String) -> [UInt8] { [0x1B] + Array(text.utf8) }

    private static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// `ESC[38;2;R;G;Bm` (foreground) or `ESC[48;2;R;G;Bm` (background), without String interpolation.
    private static func appendTrueColor(_ out: inout [UInt8], selector: Int, _ color: Int) {
        out += [0x1B, UInt8(ascii: "["), UInt8(ascii: "0") + UInt8(selector / 10), UInt8(ascii: "8"), UInt8(ascii: ";")]
        out += [UInt8(ascii: "2"), UInt8(ascii: ";")]
        appendDecimal(&out, color >> 16)
        out.append(UInt8(ascii: ";"))
        appendDecimal(&out, color >> 8 & 0xFF)
        out.append(UInt8(ascii: ";"))
        appendDecimal(&out, color & 0xFF)
        out.append(UInt8(ascii: "m"))
    }

    private static func appendDecimal(_ out: inout [UInt8], _ value: Int) {
        if value >= 100 { out.append(UInt8(ascii: "0") + UInt8(value / 100)) }
        if value >= 10 { out.append(UInt8(ascii: "0") + UInt8(value / 10 % 10)) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
