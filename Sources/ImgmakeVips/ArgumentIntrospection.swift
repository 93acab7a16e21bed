import CVips
import Foundation
import ImgmakeJob

/// Reads an operation instance's arguments (names, flags, GParamSpecs) into `ArgumentInfo`s.
enum ArgumentIntrospection {
    // VipsArgumentFlags bits.
    static let required: Int32 = 1
    static let construct: Int32 = 2
    static let input: Int32 = 16
    static let output: Int32 = 32
    static let deprecated: Int32 = 64
    static let modify: Int32 = 128

    /// The construct arguments of `operation` in libvips' priority order (the order `vips_argument_map`
    /// and the `vips` command line use), deprecated ones included and marked.
    static func arguments(of operation: UnsafeMutablePointer<VipsOperation>) -> [ArgumentInfo] {
        var names: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        var flags: UnsafeMutablePointer<Int32>?
        var count: Int32 = 0
        guard vips_object_get_args(cvips_object(operation), &names, &flags, &count) == 0,
            let names, let flags
        else { return [] }
        var result: [ArgumentInfo] = []
        for index in 0..<Int(count) {
            let flag = flags[index]
            guard flag & construct != 0, let cName = names[index],
                let spec = cvips_find_property(operation, cName)
            else { continue }
            result.append(
                ArgumentInfo(
                    name: String(cString: cName),
                    description: g_param_spec_get_blurb(spec).map { String(cString: $0) } ?? "",
                    type: argumentType(spec),
                    isRequired: flag & required != 0,
                    isInput: flag & input != 0,
                    isOutput: flag & output != 0,
                    isDeprecated: flag & deprecated != 0,
                    defaultText: defaultText(spec)))
        }
        return result
    }

    /// What a recipe may give for a property spec.
    static func argumentType(_ spec: UnsafeMutablePointer<GParamSpec>) -> ArgumentType {
        let type = cvips_param_value_type(spec)
        var low: gint64 = 0
        var high: gint64 = 0
        if cvips_param_int_range(spec, &low, &high) != 0 {
            return .int(min: Int(low), max: Int(high))
        }
        var lowReal = 0.0
        var highReal = 0.0
        if cvips_param_double_range(spec, &lowReal, &highReal) != 0 {
            return .double(min: lowReal, max: highReal)
        }
        switch type {
        case cvips_type_boolean(): return .bool
        case cvips_type_string(): return .string
        case cvips_type_array_double(): return .arrayDouble
        case cvips_type_array_int(): return .arrayInt
        case cvips_type_array_image(): return .arrayImage
        default: break
        }
        if GTypeInfo.isEnum(type) { return .enumeration(typeName: GTypeInfo.name(type), nicks: GTypeInfo.enumNicks(type)) }
        if GTypeInfo.isFlags(type) { return .flags(typeName: GTypeInfo.name(type), nicks: GTypeInfo.flagsNicks(type)) }
        if GTypeInfo.isImage(type) { return .image }
        if GTypeInfo.isInterpolate(type) { return .interpolate }
        return .unsupported(typeName: GTypeInfo.name(type))
    }

    /// The spec's default as recipe text ("" for types without a meaningful default: images, arrays, objects).
    static func defaultText(_ spec: UnsafeMutablePointer<GParamSpec>) -> String {
        let type = cvips_param_value_type(spec)
        guard let value = g_param_spec_get_default_value(spec) else { return "" }
        switch type {
        case cvips_type_int(): return String(g_value_get_int(value))
        case cvips_type_int64(): return String(g_value_get_int64(value))
        case cvips_type_uint64(): return String(g_value_get_uint64(value))
        case cvips_type_double(): return exactNumberText(g_value_get_double(value))
        case cvips_type_boolean(): return g_value_get_boolean(value) != 0 ? "true" : "false"
        case cvips_type_string(): return g_value_get_string(value).map { String(cString: $0) } ?? ""
        default: break
        }
        if GTypeInfo.isEnum(type) { return GTypeInfo.enumNick(type, value: g_value_get_enum(value)) }
        if GTypeInfo.isFlags(type) { return GTypeInfo.flagsText(type, value: g_value_get_flags(value)) }
        return ""
    }

    /// A default double as text that reads back as the same double (recipes compare values with it: a value
    /// equal to the default is left out of the job, `JobExpander`): `1`, `0.5`, `0.3333333333333333`.
    static func exactNumberText(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    /// A double as short text: `1`, `0.5`, `1e+07`, the way `vips` prints ranges.
    static func numberText(_ number: Double) -> String {
        String(format: "%g", number)
    }
}
