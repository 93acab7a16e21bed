import CVips
import CVipsLoader
import Foundation

/// Writing a job's output file with plain POSIX calls: the file is the job's temporary, renamed into place only
/// after the job, so it is not synced here (Foundation's `Data.write` syncs the file to disk first: 1.4 ms an
/// output).
enum FileWriting {
    /// Writes `bytes` to `path`, created (mode 0644, as libvips' savers create files) or truncated. False on a
    /// failure, with `errno` set.
    static func write(_ bytes: UnsafeRawBufferPointer, to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress.map { $0 + done }, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let saved = errno
                close(fd)
                errno = saved
                return false
            }
            done += n
        }
        return close(fd) == 0
    }
}

/// The encoder functions of encoders.h, as `EncodedFile.write` calls them: pixels, width, height, bands, row
/// stride, then where the file goes (its bytes, its size); nil, or the failure's message.
typealias Encoder = (
    UnsafePointer<UInt8>, Int32, Int32, Int32, Int, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
    UnsafeMutablePointer<Int>
) -> UnsafePointer<CChar>?

/// A job's output encoded by imgmake's own writers (`WebPWriter`, `JPEGWriter`) and written to its file.
enum EncodedFile {
    /// Encodes `image` (8-bit, in memory: `copiedToMemory`) with `encode` and writes the file at `path`; returns
    /// its size. Throws `VipsError`s named `saver`.
    static func write(_ image: VipsImageHandle, as saver: String, to path: String, with encode: Encoder) throws -> Int {
        guard let pixels = cvips_image_data(image.pointer) else {
            throw VipsError(operation: saver, message: "the image to encode is not in memory")
        }
        var data: UnsafeMutablePointer<UInt8>?
        var size = 0
        if let message = encode(
            pixels, Int32(image.width), Int32(image.height), Int32(image.bands), image.width * image.bands, &data, &size)
        {
            throw VipsError(operation: saver, message: String(cString: message))
        }
        defer { cvips_encoded_free(data) }
        guard let data, FileWriting.write(UnsafeRawBufferPointer(start: data, count: size), to: path) else {
            throw VipsError(operation: saver, message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return size
    }
}
