import CVips
import ImgmakeJob

/// Questions about GTypes, answered through the C shim (Swift cannot see GObject's type macros).
enum GTypeInfo {
    /// The GType's registered name (`VipsInteresting`, `gint`).
    static func name(_ type: GType) -> String {
        g_type_name(type).map { String(cString: $0) } ?? "(unknown type)"
    }

    static func isEnum(_ type: GType) -> Bool { cvips_type_fundamental(type) == cvips_type_enum() }
    static func isFlags(_ type: GType) -> Bool { cvips_type_fundamental(type) == cvips_type_flags() }
    static func isImage(_ type: GType) -> Bool { cvips_type_is_a(type, cvips_type_image()) != 0 }
    static func isInterpolate(_ type: GType) -> Bool { cvips_type_is_a(type, cvips_type_interpolate()) != 0 }

    /// Every nick of a GEnum, in value order, without libvips' `last` sentinel.
    static func enumNicks(_ type: GType) -> [String] {
        (0..<cvips_enum_count(type)).compactMap { cvips_enum_nick_at(type, $0).map { String(cString: $0) } }
            .filter { $0 != "last" }
    }

    /// Every nick of a GFlags type, in value order.
    static func flagsNicks(_ type: GType) -> [String] {
        (0..<cvips_flags_count(type)).compactMap { cvips_flags_nick_at(type, $0).map { String(cString: $0) } }
            .filter { $0 != "last" }
    }

    /// The nick of one enum value, or the number when it has none.
    static func enumNick(_ type: GType, value: Int32) -> String {
        vips_enum_nick(type, value).map { String(cString: $0) } ?? String(value)
    }

    /// The nicks of the single-bit-set members whose bits are all in `value`, joined with `|`
    /// (the nick of a member equal to 0 when `value` is 0).
    static func flagsText(_ type: GType, value: UInt32) -> String {
        var nicks: [String] = []
        for index in 0..<cvips_flags_count(type) {
            let member = cvips_flags_value_at(type, index)
            guard let nick = cvips_flags_nick_at(type, index) else { continue }
            if value == 0 ? member == 0 : (member != 0 && member & (member - 1) == 0 && value & member == member) {
                nicks.append(String(cString: nick))
            }
        }
        return nicks.joined(separator: "|")
    }

    /// The value of an enum nick (or a number), without touching libvips' error buffer; nil when unknown.
    static func enumValue(_ type: GType, nick: String) -> Int32? {
        var value: Int32 = 0
        if cvips_enum_from_nick(type, nick, &value) != 0 { return value }
        return Int32(nick)
    }

    /// The value of flags written as nicks joined by `|`, `+`, `,` or spaces (or a number); nil when a nick
    /// is unknown.
    static func flagsValue(_ type: GType, nicks text: String) -> UInt32? {
        if let number = UInt32(text) { return number }
        var total: UInt32 = 0
        for nick in text.split(whereSeparator: { "|+, ".contains($0) }) {
            var value: UInt32 = 0
            guard cvips_flags_from_nick(type, String(nick), &value) != 0 else { return nil }
            total |= value
        }
        return total
    }
}
