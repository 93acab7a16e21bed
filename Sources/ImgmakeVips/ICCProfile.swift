import Foundation

/// Reads what an embedded ICC profile says about its colour space, to skip the colour transform when it would
/// change nothing: converting an sRGB image to sRGB costs lcms 65–70 M instructions per photo.
enum ICCProfile {
    /// sRGB's colorants adapted to D50, as ICC profiles store them (the sRGB IEC61966-2.1 profile and its
    /// copies, the ICC's sRGB v2/v4 matrix profiles, Apple's and Google's sRGB profiles).
    private static let colorants: [(tag: String, xyz: [Double])] = [
        ("rXYZ", [0.4361, 0.2225, 0.0139]), ("gXYZ", [0.3851, 0.7169, 0.0971]), ("bXYZ", [0.1431, 0.0606, 0.7141]),
    ]
    /// How far a colorant component or a tone curve sample may be from sRGB's: profiles round their numbers
    /// (s15Fixed16, 16-bit curve tables, 1024-entry tables), but no other RGB space comes this close.
    private static let colorantTolerance = 0.002
    private static let curveTolerance = 0.5 / 255

    /// Whether `profile` is an RGB matrix/TRC profile with sRGB's colorants and tone curves. A profile that
    /// cannot be read, or one that describes colour with lookup tables only, is not (it is then transformed,
    /// which is always correct).
    static func isSRGB(_ profile: [UInt8]) -> Bool {
        guard profile.count >= 132, text(profile, 16) == "RGB ", text(profile, 20) == "XYZ " else { return false }
        let tags = tagTable(profile)
        for (name, expected) in colorants {
            guard let xyz = tags[name].flatMap({ xyzValue(profile, $0) }),
                zip(xyz, expected).allSatisfy({ abs($0 - $1) <= colorantTolerance })
            else { return false }
        }
        for name in ["rTRC", "gTRC", "bTRC"] {
            guard let curve = tags[name].flatMap({ toneCurve(profile, $0) }) else { return false }
            for step in 0...32 {
                let x = Double(step) / 32
                if abs(curve(x) - srgbToLinear(x)) > curveTolerance { return false }
            }
        }
        return true
    }

    static func srgbToLinear(_ v: Double) -> Double {
        v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    private static func text(_ bytes: [UInt8], _ offset: Int) -> String? {
        guard offset + 4 <= bytes.count else { return nil }
        return String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
    }

    private static func uint32(_ bytes: [UInt8], _ offset: Int) -> Int? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }

    private static func uint16(_ bytes: [UInt8], _ offset: Int) -> Int? {
        guard offset >= 0, offset + 2 <= bytes.count else { return nil }
        return Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
    }

    private static func s15Fixed16(_ bytes: [UInt8], _ offset: Int) -> Double? {
        uint32(bytes, offset).map { Double(Int32(bitPattern: UInt32($0))) / 65536 }
    }

    /// Tag signature → (offset, size), from the tag table after the 128-byte header.
    private static func tagTable(_ bytes: [UInt8]) -> [String: (offset: Int, size: Int)] {
        guard let count = uint32(bytes, 128), count < 1000 else { return [:] }
        var tags: [String: (offset: Int, size: Int)] = [:]
        for index in 0..<count {
            let entry = 132 + 12 * index
            guard let name = text(bytes, entry), let offset = uint32(bytes, entry + 4), let size = uint32(bytes, entry + 8),
                offset + size <= bytes.count
            else { break }
            tags[name] = (offset, size)
        }
        return tags
    }

    private static func xyzValue(_ bytes: [UInt8], _ tag: (offset: Int, size: Int)) -> [Double]? {
        guard tag.size >= 20, text(bytes, tag.offset) == "XYZ " else { return nil }
        let values = (0..<3).compactMap { s15Fixed16(bytes, tag.offset + 8 + 4 * $0) }
        return values.count == 3 ? values : nil
    }

    /// A tone curve (`curv` or `para`) as a function from encoded 0...1 to linear 0...1.
    private static func toneCurve(_ bytes: [UInt8], _ tag: (offset: Int, size: Int)) -> ((Double) -> Double)? {
        let base = tag.offset
        switch text(bytes, base) {
        case "curv":
            guard let count = uint32(bytes, base + 8), tag.size >= 12 + 2 * count else { return nil }
            if count == 0 { return { $0 } }
            if count == 1 {
                guard let gamma = uint16(bytes, base + 12).map({ Double($0) / 256 }) else { return nil }
                return { pow($0, gamma) }
            }
            let table = (0..<count).compactMap { uint16(bytes, base + 12 + 2 * $0).map { Double($0) / 65535 } }
            guard table.count == count else { return nil }
            return { x in
                let position = x * Double(count - 1)
                let low = min(Int(position), count - 2)
                let fraction = position - Double(low)
                return table[low] * (1 - fraction) + table[low + 1] * fraction
            }
        case "para":
            guard let function = uint16(bytes, base + 8) else { return nil }
            let counts = [1, 3, 4, 5, 7]
            guard function < counts.count else { return nil }
            let p = (0..<counts[function]).compactMap { s15Fixed16(bytes, base + 12 + 4 * $0) }
            guard p.count == counts[function] else { return nil }
            let g = p[0]
            switch function {
            case 0: return { pow($0, g) }
            case 1: return { x in x >= -p[2] / p[1] ? pow(p[1] * x + p[2], g) : 0 }
            case 2: return { x in x >= -p[2] / p[1] ? pow(p[1] * x + p[2], g) + p[3] : p[3] }
            case 3: return { x in x >= p[4] ? pow(p[1] * x + p[2], g) : p[3] * x }
            default: return { x in x >= p[4] ? pow(p[1] * x + p[2], g) + p[5] : p[3] * x + p[6] }
            }
        default:
            return nil
        }
    }
}
