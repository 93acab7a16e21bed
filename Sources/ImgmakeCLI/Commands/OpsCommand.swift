import ArgumentParser
import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeVips

/// `imgmake ops [FILTER]` lists libvips operations; `imgmake ops OPERATION` shows one operation's arguments.
struct OpsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops", abstract: "List libvips operations, or show one operation's arguments.")

    @Argument(
        help: ArgumentHelp("An operation name, or text to filter the list by.", valueName: "FILTER|OPERATION"),
        completion: .custom(OperationCompletion.complete))
    var filter: String?

    func run() throws {
        if let filter, let text = ProgramSteps.helpText(filter) {
            print(text, terminator: "")
            // `load` and `save` are in many operations' names too: `ops save` still lists the savers.
            let list = FileSteps.names.contains(filter) ? OperationDocs.list(filter: filter) : ""
            if !list.isEmpty { print("\noperations matching '\(filter)':\n" + list, terminator: list.hasSuffix("\n") ? "" : "\n") }
        } else if let filter, let text = OperationHelp.describe(filter) {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        } else {
            let text = OperationDocs.list(filter: filter)
            guard !text.isEmpty else {
                let word = filter ?? ""
                let guess = Suggestions.closest(to: word, in: ProgramSteps.helpNames + VipsCatalog.shared.operationNames)
                throw UsageError("no operation matches '\(word)'" + (guess.map { " (did you mean '\($0)'?)" } ?? ""))
            }
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}

/// One operation's arguments (`OperationDocs.describe`), for `imgmake ops OPERATION` and the shell's `help` and
/// `ops`: a saver or a loader, which is not a step, says how a recipe uses it instead of a step's usage.
enum OperationHelp {
    static func describe(_ nickname: String) -> String? {
        switch OperationDocs.fileRole(of: nickname) {
        case .saver:
            return OperationDocs.describe(
                nickname, usage: FileSteps.saverUsage(nickname, suffixes: VipsCatalog.shared.suffixes(savedBy: nickname)))
        case .loader:
            return OperationDocs.describe(nickname, usage: FileSteps.loaderUsage)
        case nil:
            return OperationDocs.describe(nickname)
        }
    }
}
