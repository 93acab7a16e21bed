import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh temporary folder for one test: `work/` is where the recipe lives and imgmake runs; the folder
/// above it receives what must stay outside the tree (`--allow-outside`) and the captured output.
/// Removed when the test ends.
final class Sandbox {
    /// The temporary folder; `root` is `base/work`.
    let base: String
    let root: String

    init(_ name: String = "test") throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        base = NSTemporaryDirectory() + "imgmake-e2e-\(safe.prefix(40))-" + UUID().uuidString.prefix(8)
        root = base + "/work"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/logs", withIntermediateDirectories: true)
    }

    deinit {
        if ProcessInfo.processInfo.environment["IMGMAKE_KEEP_SANDBOX"] == nil {
            try? FileManager.default.removeItem(atPath: base)
        }
    }

    // MARK: files

    /// The absolute path of `relative` (a path below `root`, or absolute).
    func path(_ relative: String) -> String { relative.hasPrefix("/") ? relative : root + "/" + relative }

    func write(_ relative: String, _ text: String) throws {
        try makeParent(of: relative)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(relative)))
    }

    func writeData(_ relative: String, _ data: Data) throws {
        try makeParent(of: relative)
        try data.write(to: URL(fileURLWithPath: path(relative)))
    }

    func read(_ relative: String) throws -> String { try String(contentsOfFile: path(relative), encoding: .utf8) }

    func data(_ relative: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path(relative))) }

    func exists(_ relative: String) -> Bool {
        var info = stat()
        return lstat(path(relative), &info) == 0
    }

    func remove(_ relative: String) throws { try FileManager.default.removeItem(atPath: path(relative)) }

    func copy(_ source: String, to relative: String) throws {
        try makeParent(of: relative)
        if exists(relative) { try remove(relative) }
        try FileManager.default.copyItem(atPath: source, toPath: path(relative))
    }

    func makeParent(of relative: String) throws {
        let parent = (path(relative) as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    }

    /// Sets the modification time of `relative` to now, a little after anything written so far (file system
    /// clocks tick in milliseconds, not nanoseconds).
    func touch(_ relative: String) {
        usleep(30_000)
        utimensat(AT_FDCWD, path(relative), nil, 0)
    }

    /// Sets the modification time of `relative` to `seconds` since 1970.
    func setModificationTime(_ relative: String, seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        utimensat(AT_FDCWD, path(relative), &times, 0)
    }

    /// Every file below `relative` (default: the whole tree), as paths relative to `root`, sorted; hidden
    /// files included, `.imgmake/` (the state) left out.
    func files(under relative: String = "") -> [String] {
        let start = relative.isEmpty ? root : path(relative)
        guard let walker = FileManager.default.enumerator(atPath: start) else { return [] }
        var result: [String] = []
        while let item = walker.nextObject() as? String {
            let full = start + "/" + item
            if (item as NSString).lastPathComponent == ".imgmake" {
                walker.skipDescendants()
                continue
            }
            var info = stat()
            guard lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            result.append(String(full.dropFirst(root.count + 1)))
        }
        return result.sorted()
    }

    /// imgmake's temporary files (`.NAME.imgmake-PID-N.tmp`) anywhere in the sandbox, in or out of the tree.
    func temporaries() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var result: [String] = []
        while let item = walker.nextObject() as? String {
            let name = (item as NSString).lastPathComponent
            if name.hasPrefix("."), name.contains(".imgmake-"), name.hasSuffix(".tmp") { result.append(item) }
        }
        return result.sorted()
    }

    /// A file's identity and modification time: changes when imgmake writes it again (temp file + rename).
    struct Stamp: Equatable {
        var inode: UInt64
        var seconds: Int
        var nanoseconds: Int
        var size: Int64
    }

    func stamp(_ relative: String) -> Stamp? {
        var info = stat()
        guard stat(path(relative), &info) == 0 else { return nil }
        return Stamp(inode: UInt64(info.st_ino), seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec),
                     size: Int64(info.st_size))
    }

    /// The stamps of every file below `relative`.
    func stamps(under relative: String = "") -> [String: Stamp] {
        var result: [String: Stamp] = [:]
        for file in files(under: relative) { result[file] = stamp(file) }
        return result
    }

    /// Files that are new or written again since `before` was taken.
    func changed(since before: [String: Stamp], under relative: String = "") -> Set<String> {
        Set(stamps(under: relative).filter { before[$0.key] != $0.value }.map(\.key))
    }

    // MARK: images

    /// Writes a small noise image to `relative`. Its format is the extension's unless `format` names another
    /// (`format: "png"` for a PNG named `.jpg`). Different seeds give different pixels.
    func image(_ relative: String, width: Int = 64, height: Int = 64, seed: Int = 1, format: String? = nil) throws {
        let ext = format ?? (relative as NSString).pathExtension.lowercased()
        try copy(TestImages.make(width: width, height: height, seed: seed, format: ext), to: relative)
    }

    /// Writes the first `fraction` of a `width`×`height` JPEG to `relative`: a truncated image.
    func truncatedJPEG(_ relative: String, width: Int = 256, height: Int = 256, fraction: Double = 0.5) throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: TestImages.make(width: width, height: height, seed: 7, format: "jpg")))
        try writeData(relative, whole.prefix(Int(Double(whole.count) * fraction)))
    }

    /// The width and height of an image, as `vipsheader` reads it.
    func imageSize(_ relative: String) throws -> (width: Int, height: Int)? {
        let result = try runProgram("vipsheader", ["-f", "width", path(relative)], in: root)
        let height = try runProgram("vipsheader", ["-f", "height", path(relative)], in: root)
        guard result.status == 0, height.status == 0,
              let w = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)),
              let h = Int(height.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        return (w, h)
    }

    // MARK: running imgmake

    /// Runs imgmake with `arguments` in `root` (or `directory`, relative to `root`) and waits for it.
    @discardableResult
    func imgmake(_ arguments: String..., in directory: String? = nil, timeout: Double = 300) throws -> RunResult {
        try imgmake(arguments: arguments, in: directory, timeout: timeout)
    }

    @discardableResult
    func imgmake(arguments: [String], in directory: String? = nil, timeout: Double = 300) throws -> RunResult {
        try start(arguments: arguments, in: directory).wait(timeout: timeout)
    }

    /// Starts imgmake and returns at once. `stdout`/`stderr`: where they go instead of log files
    /// (`/dev/full`, a FIFO); `ownProcessGroup`: see `Spawned`.
    func start(arguments: [String], in directory: String? = nil, stdout: String? = nil, stderr: String? = nil,
               ownProcessGroup: Bool = false) throws -> Spawned {
        let logs = base + "/logs/" + UUID().uuidString.prefix(8)
        return try Spawned(executable: Imgmake.binary, arguments: arguments, directory: directory.map(path) ?? root,
                           stdoutPath: stdout ?? logs + ".out", stderrPath: stderr ?? logs + ".err",
                           ownProcessGroup: ownProcessGroup)
    }
}

/// Small test images made once per test run with the `vips` CLI, then copied where tests want them.
enum TestImages {
    private static let lock = NSLock()
    private nonisolated(unsafe) static var made: [String: String] = [:]
    private static let folder: String = {
        let path = NSTemporaryDirectory() + "imgmake-e2e-images-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "imgmake-e2e-images-\(getpid())") }
        return path
    }()

    /// The path of a 3-band 8-bit noise image of that size and seed, in `format` (a file extension).
    static func make(width: Int, height: Int, seed: Int, format: String) throws -> String {
        try lock.withLock {
            let key = "\(width)x\(height)-\(seed).\(format)"
            if let path = made[key] { return path }
            let noise = folder + "/noise-\(key).v"
            let grey = folder + "/grey-\(key).v"
            let target = folder + "/" + key
            for arguments in [["gaussnoise", noise, "\(width)", "\(height)", "--seed", "\(seed)", "--sigma", "50"],
                              ["cast", noise, grey, "uchar"],
                              ["bandjoin", "\(grey) \(grey) \(grey)", target]] {
                let result = try runProgram("vips", arguments, in: folder)
                guard result.status == 0 else {
                    throw NSError(domain: "vips", code: Int(result.status),
                                  userInfo: [NSLocalizedDescriptionKey: "vips \(arguments.joined(separator: " ")) failed: \(result.stderr)"])
                }
            }
            unlink(noise)
            unlink(grey)
            made[key] = target
            return target
        }
    }
}
