import CVips
import ImgmakeJob

/// Puts a `VipsInput` into a GValue already initialised to the argument's type, converting where it is
/// unambiguous (an int for a double, a number for an array, a nick given as a string). Throws a message
/// (without the argument name) when the value does not fit the type.
enum GValueWriter {
    struct Mismatch: Error {
        var message: String
    }

    static func write(_ input: VipsInput, into gvalue: inout GValue, type: GType) throws {
        switch input {
        case .image(let image):
            if GTypeInfo.isImage(type) {
                g_value_set_object(&gvalue, image.pointer)
            } else if type == cvips_type_array_image() {
                setImages([image], into: &gvalue)
            } else {
                throw Mismatch(message: "an image was given, but it takes \(GTypeInfo.name(type))")
            }
        case .images(let images):
            if type == cvips_type_array_image() {
                setImages(images, into: &gvalue)
            } else if GTypeInfo.isImage(type), images.count == 1 {
                g_value_set_object(&gvalue, images[0].pointer)
            } else {
                throw Mismatch(message: "\(images.count) images were given, but it takes \(GTypeInfo.name(type))")
            }
        case .value(let value):
            try write(value, into: &gvalue, type: type)
        }
    }

    private static func write(_ value: OperationValue, into gvalue: inout GValue, type: GType) throws {
        let mismatch = Mismatch(message: "'\(value.canonicalText)' is not a valid \(GTypeInfo.name(type))")
        if type == cvips_type_int() {
            guard let number = integer(value), let small = Int32(exactly: number) else { throw mismatch }
            g_value_set_int(&gvalue, small)
        } else if type == cvips_type_int64() {
            guard let number = integer(value) else { throw mismatch }
            g_value_set_int64(&gvalue, gint64(number))
        } else if type == cvips_type_uint64() {
            guard let number = integer(value), let unsigned = guint64(exactly: number) else { throw mismatch }
            g_value_set_uint64(&gvalue, unsigned)
        } else if type == cvips_type_double() {
            guard let number = real(value) else { throw mismatch }
            g_value_set_double(&gvalue, number)
        } else if type == cvips_type_boolean() {
            guard let flag = boolean(value) else { throw mismatch }
            g_value_set_boolean(&gvalue, flag ? 1 : 0)
        } else if type == cvips_type_string() {
            guard let string = text(value) else { throw mismatch }
            g_value_set_string(&gvalue, string)
        } else if GTypeInfo.isEnum(type) {
            guard let nick = text(value), let member = GTypeInfo.enumValue(type, nick: nick) else {
                throw Mismatch(message: "'\(value.canonicalText)' is not one of \(GTypeInfo.enumNicks(type).joined(separator: ", "))")
            }
            g_value_set_enum(&gvalue, member)
        } else if GTypeInfo.isFlags(type) {
            guard let nicks = text(value), let bits = GTypeInfo.flagsValue(type, nicks: nicks) else {
                throw Mismatch(message: "'\(value.canonicalText)' is not made of \(GTypeInfo.flagsNicks(type).joined(separator: ", "))")
            }
            g_value_set_flags(&gvalue, bits)
        } else if type == cvips_type_array_double() {
            guard let numbers = reals(value) else { throw mismatch }
            numbers.withUnsafeBufferPointer { vips_value_set_array_double(&gvalue, $0.baseAddress, Int32($0.count)) }
        } else if type == cvips_type_array_int() {
            guard let wide = integers(value) else { throw mismatch }
            let numbers = wide.compactMap { Int32(exactly: $0) }
            guard numbers.count == wide.count else { throw mismatch }
            numbers.withUnsafeBufferPointer { vips_value_set_array_int(&gvalue, $0.baseAddress, Int32($0.count)) }
        } else if GTypeInfo.isInterpolate(type) {
            guard let nick = text(value), vips_type_find("VipsInterpolate", nick) != 0,
                let interpolate = vips_interpolate_new(nick)
            else {
                throw Mismatch(message: "'\(value.canonicalText)' is not an \(ValueWords.interpolatorDescription)")
            }
            g_value_set_object(&gvalue, interpolate)
            g_object_unref(interpolate)
        } else if GTypeInfo.isImage(type) || type == cvips_type_array_image() {
            throw Mismatch(message: "it takes an image (@file), not '\(value.canonicalText)'")
        } else {
            throw Mismatch(message: "\(GTypeInfo.name(type)) cannot be given in a recipe")
        }
    }

    /// Fills an array-of-images GValue; the array holds its own reference to each image.
    private static func setImages(_ images: [VipsImageHandle], into gvalue: inout GValue) {
        vips_value_set_array_image(&gvalue, Int32(images.count))
        guard let slots = vips_value_get_array_image(&gvalue, nil) else { return }
        for (index, image) in images.enumerated() {
            g_object_ref(image.pointer)
            slots[index] = image.pointer
        }
    }

    private static func integer(_ value: OperationValue) -> Int? {
        switch value {
        case .int(let v): return v
        case .double(let v): return v.rounded() == v ? Int(exactly: v) : nil
        case .bool(let v): return v ? 1 : 0
        case .string(let v), .enumeration(let v): return Int(v)
        default: return nil
        }
    }

    private static func real(_ value: OperationValue) -> Double? {
        switch value {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .string(let v), .enumeration(let v): return Double(v)
        default: return nil
        }
    }

    private static func boolean(_ value: OperationValue) -> Bool? {
        switch value {
        case .bool(let v): return v
        case .int(let v) where v == 0 || v == 1: return v == 1
        case .string(let v), .enumeration(let v): return ValueWords.boolean(v)
        default: return nil
        }
    }

    private static func text(_ value: OperationValue) -> String? {
        switch value {
        case .string(let v), .enumeration(let v), .flags(let v), .interpolate(let v): return v
        case .int, .double, .bool: return value.canonicalText
        default: return nil
        }
    }

    private static func reals(_ value: OperationValue) -> [Double]? {
        switch value {
        case .arrayDouble(let v): return v
        case .arrayInt(let v): return v.map(Double.init)
        default: return real(value).map { [$0] }
        }
    }

    private static func integers(_ value: OperationValue) -> [Int]? {
        switch value {
        case .arrayInt(let v): return v
        case .arrayDouble(let v):
            let whole = v.compactMap { $0.rounded() == $0 ? Int(exactly: $0) : nil }
            return whole.count == v.count ? whole : nil
        default: return integer(value).map { [$0] }
        }
    }
}
