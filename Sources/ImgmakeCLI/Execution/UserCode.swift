import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeSync
import ImgmakeVips

/// Runs the user's code (README's *Your own code*) for the pools: a `run` command in a process of its own per
/// job, a `python` or `worker` step on a persistent worker process (started when a job first needs one, reused
/// by the next jobs, at most one per job running: the pool's `-j` bounds them). The calling thread (a thread
/// pool's thread, a process pool's driver) waits for the job, so `-j` bounds libvips jobs and user code together.
///
/// Every job writes a temporary beside its output (with the output's extension, for code that picks the format
/// from the name), which is renamed into place when the code succeeded and wrote it, and is an image libvips
/// reads when the extension names an image format. A job that fails, overruns `--job-timeout` (its process
/// group is killed; a worker is replaced), or is stopped by Ctrl-C (`interrupt()`) leaves no temporary.
final class UserCode: Sendable {
    /// `--job-timeout`: a job running longer is killed and fails.
    let jobTimeout: Double?
    /// At most this many workers live at once (the pool's size).
    let maxWorkers: Int

    private struct State: Sendable {
        /// Idle workers by the command that started them (and its folder).
        var idle: [String: [UserWorker]] = [:]
        var workers = 0
        /// The processes running a job now, by job.
        var running: [Int: ChildProcess] = [:]
        /// When Ctrl-C stopped the jobs (`interrupt()`); no job starts after it.
        var interruptedAt: UInt64?
    }
    private let state = Mutex(State())

    /// Seconds a process has to exit after SIGTERM before SIGKILL.
    static let grace = 2.0

    init(jobTimeout: Double?, maxWorkers: Int) {
        self.jobTimeout = jobTimeout
        self.maxWorkers = max(1, maxWorkers)
    }

    /// How the code ended.
    private enum Ending {
        case succeeded(result: String?)
        case failed(String)
        case stopped
    }

    /// Runs one job of a `run`, `python` or `worker` rule in the calling thread.
    func run(_ request: JobRequest, _ program: ProgramStep) -> JobOutcome {
        let start = DispatchTime.now().uptimeNanoseconds
        let source = request.job.isAggregate ? nil : request.job.sources.first
        var printed = ""
        func outcome(_ error: String?, result: String? = nil, summary: ImageSummary? = nil, stopped: Bool = false) -> JobOutcome {
            var outcome = JobOutcome(
                id: request.id, summary: summary,
                error: error.map { ImageJobError(step: program.stepName, input: source, message: $0) },
                seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, stoppedBy: stopped ? SIGTERM : nil,
                result: result)
            outcome.output = printed.isEmpty ? nil : printed
            return outcome
        }
        do { try RealDisk().makeDirectories(PathName.directory(of: request.output)) } catch {
            return outcome("cannot make the output's folder: \(error)")
        }
        let temporary = TemporaryFiles.shared.make(for: request.output, keepingExtension: true)
        defer { TemporaryFiles.shared.release(temporary) }
        let ending: Ending
        (ending, printed) =
            program.kind == .run
            ? runCommand(request, program, writingTo: temporary, start: start)
            : runOnWorker(request, program, writingTo: temporary, start: start)
        switch ending {
        case .stopped:
            unlink(temporary)
            return outcome("interrupted: the job was stopped", stopped: true)
        case .failed(let message):
            unlink(temporary)
            return outcome(message)
        case .succeeded(let result):
            switch Self.finish(request, program, temporary: temporary) {
            case .failure(let error):
                unlink(temporary)
                return outcome(error.message)
            case .success(let summary):
                return outcome(nil, result: result, summary: summary)
            }
        }
    }

    /// Stops every job running (SIGTERM to its process group; SIGKILL after `grace`) and every later one.
    func interrupt() {
        let running = state.withLock { state -> [ChildProcess] in
            if state.interruptedAt == nil { state.interruptedAt = DispatchTime.now().uptimeNanoseconds }
            return Array(state.running.values)
        }
        for process in running { process.sendToGroup(SIGTERM) }
    }

    /// Ends the idle workers (their fd 3 closes: they exit); called once no job runs.
    func shutdown() {
        let idle = state.withLock { state -> [UserWorker] in
            defer {
                state.idle = [:]
                state.workers = 0
            }
            return state.idle.values.flatMap { $0 }
        }
        for worker in idle { worker.process.closeInput() }
        for worker in idle { worker.process.wait(grace: Self.grace) }
    }

    // MARK: run

    /// Runs the command; what it printed is shown with its job when it succeeded (when it failed, its last
    /// lines are in the error).
    private func runCommand(
        _ request: JobRequest, _ program: ProgramStep, writingTo temporary: String, start: UInt64
    ) -> (Ending, printed: String) {
        let argv = program.command.flatMap { $0.expanded(sources: request.job.sources, output: temporary) }
        let process: ChildProcess
        do { process = try ChildProcess.spawnProgram(argv, directory: program.directory, plumbing: .command) } catch {
            return (.failed("\(error)"), "")
        }
        guard register(request.id, process) else {
            process.sendToGroup(SIGKILL)
            process.wait(grace: Self.grace)
            return (.stopped, "")
        }
        defer { unregister(request.id) }
        var captured: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var exitedAt: UInt64?
        while true {
            if let ending = overdue(process, start: start) { return (ending, "") }
            var poller = pollfd(fd: process.output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready > 0 {
                let count = chunk.withUnsafeMutableBytes { read(process.output, $0.baseAddress, $0.count) }
                if count == 0 { break }
                if count > 0 {
                    captured += chunk[..<count]
                    if captured.count > 1 << 20 { captured.removeFirst(captured.count - (1 << 19)) }
                }
            } else if process.pollExit() != nil {
                // Exited, and something it started in the background still holds the pipe: stop reading soon.
                let now = DispatchTime.now().uptimeNanoseconds
                if let exitedAt, now - exitedAt > 500_000_000 { break }
                if exitedAt == nil { exitedAt = now }
            }
        }
        let status = process.wait(grace: Self.grace)
        if isInterrupted { return (.stopped, "") }
        let text = String(decoding: captured, as: UTF8.self)
        guard WaitStatus.exited(status) && (status >> 8) & 0xff == 0 else {
            return (.failed(WaitStatus.describe(status) + Self.tail(of: text)), "")
        }
        return (.succeeded(result: nil), text)
    }

    /// The last lines of a command's output, for its error: `: ` and up to 5 lines, indented.
    private static func tail(of text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
        guard !lines.isEmpty else { return "" }
        return ":\n" + lines.suffix(5).map { "    " + $0 }.joined(separator: "\n")
    }

    // MARK: python, worker

    /// Runs the job on a worker; what the worker printed meanwhile is shown with the job (when the worker
    /// died, its last lines are in the error).
    private func runOnWorker(
        _ request: JobRequest, _ program: ProgramStep, writingTo temporary: String, start: UInt64
    ) -> (Ending, printed: String) {
        var argv = program.command.flatMap { $0.expanded(sources: [], output: "") }
        if program.kind == .python { argv += UserWorkerProtocol.pythonArguments }
        let key = argv.joined(separator: "\u{0}") + "\u{0}" + program.directory
        let line = UserWorkerProtocol.request(
            id: request.id, program: program, sources: request.job.sources, isAggregate: request.job.isAggregate,
            output: temporary, target: request.output)
        let what = program.kind == .python ? "Python worker" : "worker"
        // A worker found dead when the job is handed over died while idle: it held no job, so another is
        // started for the job, once.
        for _ in 0..<2 {
            let worker: UserWorker
            do {
                worker = try checkout(
                    key, argv: argv, directory: program.directory,
                    environment: program.kind == .python
                        ? [UserWorkerProtocol.pythonProgramVariable + "=" + UserWorkerProtocol.pythonProgram] : [])
            } catch {
                return (.failed("\(error)"), "")
            }
            guard register(request.id, worker.process) else {
                checkin(worker, key: key)
                return (.stopped, "")
            }
            defer { unregister(request.id) }
            guard writeAll(worker.process.input, line) else {
                retire(worker)
                continue
            }
            var console = Console(fd: worker.process.console)
            while true {
                if let ending = overdue(worker.process, start: start) {
                    retire(worker)
                    return (ending, console.text)
                }
                if let reply = worker.reader.takeLine() {
                    console.drain()  // what it printed before it replied
                    switch Self.reply(reply, id: request.id, directory: program.directory) {
                    case .success(let ending):
                        checkin(worker, key: key)
                        return (ending, console.text)
                    case .failure(let message):
                        worker.process.sendToGroup(SIGKILL)
                        worker.process.wait(grace: Self.grace)
                        retire(worker)
                        return (.failed("the \(what) (pid \(worker.process.pid)) \(message)"), console.text)
                    }
                }
                var fds = [
                    pollfd(fd: worker.process.output, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: console.isOpen ? console.fd : -1, events: Int16(POLLIN), revents: 0),
                ]
                guard poll(&fds, 2, 100) > 0 else { continue }
                if fds[1].revents != 0 { console.readOnce() }
                if fds[0].revents != 0, !worker.reader.fill() {
                    let status = worker.process.wait(grace: Self.grace)
                    console.drain()
                    retire(worker)
                    if isInterrupted { return (.stopped, "") }
                    return (
                        .failed(
                            "the \(what) (pid \(worker.process.pid)) \(WaitStatus.describe(status)) while running the job "
                                + "(it is replaced for the next job)" + Self.tail(of: console.text)), ""
                    )
                }
            }
        }
        return (.failed("the \(what) processes keep dying before taking a job"), "")
    }

    /// A worker's reply to job `id`: `{"v":1,"id":7,"ok":true,"result":...}` or `{"v":1,"id":7,"ok":false,
    /// "error":"...","where":"..."}`. A failure is a line that is no such reply, worded to follow "the worker (pid N) ".
    private static func reply(_ line: [UInt8], id: Int, directory: String) -> Result<Ending, UserCodeError> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            return .failure(UserCodeError(message: "sent a line that is not a JSON reply: \(WorkerMessage.quoted(line))"))
        }
        guard (object["id"] as? NSNumber)?.intValue == id else {
            return .failure(UserCodeError(message: "sent a reply to job \(object["id"] ?? "none"), expected job \(id)"))
        }
        guard let ok = object["ok"] as? Bool else {
            return .failure(UserCodeError(message: "sent a reply without \"ok\": \(WorkerMessage.quoted(line))"))
        }
        guard ok else {
            let error = (object["error"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "the job failed (no message)"
            // The function's line, its file relative to the rule's folder.
            let place =
                (object["where"] as? String).flatMap { text -> String? in
                    text.isEmpty ? nil : " (" + (text.hasPrefix(directory + "/") ? String(text.dropFirst(directory.count + 1)) : text) + ")"
                } ?? ""
            return .success(.failed(error + place))
        }
        guard let value = object["result"], !(value is NSNull) else { return .success(.succeeded(result: nil)) }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else {
            return .failure(UserCodeError(message: "sent a result that cannot be written as JSON"))
        }
        return .success(.succeeded(result: String(decoding: data, as: UTF8.self)))
    }

    /// An idle worker started by `argv` in `directory`, or a new one (an idle worker of another command is
    /// ended first when `maxWorkers` live).
    private func checkout(_ key: String, argv: [String], directory: String, environment: [String]) throws -> UserWorker {
        let (found, evicted) = state.withLock { state -> (UserWorker?, UserWorker?) in
            if let worker = state.idle[key]?.popLast() { return (worker, nil) }
            var evicted: UserWorker?
            if state.workers >= maxWorkers, let other = state.idle.first(where: { !$0.value.isEmpty })?.key {
                evicted = state.idle[other]?.popLast()
                state.workers -= 1
            }
            state.workers += 1
            return (nil, evicted)
        }
        if let evicted {
            evicted.process.closeInput()
            evicted.process.wait(grace: Self.grace)
        }
        if let found { return found }
        do {
            return UserWorker(
                process: try ChildProcess.spawnProgram(argv, directory: directory, plumbing: .worker, environment: environment))
        } catch {
            state.withLock { $0.workers -= 1 }
            throw error
        }
    }

    private func checkin(_ worker: UserWorker, key: String) {
        state.withLock { $0.idle[key, default: []].append(worker) }
    }

    /// A worker that died, broke the protocol or was killed: not reused.
    private func retire(_ worker: UserWorker) {
        worker.process.closeInput()
        worker.process.sendToGroup(SIGKILL)
        worker.process.wait(grace: Self.grace)
        state.withLock { $0.workers -= 1 }
    }

    // MARK: shared

    /// Registers the process of a job; false when Ctrl-C already stopped the build.
    private func register(_ id: Int, _ process: ChildProcess) -> Bool {
        state.withLock { state in
            guard state.interruptedAt == nil else { return false }
            state.running[id] = process
            return true
        }
    }

    private func unregister(_ id: Int) { state.withLock { _ = $0.running.removeValue(forKey: id) } }

    private var isInterrupted: Bool { state.withLock { $0.interruptedAt != nil } }

    /// What ends a job that is still running: its timeout (the process group killed), or a Ctrl-C whose
    /// SIGTERM it has ignored for `grace` seconds (then SIGKILL, and the job ends when it exits).
    private func overdue(_ process: ChildProcess, start: UInt64) -> Ending? {
        let now = DispatchTime.now().uptimeNanoseconds
        if let interruptedAt = state.withLock({ $0.interruptedAt }), now - interruptedAt > UInt64(Self.grace * 1e9) {
            process.sendToGroup(SIGKILL)
        }
        guard let jobTimeout, now - start > UInt64(jobTimeout * 1e9) else { return nil }
        process.sendToGroup(SIGKILL)
        process.wait(grace: Self.grace)
        if isInterrupted { return .stopped }
        let seconds = jobTimeout == jobTimeout.rounded() ? String(Int(jobTimeout)) : String(jobTimeout)
        return .failed("timed out after \(seconds) s (--job-timeout): killed")
    }

    /// The temporary the code wrote, checked and renamed into place: it must exist, and when the output's
    /// extension names an image format, be an image of that format libvips reads.
    private static func finish(_ request: JobRequest, _ program: ProgramStep, temporary: String) -> Result<ImageSummary?, UserCodeError> {
        var info = stat()
        guard stat(temporary, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            let wrote =
                program.kind == .run
                ? "the command exited with status 0 but did not write {out}"
                : "the function returned but did not write the output (its second argument, the path to write)"
            return .failure(UserCodeError(message: wrote))
        }
        var summary: ImageSummary?
        if program.checksImage {
            let ext = PathName.fileExtension(request.output).lowercased()
            do {
                let image = try ImageLoader.header(of: temporary)
                let loader = image.loader
                if let saver = VipsCatalog.shared.saverNickname(forPath: "x." + ext), let family = Self.family(saver),
                    let found = Self.family(loader), found != family
                {
                    return .failure(
                        UserCodeError(
                            message: "wrote a \(found.uppercased()) file (\(loader) reads it), not the .\(ext) file its name says"))
                }
                summary = ImageSummary(width: image.width, height: image.height, bands: image.bands, bytes: Int(info.st_size))
            } catch {
                let message = "\(error)".replacing(temporary, with: PathName.fileName(request.output))
                return .failure(UserCodeError(message: "wrote a file that is not a .\(ext) image libvips can read: \(message)"))
            }
        }
        guard rename(temporary, request.output) == 0 else {
            return .failure(UserCodeError(message: "cannot rename the temporary into place: \(String(cString: strerror(errno)))"))
        }
        return .success(summary)
    }

    /// `png` of `pngload` and `pngsave`: a loader and a saver of one format; nil for loaders of several
    /// (ImageMagick's, libvips' own format).
    private static func family(_ nickname: String) -> String? {
        for suffix in ["load", "save"] where nickname.hasSuffix(suffix) {
            let name = String(nickname.dropLast(suffix.count))
            return ["magick", "vips", "matrix", "csv", "raw", "fits", "analyze", "rad", "openslide"].contains(name) ? nil : name
        }
        return nil
    }
}

/// What a worker prints (its stdout and stderr, one pipe) during a job, kept for the job's outcome (the last
/// MiB of it).
struct Console {
    let fd: Int32
    private(set) var isOpen: Bool
    private var bytes: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
        isOpen = fd >= 0
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Reads what is there now, once (after `poll` said so).
    mutating func readOnce() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            bytes += chunk[..<count]
            if bytes.count > 1 << 20 { bytes.removeFirst(bytes.count - (1 << 20)) }
        } else if count == 0 || errno != EINTR {
            isOpen = false
        }
    }

    /// Reads all that is there now, without waiting.
    mutating func drain() {
        while isOpen {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 0) > 0 else { return }
            readOnce()
        }
    }
}

/// One worker process of `python` or `worker` steps.
final class UserWorker: @unchecked Sendable {
    // Unchecked: `reader` is used only by the thread that checked the worker out.
    let process: ChildProcess
    var reader: LineReader
    init(process: ChildProcess) {
        self.process = process
        reader = LineReader(fd: process.output)
    }
}

struct UserCodeError: Error {
    var message: String
}
