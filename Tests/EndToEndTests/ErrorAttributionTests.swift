import Foundation
import Testing

/// A failed job's message is its own, in both pools, on every run: libvips' error buffer is one per
/// process, and in the thread pool a truncated PNG failing beside a truncated JPEG used to be blamed with
/// "VipsJpeg: Premature end of input file" (and the other way round), on stderr and in `--report`.
@Suite struct ErrorAttributionTests {
    /// 40 truncated JPEGs and 40 truncated PNGs, named so that the build alternates between them.
    static func makeCorpus(in box: Sandbox) throws {
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: TestImages.make(width: 256, height: 256, seed: 7, format: "jpg")))
        let png = try Data(contentsOf: URL(fileURLWithPath: TestImages.make(width: 256, height: 256, seed: 7, format: "png")))
        for i in 0..<40 {
            let name = String(format: "photos/x%02d", i)
            try box.writeData(name + ".jpg", jpeg.prefix(jpeg.count / 2))
            try box.writeData(name + ".png", png.prefix(png.count / 2))
        }
        try box.write(
            "Imgmakefile",
            """
            t: out/{name}.{ext}.webp <- photos/*.jpg photos/*.png
                thumbnail width=32
            """)
    }

    /// The messages on stderr by input: each `imgmake: error: OUTPUT (rule R, from INPUT): MESSAGE` line and
    /// the lines that continue it.
    static func stderrMessages(_ stderr: String) -> [String: String] {
        var messages: [String: String] = [:]
        var current: String?
        for line in stderr.split(separator: "\n").map(String.init) {
            if line.hasPrefix("imgmake: error: "), let from = line.range(of: ", from "),
                let close = line.range(of: "): ", range: from.upperBound..<line.endIndex)
            {
                let input = String(line[from.upperBound..<close.lowerBound])
                messages[input] = String(line[close.upperBound...])
                current = input
            } else if line.hasPrefix("imgmake:") || line.hasPrefix("[") {
                current = nil
            } else if let current {
                messages[current, default: ""] += "\n" + line  // `current` is a key: it was set with its message
            }
        }
        return messages
    }

    /// Why a message is not the one of `input`'s loader, or nil when it is.
    static func wrongLoader(_ message: String, input: String) -> String? {
        let text = message.lowercased()
        if input.hasSuffix(".jpg") {
            return text.contains("jpeg") && !text.contains("png") ? nil : "not a JPEG message"
        }
        return text.contains("png") && !text.contains("jpeg") ? nil : "not a PNG message"
    }

    @Test(arguments: ["thread", "process"])
    func everyFailedJobCarriesItsOwnLoadersMessage(pool: String) throws {
        let box = try Sandbox("attribution-\(pool)")
        try Self.makeCorpus(in: box)
        let inputs = (0..<40).flatMap { i in [String(format: "photos/x%02d.jpg", i), String(format: "photos/x%02d.png", i)] }
        for (run, jobs) in [2, 4, 2, 4].enumerated() {
            try? box.remove("out")
            try? box.remove(".imgmake")
            let result = try box.imgmake("-k", "-j\(jobs)", "--pool", pool, "--report", "report.json")
            let label = "[\(pool) -j\(jobs), run \(run + 1)]"
            try #require(result.status == 1, "\(label) \(result)")
            #expect(result.summary?.failed == 80, "\(label) \(result)")

            let printed = Self.stderrMessages(result.stderr)
            var wrong: [String] = []
            for input in inputs {
                guard let message = printed[input] else {
                    wrong.append("\(input): no error printed")
                    continue
                }
                if let why = Self.wrongLoader(message, input: input) { wrong.append("stderr \(input): \(why): \(message)") }
            }

            let report = try JSONSerialization.jsonObject(with: box.data("report.json")) as? [String: Any]
            let outputs = report?["outputs"] as? [[String: Any]] ?? []
            #expect(outputs.count == 80, "\(label)")
            for output in outputs {
                let input = (output["inputs"] as? [String])?.first ?? "?"
                let message = output["error"] as? String ?? ""
                if let why = Self.wrongLoader(message, input: input) { wrong.append("report \(input): \(why): \(message)") }
                if let shown = printed[input], shown != message {
                    wrong.append("report \(input): \(message) differs from stderr: \(shown)")
                }
            }
            #expect(wrong.isEmpty, "\(label) \(wrong.count) wrong messages:\n\(wrong.prefix(12).joined(separator: "\n"))")
        }
    }
}
