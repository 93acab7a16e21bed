import CVips
import CVipsLoader
import Foundation
import ImgmakeJob
import ImgmakeSync

/// Process-wide libvips state: lazy start-up, thread knobs, the version, and the global error buffer.
///
/// libvips starts only when something needs it (`start()` costs about 65 ms, loading its format modules), so
/// `imgmake --version` and a no-op build never pay for it. Every entry point of this module that touches
/// libvips calls `start()` itself; calling it again is cheap.
public enum VipsRuntime {
    /// Whether libvips started, whether its warnings show (read by the GLib log handler), and whether glibc took
    /// the malloc settings below.
    private static let state = Mutex((started: false, warningsVisible: false, mallocSettingsTaken: false))

    /// Starts libvips once (thread-safe, idempotent): glibc's malloc settings fixed, `VIPS_INIT`, no operation
    /// cache (a changed file must be read afresh, and builds never repeat an operation), and libvips' own
    /// warnings hidden (see `setWarningsVisible`). A libvips that cannot start is a broken installation: the
    /// process stops. Both pools run it: the thread pool's process once, each process-pool worker once; a no-op
    /// build and `--version` never do.
    ///
    /// Vector code: libvips 8.14 compiles its convolution and reduction loops with liborc when an operation is
    /// built and frees them when it is destroyed; liborc 0.4.33 hands out and frees code memory without a
    /// lock, which crashed thread-pool builds (RELIABILITY.md, "Bugs found" 5). The executable defines the two
    /// liborc calls libvips makes that allocate or free code memory, each behind one process-wide lock
    /// (CVipsLoader's orc_serial.c), and libvips binds to them (see `serialisedVectorCodeCalls`); so the vector
    /// code stays on, libvips' default (`VIPS_NOVECTOR=1` turns it off, as for any libvips program).
    ///
    /// Malloc: libvips allocates and frees buffers of up to tens of MiB for every image. With glibc's defaults
    /// (its mmap threshold moving up from 128 KiB, the trim threshold with it, and 8 heaps a core) those get
    /// mappings of their own, unmapped when freed, the heaps are trimmed, and each image faults its memory in
    /// afresh. Fixed thresholds and two heaps keep that memory in the process: on the 500-image corpus, 4 ×
    /// fewer page faults and 8 % less CPU an image, peak RSS no higher (bench/ANALYSIS.md).
    ///
    public static func start() {
        state.withLock { state in
            if state.started { return }
            state.mallocSettingsTaken = startLocked()
            state.started = true
        }
    }

    /// `start()`'s work, done once, with `state` locked; whether glibc took the malloc settings.
    private static func startLocked() -> Bool {
        let mallocSettingsTaken = cvips_fix_malloc_settings(Int32(mmapThreshold), Int32(trimThreshold), Int32(arenas))
        if cvips_init("imgmake") != 0 {
            fatalError("libvips failed to start: \(lastError())")
        }
        vips_cache_set_max(0)
        g_log_set_handler(
            "VIPS", G_LOG_LEVEL_WARNING,
            { domain, level, message, _ in
                if VipsRuntime.areWarningsVisible {
                    g_log_default_handler(domain, level, message, nil)
                }
            }, nil)
        return mallocSettingsTaken
    }

    /// glibc's M_MMAP_THRESHOLD (32 MiB, its maximum), M_TRIM_THRESHOLD and M_ARENA_MAX, set by `start()`.
    static let mmapThreshold = 32 << 20
    static let trimThreshold = 64 << 20
    /// Under an address-space limit (`ulimit -v`, `prlimit --as`) one: each arena reserves 64 MiB of address
    /// space, and a second one in imgmake's process under a 250 MiB limit left libvips too little to load
    /// (GLib aborted the build, where the limit should fail jobs alone).
    static var arenas: Int { isAddressSpaceLimited ? 1 : 2 }

    /// Whether this process runs under an address-space limit.
    static var isAddressSpaceLimited: Bool {
        var limit = rlimit()
        return getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0 && limit.rlim_cur != rlim_t.max
    }

    /// Called first thing in `main`, before any thread allocates: under an address-space limit, one malloc arena
    /// (`arenas`). libvips is not loaded.
    public static func limitArenasUnderAnAddressSpaceLimit() {
        if isAddressSpaceLimited { _ = cvips_set_arena_max(1) }
    }

    /// Whether `start()` set the malloc settings above (glibc accepted every one).
    static var mallocSettingsTaken: Bool { state.withLock { $0.mallocSettingsTaken } }

    /// Whether glibc gives a block of `bytes` a mapping of its own (for tests of the settings above).
    static func mapsItsOwnMemory(forBlockOf bytes: Int) -> Bool {
        cvips_malloc_maps_block(bytes)
    }

    /// Whether libvips runs liborc-compiled vector code (yes unless `VIPS_NOVECTOR` is set: see `start()`).
    public static var usesCompiledVectorCode: Bool {
        start()
        return vips_vector_isenabled() != 0
    }

    /// How many of libvips' liborc calls that allocate (`orc_program_compile`) or free (`orc_program_free`)
    /// code memory went through imgmake's lock so far, and whether the name `orc_program_free` resolves to
    /// imgmake's definition (what libvips binds to). Both counts stay 0 if libvips bound to liborc directly.
    public static var serialisedVectorCodeCalls: (compiles: Int, frees: Int, freeIsImgmakes: Bool) {
        (Int(cvips_orc_serialised_compiles()), Int(cvips_orc_serialised_frees()), cvips_orc_free_is_imgmakes())
    }

    /// libvips prints warnings such as "error in tile 0 x 8" to stderr while a failing image is decoded; the
    /// failure itself is reported through the job's error, so they are hidden unless made visible (`-v`).
    public static func setWarningsVisible(_ visible: Bool) {
        state.withLock { $0.warningsVisible = visible }
    }

    private static var areWarningsVisible: Bool {
        state.withLock { $0.warningsVisible }
    }

    /// Sets the number of threads libvips uses inside one pipeline (`vips_concurrency_set`); starts libvips.
    /// With a pool of J jobs on C cores, about C / J keeps the machine busy without oversubscribing it.
    public static func setConcurrency(_ n: Int) {
        start()
        vips_concurrency_set(Int32(clamping: max(1, n)))
    }

    /// Frees libvips' per-thread state. Threads that libvips did not create (pool workers) call it when
    /// they end; calling it on a thread that never used libvips is harmless.
    public static func threadShutdown() {
        vips_thread_shutdown()
    }

    /// The libvips version, such as "vips-8.14.1". Loads libvips, but does not start it.
    public static var version: String {
        "vips-\(vips_version(0)).\(vips_version(1)).\(vips_version(2))"
    }

    /// The identity of the libvips library file this process loads: its path, size and modification time
    /// (`/usr/lib/x86_64-linux-gnu/libvips.so.42 1234567 1700000000.123`; `stat` follows the link to the real
    /// file), so that a cache of libvips' answers is not trusted across a libvips rebuilt or replaced in place.
    /// Does not load libvips when the file is on the loader's search list (CVipsLoader); else libvips is
    /// loaded, and the file mapped is named (`/proc/self/maps`). Nil when that cannot be found out.
    public static let libraryFile: String? = {
        guard let path = cvips_library_path().map({ String(cString: $0) }) ?? mappedLibrary() else { return nil }
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return "\(path) \(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
    }()

    /// Whether libvips is loaded into this process (a no-op build never loads it).
    public static var isLoaded: Bool { cvips_library_loaded() }

    /// The mapped file whose name is libvips' (`/proc/self/maps`: address, perms, offset, dev, inode, path),
    /// after loading libvips. Searched as bytes (decoding and splitting 120 libraries' lines into strings costs
    /// ~30 M instructions); read to the end (the file's size is 0).
    private static func mappedLibrary() -> String? {
        cvips_library_load()
        let fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var maps: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { maps += chunk[..<n] } else if n < 0 && errno == EINTR { continue } else { break }
        }
        let name = Array("/libvips.so".utf8)
        guard let hit = maps.indices.first(where: { maps[$0] == name[0] && maps[$0...].starts(with: name) }) else { return nil }
        let lineStart = maps[..<hit].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let lineEnd = maps[hit...].firstIndex(of: UInt8(ascii: "\n")) ?? maps.endIndex
        guard let slash = maps[lineStart..<lineEnd].firstIndex(of: UInt8(ascii: "/")) else { return nil }
        return String(decoding: maps[slash..<lineEnd], as: UTF8.self)
    }

    /// Takes libvips' (global, process-wide) error buffer: its text, trimmed, and the buffer is cleared.
    /// The calls of this module collect their own errors (see `VipsErrorLog`, which uses this); call it
    /// only after libvips calls made elsewhere.
    public static func lastError() -> String {
        guard let text = vips_error_buffer_copy() else { return "" }
        defer { g_free(text) }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
