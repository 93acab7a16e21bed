import Foundation
import ImgmakeCore
import ImgmakeJob
import ImgmakeRecipe
import ImgmakeVips

/// Completion data from a session (the recipe as the files are now) and libvips' catalog.
struct ShellCompletionData: ShellCompletionSource {
    let session: Session?

    var targetNames: [String] { session?.recipe.targetNames ?? [] }

    var outputPaths: [String] {
        guard let session else { return [] }
        return session.graph.edges.map { PathName.display($0.output, from: session.cwd) }.sorted()
    }

    var variableNames: [String] { session.map { Array($0.recipe.recipe.variables.keys) } ?? [] }

    var operationNames: [String] { VipsCatalog.shared.operationNames }

    func argumentNames(of operation: String) -> [String]? {
        VipsCatalog.shared.operation(named: operation)?.arguments.filter { $0.isInput && !$0.isDeprecated }.map(\.name)
    }

    func argumentValues(of operation: String, argument: String) -> [String]? {
        let name = ArgumentInfo.canonicalName(argument)
        guard let info = VipsCatalog.shared.operation(named: operation)?.arguments.first(where: { $0.name == name && $0.isInput })
        else { return nil }
        switch info.type {
        case .enumeration(_, let nicks): return nicks
        case .bool: return ["true", "false"]
        default: return nil
        }
    }

    func directoryEntries(_ directory: String) -> [(name: String, isDirectory: Bool)]? {
        let path = directory.isEmpty ? "." : directory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return nil }
        return names.map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: PathName.join(path, name), isDirectory: &isDirectory)
            return (name, isDirectory.boolValue)
        }
    }
}
