import Foundation

/// Starts threads with `pthread_create` and its result checked. Foundation's `Thread.start()` cannot say that
/// no thread started (under `RLIMIT_NPROC` or out of memory): the body then never runs, and whoever waits for
/// it waits forever. Every thread of the pools and of the worker is started here, and a failure is an error.
package enum CheckedThread {
    /// Starts `body` on a new detached thread named `name` (at most 15 bytes show in `ps`), or throws
    /// "cannot start WHAT: Resource temporarily unavailable" (`what`: "a thread", "a thread for signals").
    package static func start(
        name: String, stackSize: Int? = nil, what: String = "a thread",
        _ body: @escaping @Sendable () -> Void
    ) throws {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        let context = Unmanaged.passRetained(Body(name: name, run: body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, &attributes,
            { context in
                // swift-format-ignore: NeverForceUnwrap
                // `context` is the retained `Body` passed just below; pthread_create hands it back unchanged.
                let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
                Thread.current.name = body.name
                body.run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw ThreadStartError(what: what, code: result)
        }
    }

    /// Starts `count` threads named `NAME-N` running `body(N)`, each counted in `finished` until its body
    /// returns. At the first thread that cannot start it starts no more and returns that error; the threads
    /// already running go on (the caller stops its queue, so they end and `finished` is reached).
    package static func startAll(
        _ count: Int, name: String, stackSize: Int? = nil, finished: DispatchGroup,
        _ body: @escaping @Sendable (Int) -> Void
    ) -> ThreadStartError? {
        for n in 0..<count {
            finished.enter()
            do {
                try start(name: "\(name)-\(n)", stackSize: stackSize) {
                    body(n)
                    finished.leave()
                }
            } catch {
                finished.leave()
                return error as? ThreadStartError ?? ThreadStartError(what: "a thread", code: EAGAIN)
            }
        }
        return nil
    }

    private final class Body {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }
}

/// A thread (or what it needs) that could not be made, with the cause: `cannot start a thread: Resource
/// temporarily unavailable`, `cannot start a thread for signals: ...`.
package struct ThreadStartError: StatusError {
    var what: String
    var code: Int32
    /// Under a memory limit the limit is named: a thread's stack is address space too, so there a thread that
    /// cannot start is the same shortage as a failed allocation.
    package var description: String {
        let limit = code == EAGAIN || code == ENOMEM ? MemoryLimit.current.map { " (\($0))" } ?? "" : ""
        return "cannot start \(what): \(String(cString: strerror(code)))\(limit)"
    }
    /// imgmake itself cannot go on.
    package var status: ExitStatus { .noThread }
}
