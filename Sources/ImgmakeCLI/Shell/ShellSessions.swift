import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe

/// What the shell checks recipes against: the image library, through `.imgmake/catalog.json` (the real run:
/// libvips), or a catalog as it is (tests: `FakeCatalog`).
enum ShellCatalog {
    case library(ImageLibrary)
    case fixed(OperationCatalog)

    /// The catalog itself, for `help OPERATION` (for libvips, this starts it).
    var operations: OperationCatalog {
        switch self {
        case .library(let library): return library.catalog()
        case .fixed(let catalog): return catalog
        }
    }
}

/// The shell's session cache: the recipe loaded as the files are now, the last one that loaded without error
/// (kept while the file is broken), a recent one for completion, and which unknown overrides were warned about.
final class ShellSessions {
    enum Loaded {
        /// The recipe as the files are now.
        case fresh(Session)
        /// The recipe is broken now (the error was printed): the last one that loaded.
        case lastGood(Session)
        case none
    }

    let options: RecipeOptions
    /// How inputs are compared (`--check`, then `set check`): sessions loaded from now on use it.
    var check: CheckMode {
        didSet { if check != oldValue { completionSession = nil } }
    }
    let cwd: String
    let interactive: Bool
    let disk: DiskInterface
    let catalog: ShellCatalog
    private let out: (String) -> Void
    private let err: (String) -> Void

    /// The last recipe that loaded without error, kept while the file is broken.
    private(set) var lastGood: Session?
    private var lastGoodStamps: [String: FileStamp?] = [:]
    private var completionSession: (session: Session, time: DispatchTime)?
    /// Overrides already warned about as unknown to the recipe: a `set` (or `imgmake shell NAME=VALUE`) one
    /// until it is set again; a command's own `NAME=VALUE` words until the next command (a `watch` reloads
    /// the recipe on every change without saying it again).
    private var warnedSettings: Set<String> = []
    private var warnedThisCommand: Set<String> = []

    init(
        options: RecipeOptions, cwd: String, interactive: Bool, disk: DiskInterface, catalog: ShellCatalog,
        out: @escaping (String) -> Void, err: @escaping (String) -> Void
    ) {
        self.options = options
        self.check = options.check
        self.cwd = cwd
        self.interactive = interactive
        self.disk = disk
        self.catalog = catalog
        self.out = out
        self.err = err
    }

    /// A new command: its own `NAME=VALUE` words are warned about again.
    func startCommand() { warnedThisCommand = [] }

    /// A variable set again with `set`: warned about again if the recipe does not know it.
    func forgetWarning(about name: String) { warnedSettings.remove(name) }

    /// The recipe loaded with `overrides`, from the shell's disk and catalog. Throws its errors.
    private func session(overrides: [String: String]) throws -> Session {
        var sessionOptions = options.sessionOptions
        sessionOptions.checkHash = check == .hash
        switch catalog {
        case .library(let library):
            return try Session(options: sessionOptions, overrides: overrides, disk: disk, library: library, cwd: cwd)
        case .fixed(let catalog):
            return try Session(options: sessionOptions, overrides: overrides, disk: disk, catalog: catalog, cwd: cwd)
        }
    }

    /// Loads the recipe as the files are now, with the shell's variables and `extra` ones. A recipe error is
    /// printed, and the last good session stands in for it.
    func load(overrides: [String: String], extra: [String: String] = [:]) -> Loaded {
        let merged = overrides.merging(extra) { $1 }
        do {
            let session = try session(overrides: merged)
            let reporter = ProgressReporter(verbosity: .normal, isTerminal: false, output: out, errorOutput: err)
            session.warnAboutOverrides(reporter) { name in
                extra[name] != nil ? warnedThisCommand.insert(name).inserted : warnedSettings.insert(name).inserted
            }
            if extra.isEmpty {
                if interactive, lastGood != nil, stamps(of: session) != lastGoodStamps {
                    out("(\(PathName.fileName(options.file)) changed: reloaded)\n")
                }
                lastGood = session
                lastGoodStamps = stamps(of: session)
            }
            return .fresh(session)
        } catch {
            report(error)
            if let lastGood {
                err("(the recipe has errors: the shell keeps the last good one; fix the file and go on)\n")
                return .lastGood(lastGood)
            }
            return .none
        }
    }

    /// A session to read from (the last good one when the recipe is broken), and whether it is fresh.
    func readableSession(overrides: [String: String], extra: [String: String] = [:]) -> (Session, Bool)? {
        switch load(overrides: overrides, extra: extra) {
        case .fresh(let session): return (session, true)
        case .lastGood(let session): return (session, false)
        case .none: return nil
        }
    }

    /// A session to build or clean with: only a recipe that loads now.
    func writableSession(overrides: [String: String], extra: [String: String] = [:], verb: String) -> Session? {
        switch load(overrides: overrides, extra: extra) {
        case .fresh(let session): return session
        case .lastGood, .none:
            report(UsageError("not \(verb): the recipe has errors"))
            return nil
        }
    }

    /// Prints an error as `ErrorMessage` renders it (as the command line and the shell's commands do).
    private func report(_ error: any Error) { err(ErrorMessage(error).text + "\n") }

    /// For completion: a recent session, so that pressing Tab does not load the recipe every time.
    func sessionForCompletion(overrides: [String: String]) -> Session? {
        if let (session, time) = completionSession, DispatchTime.now().uptimeNanoseconds - time.uptimeNanoseconds < 2_000_000_000 {
            return session
        }
        let session = (try? self.session(overrides: overrides)) ?? lastGood
        if let session { completionSession = (session, DispatchTime.now()) }
        return session
    }

    private func stamps(of session: Session) -> [String: FileStamp?] {
        Dictionary(session.recipe.recipe.files.map { ($0, disk.stamp($0)) }, uniquingKeysWith: { a, _ in a })
    }
}
