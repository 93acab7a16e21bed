import Foundation
import ImgmakeJob
import Testing

@testable import ImgmakeVips

/// Test images made with the binding itself, in a fresh temporary folder per test.
final class TestFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "imgmake-vips-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The absolute path of `name` in the folder.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes a noisy image of the given size to `name`, in the format its extension picks (`saver` picks
    /// another: a PNG named `.jpg`). `bands` 1, 3 or 4 (4 = RGB plus an opaque alpha).
    @discardableResult
    func image(_ name: String, width: Int, height: Int, bands: Int = 3, saver: String? = nil) throws -> String {
        var noise = VipsOperationCall("gaussnoise")
        noise.set("width", .value(.int(width)))
        noise.set("height", .value(.int(height)))
        noise.set("mean", .value(.double(128)))
        noise.set("sigma", .value(.double(40)))
        let gray = try #require(try noise.run()["out"])
        var image = gray
        if bands > 1 {
            var join = VipsOperationCall("bandjoin")
            join.set("in", .images(Array(repeating: gray, count: min(bands, 3))))
            image = try #require(try join.run()["out"])
        }
        if bands == 4 {
            var alpha = VipsOperationCall("bandjoin_const")
            alpha.set("in", .image(image))
            alpha.set("c", .value(.arrayDouble([255])))
            image = try #require(try alpha.run()["out"])
        }
        var cast = VipsOperationCall("cast")
        cast.set("in", .image(image))
        cast.set("format", .value(.enumeration("uchar")))
        image = try #require(try cast.run()["out"])
        let target = file(name)
        var save = VipsOperationCall(try saver ?? #require(VipsCatalog.shared.saverNickname(forPath: target)))
        save.set("in", .image(image))
        save.set("filename", .value(.string(target)))
        _ = try save.run()
        return target
    }

    /// Writes the first `fraction` of the bytes of `source` to `name`: a truncated file.
    func truncated(_ source: String, to name: String, keeping fraction: Double) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let target = file(name)
        try data.prefix(Int(Double(data.count) * fraction)).write(to: URL(fileURLWithPath: target))
        return target
    }
}

/// A job for one source with the given steps.
func job(
    _ sources: [String], aggregate: Bool = false, steps: [ResolvedStep], saver: String = "pngsave",
    load: [ResolvedArgument] = [], save: [ResolvedArgument] = [], maxPixels: Int = 100_000_000
) -> ImageJob {
    ImageJob(
        sources: sources, isAggregate: aggregate, loadOptions: load, steps: steps, saver: saver,
        saveOptions: save, maxPixels: maxPixels)
}

/// A step from `name=value` pairs.
func step(_ operation: String, _ arguments: (String, OperationValue)...) -> ResolvedStep {
    ResolvedStep(operation: operation, arguments: arguments.map { ResolvedArgument(name: $0.0, value: $0.1) })
}
