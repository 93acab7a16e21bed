import ImgmakeCore

#if canImport(Glibc)
    import Glibc
#endif

/// imgmake as a GNU make jobserver client (as ninja 1.13 is), so that `make -j8` with several imgmake recipe
/// lines runs 8 jobs in all, not 8 per imgmake. make hands its tokens out through `MAKEFLAGS`:
/// `--jobserver-auth=fifo:PATH` (make 4.4) or `--jobserver-auth=R,W` / `--jobserver-fds=R,W` (a pipe's file
/// descriptors, passed only to recipe lines make knows to be recursive: `+` or `$(MAKE)`). Each client has one
/// token of its own; every further job running at once holds one token read from the jobserver, written back
/// when the job ends (and all of them when the build ends). Reads never block: imgmake opens its own
/// non-blocking description of the pipe or FIFO (`/proc/self/fd/N`), so that make's own descriptor keeps its flags.
final class MakeJobserver: JobSlots {
    /// make's `-j` (the jobs of the whole make), when MAKEFLAGS says it.
    let jobs: Int?
    private let reader: Int32
    private let writer: Int32
    /// The tokens held, as read (make 4.4 wants back the bytes it gave).
    private var held: [UInt8] = []

    private init(jobs: Int?, reader: Int32, writer: Int32) {
        self.jobs = jobs
        self.reader = reader
        self.writer = writer
    }

    /// What `makeflags` (the `MAKEFLAGS` variable) asks for: nil when make runs no jobserver (no `-j`, or
    /// `-j1`). A jobserver that cannot be reached (its pipe not passed on: the recipe line lacks `+`) is a
    /// warning through `warn`, and nil.
    static func from(makeflags: String, warn: (String) -> Void) -> MakeJobserver? {
        var auth: String?
        var jobs: Int?
        for word in makeflags.split(separator: " ") {
            for prefix in ["--jobserver-auth=", "--jobserver-fds="] where word.hasPrefix(prefix) {
                auth = String(word.dropFirst(prefix.count))
            }
            if word.hasPrefix("-j"), let count = Int(word.dropFirst(2)) { jobs = count }
        }
        guard let auth else { return nil }
        if auth.hasPrefix("fifo:") {
            let path = String(auth.dropFirst("fifo:".count))
            let descriptor = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            guard descriptor >= 0 else {
                warn("cannot open make's jobserver \(path): \(String(cString: strerror(errno))); running -j alone")
                return nil
            }
            return MakeJobserver(jobs: jobs, reader: descriptor, writer: descriptor)
        }
        let fds = auth.split(separator: ",").compactMap { Int32($0) }
        guard fds.count == 2, fds.allSatisfy({ fcntl($0, F_GETFD) != -1 }) else {
            warn(
                "make's jobserver (\(auth)) is not open in this process: make passes it only to recipe lines marked "
                    + "recursive ('+imgmake …', or through $(MAKE)); running -j alone")
            return nil
        }
        // A non-blocking description of the read end of its own; the descriptor make passed keeps its flags.
        let reader = open("/proc/self/fd/\(fds[0])", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard reader >= 0 else {
            warn("cannot open make's jobserver pipe (fd \(fds[0])): \(String(cString: strerror(errno))); running -j alone")
            return nil
        }
        return MakeJobserver(jobs: jobs, reader: reader, writer: fds[1])
    }

    func acquire(running: Int) -> Bool {
        // `running` jobs hold running - 1 tokens (the first runs on imgmake's own); one more job needs one more.
        guard running > held.count else { return true }
        var byte: UInt8 = 0
        while true {
            let count = read(reader, &byte, 1)
            if count == 1 {
                held.append(byte)
                return true
            }
            if count < 0 && errno == EINTR { continue }
            return false  // EAGAIN: none free now; the builder asks again when a job ends
        }
    }

    func release(running: Int) {
        while held.count > max(0, running - 1), var byte = held.popLast() {
            while write(writer, &byte, 1) < 0 && errno == EINTR {}
        }
    }
}

/// The system's 1-minute load average (`-l LOAD`), or nil when it cannot be read.
func systemLoadAverage() -> Double? {
    var loads = [0.0]
    return getloadavg(&loads, 1) == 1 ? loads[0] : nil
}
