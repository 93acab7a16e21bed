import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe

/// A few operations shaped like libvips' own, so checker and graph tests run without libvips.
package final class FakeCatalog: OperationCatalog {
    private let operations: [String: OperationInfo]

    package init() {
        /// `defaultText` as libvips' introspection gives it (`ArgumentIntrospection.defaultText`).
        func arg(_ name: String, _ type: ArgumentType, required: Bool = false, output: Bool = false, default value: String = "")
            -> ArgumentInfo
        {
            ArgumentInfo(
                name: name, description: name, type: type, isRequired: required, isInput: !output, isOutput: output, defaultText: value)
        }
        let out = arg("out", .image, required: true, output: true)
        let crop = ArgumentType.enumeration(
            typeName: "VipsInteresting", nicks: ["none", "centre", "entropy", "attention", "low", "high", "all"])
        let mode = ArgumentType.enumeration(typeName: "VipsBlendMode", nicks: ["clear", "source", "over", "in", "out"])
        let list: [OperationInfo] = [
            OperationInfo(
                nickname: "thumbnail", description: "generate thumbnail from file",
                arguments: [
                    arg("filename", .string, required: true), out, arg("width", .int(min: 1, max: 10_000_000), required: true),
                    arg("height", .int(min: 1, max: 10_000_000), default: "1"), arg("crop", crop, default: "none"),
                    arg("no-rotate", .bool, default: "false"),
                ]),
            OperationInfo(
                nickname: "sharpen", description: "unsharp masking",
                arguments: [
                    arg("in", .image, required: true), out, arg("sigma", .double(min: 0, max: 10), default: "0.5"),
                ]),
            OperationInfo(
                nickname: "rotate", description: "rotate by any angle",
                arguments: [
                    arg("in", .image, required: true), out, arg("angle", .double(min: -360, max: 360), required: true),
                ]),
            OperationInfo(
                nickname: "arrayjoin", description: "join an array of images",
                arguments: [
                    arg("in", .arrayImage, required: true), out, arg("across", .int(min: 1, max: 1000)),
                    arg("shim", .int(min: 0, max: 1000)), arg("background", .arrayDouble),
                ]),
            OperationInfo(
                nickname: "composite2", description: "blend a pair of images",
                arguments: [
                    arg("base", .image, required: true), arg("overlay", .image, required: true), out,
                    arg("mode", mode, required: true), arg("x", .int(min: -100_000, max: 100_000)),
                    arg("y", .int(min: -100_000, max: 100_000)),
                ]),
            OperationInfo(
                nickname: "avg", description: "find image average",
                arguments: [
                    arg("in", .image, required: true), arg("out", .double(min: 0, max: 1), required: true, output: true),
                ]),
            OperationInfo(
                nickname: "jpegload", description: "load jpeg",
                arguments: [
                    arg("filename", .string, required: true), out, arg("n", .int(min: -1, max: 100_000)), arg("fail-on", .string),
                ]),
            OperationInfo(
                nickname: "webpsave", description: "save as webp",
                arguments: [
                    arg("in", .image, required: true), arg("filename", .string, required: true),
                    arg("Q", .int(min: 0, max: 100), default: "75"), arg("strip", .bool, default: "false"),
                ]),
            OperationInfo(
                nickname: "jpegsave", description: "save as jpeg",
                arguments: [
                    arg("in", .image, required: true), arg("filename", .string, required: true),
                    arg("Q", .int(min: 1, max: 100)), arg("strip", .bool),
                ]),
        ]
        operations = Dictionary(uniqueKeysWithValues: list.map { ($0.nickname, $0) })
    }

    package var operationNames: [String] { operations.keys.sorted() }
    package func operation(named nickname: String) -> OperationInfo? { operations[nickname] }
    package func saverNickname(forPath path: String) -> String? {
        switch PathName.fileExtension(path).lowercased() {
        case "webp": return "webpsave"
        case "jpg", "jpeg": return "jpegsave"
        default: return nil
        }
    }
    package func saverKeepsAlpha(_ nickname: String) -> Bool { nickname != "jpegsave" }
    package var libraryVersion: String { version }
    package var version = "fake-1"
}
