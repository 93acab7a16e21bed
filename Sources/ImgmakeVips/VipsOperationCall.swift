import CVips
import ImgmakeJob

/// One call of a libvips operation by nickname, the way libvips' `doc/binding.md`, pyvips' `voperation.py`
/// and lua-vips do it: new operation, set inputs through GValues, `vips_cache_operation_build`, read the
/// outputs, then `vips_object_unref_outputs` and unref, so that the only references left are the caller's.
struct VipsOperationCall {
    let nickname: String
    private var inputs: [(name: String, input: VipsInput)] = []

    init(_ nickname: String) {
        self.nickname = nickname
    }

    /// Sets an input argument (a later value for the same name replaces an earlier one).
    mutating func set(_ name: String, _ input: VipsInput) {
        let canonical = ArgumentInfo.canonicalName(name)
        inputs.removeAll { $0.name == canonical }
        inputs.append((canonical, input))
    }

    /// Runs the operation and returns its image results by argument name: every required image output,
    /// and every image input it modified in place (the `draw_*` operations, which work on a private copy).
    /// Throws a `VipsError` named after the operation.
    func run() throws -> [String: VipsImageHandle] {
        VipsRuntime.start()
        return try VipsErrorLog.shared(runShared)
    }

    private func runShared() throws -> [String: VipsImageHandle] {
        let mark = VipsErrorLog.mark()
        guard let info = VipsCatalog.shared.operation(named: nickname),
            let operation = vips_operation_new(nickname)
        else {
            throw VipsError(operation: nickname, message: "no such operation")
        }
        var modified: [String] = []
        do {
            for (name, input) in inputs {
                guard let argument = info.argument(named: name), argument.isInput else {
                    throw VipsError(operation: nickname, message: "no input argument named '\(name)'")
                }
                let flags = vips_object_get_argument_flags(cvips_object(operation), name).rawValue
                if flags & UInt32(ArgumentIntrospection.modify) != 0 {
                    try setProperty(operation, name, privateCopy(input))
                    modified.append(name)
                } else {
                    try setProperty(operation, name, input)
                }
            }
        } catch {
            g_object_unref(operation)
            throw error
        }
        guard let built = vips_cache_operation_build(operation) else {
            let failure = VipsError.logged(operation: nickname, since: mark)
            vips_object_unref_outputs(cvips_object(operation))
            g_object_unref(operation)
            throw failure
        }
        g_object_unref(operation)
        defer {
            vips_object_unref_outputs(cvips_object(built))
            g_object_unref(built)
            VipsErrorLog.drain()
        }
        var results: [String: VipsImageHandle] = [:]
        let imageOutputs = info.arguments.filter { $0.isOutput && $0.isRequired && $0.type == .image }.map(\.name)
        for name in imageOutputs + modified {
            if let image = Self.imageProperty(built, name) { results[name] = image }
        }
        return results
    }

    /// An image that an operation may draw on: a fresh copy in memory, as libvips requires for MODIFY arguments.
    private func privateCopy(_ input: VipsInput) throws -> VipsInput {
        guard case .image(let image) = input else { return input }
        return .image(try image.copiedToMemory(for: nickname))
    }

    private func setProperty(_ operation: UnsafeMutablePointer<VipsOperation>, _ name: String, _ input: VipsInput) throws {
        guard let spec = cvips_find_property(operation, name) else {
            throw VipsError(operation: nickname, message: "no argument named '\(name)'")
        }
        let type = cvips_param_value_type(spec)
        var value = GValue()
        g_value_init(&value, type)
        defer { g_value_unset(&value) }
        do {
            try GValueWriter.write(input, into: &value, type: type)
        } catch let mismatch as GValueWriter.Mismatch {
            throw VipsError(operation: nickname, message: "argument \(name): \(mismatch.message)")
        }
        // g_param_value_validate clamps the value and says whether it had to; a clamped value is an error.
        if g_param_value_validate(spec, &value) != 0 {
            let range = ArgumentIntrospection.argumentType(spec).description
            throw VipsError(operation: nickname, message: "argument \(name): \(Self.describe(input)) is out of range, \(range)")
        }
        g_object_set_property(cvips_gobject(operation), name, &value)
    }

    /// An image-valued property as a new handle, or nil when unset.
    private static func imageProperty(_ operation: UnsafeMutablePointer<VipsOperation>, _ name: String) -> VipsImageHandle? {
        var value = GValue()
        g_value_init(&value, cvips_type_image())
        defer { g_value_unset(&value) }
        g_object_get_property(cvips_gobject(operation), name, &value)
        guard let object = g_value_get_object(&value) else { return nil }
        g_object_ref(object)
        return VipsImageHandle(owning: cvips_image(object))
    }

    private static func describe(_ input: VipsInput) -> String {
        switch input {
        case .value(let value): return "'\(value.canonicalText)'"
        case .image: return "the image"
        case .images(let images): return "\(images.count) images"
        }
    }
}
