import CVips
import Foundation

/// SHA-256 of a file's content, by GLib's GChecksum (GLib is already linked through libvips, so `--check hash`
/// costs no extra dependency). Read in 1 MiB blocks: memory stays flat for any file size.
public enum ContentDigest {
    /// The lowercase hex digest, or nil when the file cannot be read.
    public static func sha256(ofFile path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let checksum = g_checksum_new(G_CHECKSUM_SHA256) else { return nil }
        defer { g_checksum_free(checksum) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            buffer.withUnsafeBytes { g_checksum_update(checksum, $0.bindMemory(to: UInt8.self).baseAddress, n) }
        }
        return String(cString: g_checksum_get_string(checksum))
    }

    /// The lowercase hex SHA-256 of bytes in memory.
    public static func sha256(bytes: [UInt8]) -> String {
        let text = bytes.withUnsafeBufferPointer { g_compute_checksum_for_data(G_CHECKSUM_SHA256, $0.baseAddress, gsize($0.count)) }!
        defer { g_free(text) }
        return String(cString: text)
    }
}
