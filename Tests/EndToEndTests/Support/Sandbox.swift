import Foundation
import ImgmakeSync

@testable import ImgmakeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fresh temporary folder for one test, the one the end-to-end tests use (builds, the shell, tmux, the process
/// pool): `work/` is where the recipe lives and imgmake runs; the folder above it receives what must stay
/// outside the tree (`--allow-outside`), tools' scratch files and the captured output (`logs/`).
/// Removed when the test ends (kept with IMGMAKE_KEEP_SANDBOX=1).
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

    /// A sandbox with `recipe` as its Imgmakefile and a noise image (`image(_:width:height:seed:)`) at each path of
    /// `images`.
    convenience init(_ name: String, recipe: String, images: [(path: String, width: Int, height: Int, seed: Int)]) throws {
        try self.init(name)
        for image in images { try self.image(image.path, width: image.width, height: image.height, seed: image.seed) }
        try write("Imgmakefile", recipe)
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

    /// Writes a program (a script with its `#!` line) with mode 755. While its file is open for writing, no
    /// program starts (Spawned.starting), and the descriptor is O_CLOEXEC: a child started by another test
    /// cannot hold it, so running it never fails with "Text file busy" (ETXTBSY).
    func writeExecutable(_ relative: String, _ text: String) throws {
        try makeParent(of: relative)
        let file = path(relative)
        try Spawned.starting.withLock {
            let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
            guard fd >= 0 else { throw HarnessError("cannot write \(file): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let bytes = Array(text.utf8)
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count, fchmod(fd, 0o755) == 0 else {
                throw HarnessError("cannot write \(file): \(String(cString: strerror(errno)))")
            }
        }
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

    /// Sets the modification time of `relative` to now, and to a time that differs from the one it had: the
    /// file system's clock ticks coarsely (milliseconds), so the touch is repeated until the stamp has changed.
    func touch(_ relative: String) throws {
        let before = stamp(relative)
        try waitUntil("a new modification time of \(relative)", timeout: 10) {
            utimensat(AT_FDCWD, path(relative), nil, 0)
            return stamp(relative) != before
        }
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

    /// imgmake's temporary files (`.NAME.imgmake-PID-START-N.tmp`) anywhere in the sandbox, in or out of the
    /// tree, as paths relative to `base`.
    func temporaries() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var result: [String] = []
        while let item = walker.nextObject() as? String {
            if Sandbox.isTemporary(item) { result.append(item) }
        }
        return result.sorted()
    }

    /// Whether the last segment of `path` is a name imgmake gives its temporary files: hidden, and one that the
    /// product's own parser (`TemporaryFiles.writer(ofTemporary:)`, which removes stale ones) reads a writer from.
    static func isTemporary(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return name.hasPrefix(".") && TemporaryFiles.writer(ofTemporary: name) != nil
    }

    /// The bytes of every file below `relative` (as `files(under:)` lists them).
    func contents(under relative: String = "") throws -> [String: Data] {
        var result: [String: Data] = [:]
        for file in files(under: relative) { result[file] = try data(file) }
        return result
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
        return Stamp(
            inode: UInt64(info.st_ino), seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec),
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

    /// The values of the pixel at (`x`, `y`) of an image, as `vips getpoint` reads them.
    func pixel(_ relative: String, x: Int = 4, y: Int = 4) throws -> [Double] {
        let result = try runProgram("vips", ["getpoint", path(relative), "\(x)", "\(y)"], in: root)
        return result.stdout.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
    }

    /// The width and height of an image, as `vipsheader` reads it.
    func imageSize(_ relative: String) throws -> (width: Int, height: Int)? {
        let result = try runProgram("vipsheader", ["-f", "width", path(relative)], in: root)
        let height = try runProgram("vipsheader", ["-f", "height", path(relative)], in: root)
        guard result.status == 0, height.status == 0,
            let w = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)),
            let h = Int(height.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        return (w, h)
    }

    // MARK: running imgmake

    /// Runs imgmake with `arguments` in `root` (or `directory`, relative to `root`) and waits for it.
    @discardableResult
    func imgmake(_ arguments: String..., in directory: String? = nil, timeout: Double = 300) throws -> RunResult {
        try imgmake(arguments: arguments, in: directory, timeout: timeout)
    }

    /// Runs imgmake with `arguments`, `input` as its standard input and more environment variables, and waits.
    @discardableResult
    func imgmake(
        arguments: [String], in directory: String? = nil, input: String? = nil, environment: [String: String] = [:],
        timeout: Double = 300
    ) throws -> RunResult {
        try start(arguments: arguments, in: directory, input: input, environment: environment).wait(timeout: timeout)
    }

    /// Starts imgmake and returns at once. `stdout`/`stderr`: where they go instead of log files
    /// (`/dev/full`, a FIFO); `ownProcessGroup`: see `Spawned`.
    func start(
        arguments: [String], in directory: String? = nil, input: String? = nil, stdout: String? = nil,
        stderr: String? = nil, environment: [String: String] = [:], ownProcessGroup: Bool = false
    ) throws -> Spawned {
        try spawn(
            Imgmake.binary, arguments, in: directory, input: input, stdout: stdout, stderr: stderr,
            environment: environment, ownProcessGroup: ownProcessGroup)
    }

    /// Runs imgmake under other programs (`prlimit --as=N`, `setpriv ...`), as `WRAPPER... imgmake ARGUMENTS`.
    func imgmake(wrappedIn wrapper: [String], arguments: [String], timeout: Double = 300) throws -> RunResult {
        try spawn(wrapper[0], Array(wrapper.dropFirst()) + [Imgmake.binary] + arguments).wait(timeout: timeout)
    }

    /// Starts a program (a path, or a name on PATH) in `root` (or `directory`), its output logged in `logs/`.
    func spawn(
        _ program: String, _ arguments: [String], in directory: String? = nil, input: String? = nil,
        stdout: String? = nil, stderr: String? = nil, environment: [String: String] = [:],
        ownProcessGroup: Bool = false
    ) throws -> Spawned {
        let logs = base + "/logs/" + UUID().uuidString.prefix(8)
        if let input { try Data(input.utf8).write(to: URL(fileURLWithPath: logs + ".in")) }
        return try Spawned(
            executable: program.contains("/") ? program : findOnPath(program), arguments: arguments,
            directory: directory.map(path) ?? root, stdinPath: input == nil ? "/dev/null" : logs + ".in",
            stdoutPath: stdout ?? logs + ".out", stderrPath: stderr ?? logs + ".err",
            environment: environment, ownProcessGroup: ownProcessGroup)
    }
}

/// Small test images made once per test run with the `vips` CLI, then copied where tests want them: the one
/// image generator of the end-to-end tests (any format libvips saves: `jpg`, `png`, `webp`, `ppm`, ...).
enum TestImages {
    /// The images made so far, by key (held while one is made, so each is made once).
    private static let made = Mutex<[String: String]>([:])
    private static let folder: String = {
        let path = NSTemporaryDirectory() + "imgmake-e2e-images-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "imgmake-e2e-images-\(getpid())") }
        return path
    }()

    /// The path of a 3-band 8-bit noise image of that size and seed, in `format` (a file extension).
    static func make(width: Int, height: Int, seed: Int, format: String) throws -> String {
        try made.withLock { made in
            let key = "\(width)x\(height)-\(seed).\(format)"
            if let path = made[key] { return path }
            let noise = folder + "/noise-\(key).v"
            let grey = folder + "/grey-\(key).v"
            let target = folder + "/" + key
            try vips(["gaussnoise", noise, "\(width)", "\(height)", "--seed", "\(seed)", "--sigma", "50"], in: folder)
            try vips(["cast", noise, grey, "uchar"], in: folder)
            try vips(["bandjoin", "\(grey) \(grey) \(grey)", target], in: folder)
            unlink(noise)
            unlink(grey)
            made[key] = target
            return target
        }
    }
}

/// Runs the `vips` CLI in `directory` (making `parent` first, when given); throws with its stderr when it fails.
func vips(_ arguments: [String], in directory: String, parent: String? = nil) throws {
    if let parent { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
    let result = try runProgram("vips", arguments, in: directory)
    guard result.status == 0 else { throw HarnessError("vips \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
}
