/// The value of a remote cache's `/ac/KEY` entry: the Bazel remote-execution API's `ActionResult` message
/// (build.bazel.remote.execution.v2), in protobuf's wire format, so that servers which check what they are given
/// (bazel-remote, BuildBuddy) take it. imgmake writes one `output_files` entry (`OutputFile` 2: its `path` 1, the
/// output's root-relative path, and `digest` 2, a `Digest`: `hash` 1, the SHA-256 of its bytes in hex, and
/// `size_bytes` 2) and, for an output made by a function, the function's result (JSON text) as `stdout_raw` 5.
/// Decoding skips the fields it does not know, as protobuf readers do.
package struct ActionResult: Equatable, Sendable {
    package struct OutputFile: Equatable, Sendable {
        package var path: String
        package var hash: String
        package var size: Int64
        package init(path: String, hash: String, size: Int64) {
            self.path = path
            self.hash = hash
            self.size = size
        }
    }
    package var outputFiles: [OutputFile]
    package var stdout: [UInt8]

    package init(outputFiles: [OutputFile], stdout: [UInt8] = []) {
        self.outputFiles = outputFiles
        self.stdout = stdout
    }

    package func encoded() -> [UInt8] {
        var message = ProtobufWriter()
        for file in outputFiles {
            var digest = ProtobufWriter()
            digest.string(1, file.hash)
            digest.varint(2, UInt64(bitPattern: file.size))
            var output = ProtobufWriter()
            output.string(1, file.path)
            output.bytes(2, digest.bytes)
            message.bytes(2, output.bytes)
        }
        if !stdout.isEmpty { message.bytes(5, stdout) }
        return message.bytes
    }

    /// The message in `bytes`, or nil when they are not one (truncated, a wrong wire type for a known field).
    package init?(decoding bytes: [UInt8]) {
        var files: [OutputFile] = []
        var stdout: [UInt8] = []
        var reader = ProtobufReader(bytes[...])
        while !reader.isAtEnd {
            guard let (field, value) = reader.next() else { return nil }
            switch (field, value) {
            case (2, .bytes(let outputBytes)):
                var output = ProtobufReader(outputBytes)
                var path = ""
                var hash = ""
                var size: Int64 = 0
                while !output.isAtEnd {
                    guard let (field, value) = output.next() else { return nil }
                    switch (field, value) {
                    case (1, .bytes(let text)): path = String(decoding: text, as: UTF8.self)
                    case (2, .bytes(let digestBytes)):
                        var digest = ProtobufReader(digestBytes)
                        while !digest.isAtEnd {
                            guard let (field, value) = digest.next() else { return nil }
                            switch (field, value) {
                            case (1, .bytes(let text)): hash = String(decoding: text, as: UTF8.self)
                            case (2, .varint(let number)): size = Int64(bitPattern: number)
                            case (1, _), (2, _): return nil
                            default: break
                            }
                        }
                    case (1, _), (2, _): return nil
                    default: break
                    }
                }
                files.append(OutputFile(path: path, hash: hash, size: size))
            case (5, .bytes(let raw)): stdout = Array(raw)
            case (2, _), (5, _): return nil
            default: break
            }
        }
        self.init(outputFiles: files, stdout: stdout)
    }
}

/// Protobuf's wire format, the part `ActionResult` needs: varints and length-delimited fields.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private mutating func raw(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func varint(_ field: Int, _ value: UInt64) {
        raw(UInt64(field) << 3)
        raw(value)
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        raw(UInt64(field) << 3 | 2)
        raw(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }
}

struct ProtobufReader {
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed
    }
    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

    var isAtEnd: Bool { rest.isEmpty }

    private mutating func raw() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = rest.popFirst() {
            guard shift < 64 else { return nil }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    /// The next field's number and value; nil when the bytes end inside it or its wire type is unknown.
    mutating func next() -> (Int, Value)? {
        guard let tag = raw(), tag >> 3 > 0, tag >> 3 <= UInt64(Int32.max) else { return nil }
        let field = Int(tag >> 3)
        switch tag & 7 {
        case 0: return raw().map { (field, .varint($0)) }
        case 1, 5:
            let width = tag & 7 == 1 ? 8 : 4
            guard rest.count >= width else { return nil }
            rest = rest.dropFirst(width)
            return (field, .fixed)
        case 2:
            guard let length = raw(), length <= UInt64(rest.count) else { return nil }
            let value = rest.prefix(Int(length))
            rest = rest.dropFirst(Int(length))
            return (field, .bytes(value))
        default: return nil
        }
    }
}
