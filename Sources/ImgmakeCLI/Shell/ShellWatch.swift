import CReadline
import Foundation
import ImgmakeCore
import ImgmakeRecipe

/// `watch [TARGET...]`: build, then wait (inotify) for a change to an input folder or a recipe file, and build
/// again whatever that made stale — until Ctrl-C. Changes that make nothing stale (the build's own outputs,
/// an unrelated file) pass silently.
final class ShellWatch {
    private let shell: Shell
    private let targets: [String]
    private let extra: [String: String]
    private let options: BuildOptions
    private var inotify: Int32 = -1
    private var watched: Set<String> = []

    /// Most folders watched at once (each costs a kernel watch).
    static let maxDirectories = 4000
    /// The inotify events watched (<sys/inotify.h>).
    private static let mask = UInt32(
        IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)

    init(shell: Shell, targets: [String], extra: [String: String], options: BuildOptions) {
        self.shell = shell
        self.targets = targets
        self.extra = extra
        self.options = options
    }

    deinit {
        if inotify >= 0 { close(inotify) }
    }

    func run() throws -> Shell.Outcome {
        inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0 else { throw ShellUsage("cannot watch files: inotify: \(String(cString: strerror(errno)))") }
        let say: (String) -> Void = {
            print($0)
            fflush(imgmake_stdout())
        }

        guard case .fresh(let first) = shell.load(extra: extra) else {
            throw ShellUsage("not watching: the recipe has errors")
        }
        _ = try first.edges(for: targets)  // an unknown target is an error now, not at the first change
        addWatches(for: first)
        let what = targets.isEmpty ? (first.recipe.recipe.defaultTarget ?? "the default target") : targets.joined(separator: " ")
        say("watching \(what): \(watched.count) folder\(watched.count == 1 ? "" : "s") (Ctrl-C stops)")
        var last = try shell.runBuild(session: first, targets: targets, options: options)
        if last.interrupted { return stopped() }

        while true {
            shell.interrupts.armForPipe()
            guard waitForChange() else { return stopped() }
            switch shell.load(extra: extra) {
            case .fresh(let session):
                addWatches(for: session)
                guard let edges = try? session.edges(for: targets) else {
                    say("(the targets are gone from the recipe: waiting for another change)")
                    continue
                }
                let (order, checker) = session.staleness(of: edges)
                guard order.contains(where: { checker.isStale($0) }) else { continue }
                say("\(Self.clock()) change seen: building")
                last = try shell.runBuild(session: session, targets: targets, options: options)
                if last.interrupted { return stopped() }
            case .lastGood, .none:
                say("(waiting for the recipe to be fixed)")
            }
        }
    }

    private func stopped() -> Shell.Outcome {
        print("\nstopped watching")
        fflush(imgmake_stdout())
        shell.rearmInterrupts()
        if let signal = InterruptHandler.shared.termination { return Shell.Outcome(.interrupted(signal: signal)) }
        return Shell.Outcome(shell.interactive ? .success : .interrupted(signal: SIGINT))
    }

    /// Waits for file events, then for them to settle (an editor or a copy writes in bursts). False on Ctrl-C.
    private func waitForChange() -> Bool {
        var seen = false
        while true {
            var fds = [
                pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                pollfd(fd: shell.interrupts.fileDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, seen ? 200 : -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return false
            }
            if fds[1].revents != 0 && shell.interrupts.drain() { return false }
            if ready == 0 && seen { return true }  // quiet for 200 ms after a change
            if fds[0].revents != 0 {
                drainEvents()
                seen = true
            }
        }
    }

    private func drainEvents() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while read(inotify, &buffer, buffer.count) > 0 {}
    }

    /// The recipe files' folders, every rule's input folders (below each glob's base, hidden ones left out),
    /// and the folders of `@` image inputs. A folder that does not exist yet is watched through its parent.
    private func addWatches(for session: Session) {
        var folders: [String] = session.recipe.recipe.files.map { PathName.directory(of: $0) }
        for rule in session.recipe.rules {
            for glob in rule.globs { folders += tree(below: existingAncestor(glob.baseDirectory)) }
        }
        for edge in session.graph.edges where !edge.imageInputs.isEmpty {
            folders += edge.imageInputs.map { PathName.directory(of: $0) }
        }
        for folder in folders where !watched.contains(folder) {
            guard watched.count < Self.maxDirectories else { break }
            if inotify_add_watch(inotify, folder, Self.mask) >= 0 { watched.insert(folder) }
        }
    }

    private func existingAncestor(_ path: String) -> String {
        var path = PathName.normalize(path)
        var isDirectory: ObjCBool = false
        while !(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) && path != "/" {
            path = PathName.directory(of: path)
            if path.isEmpty { return "/" }
        }
        return path
    }

    /// A folder and the folders below it (not hidden ones, not through links), at most `maxDirectories`.
    private func tree(below root: String) -> [String] {
        var result: [String] = []
        var stack = [root]
        while let folder = stack.popLast(), result.count < Self.maxDirectories {
            result.append(folder)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names where !name.hasPrefix(".") {
                let path = PathName.join(folder, name)
                var info = stat()
                if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { stack.append(path) }
            }
        }
        return result
    }

    private static func clock() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }
}
