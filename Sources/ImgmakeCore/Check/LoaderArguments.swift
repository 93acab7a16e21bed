import Foundation
import ImgmakeJob

/// The options that some file loader takes (`n`, `page`, `fail-on`, `access`, ...), by name: what a `load`
/// step may set. Which loader reads a file is known only from its content, at run time.
enum LoaderArguments {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: ArgumentInfo]?

    static func shared(_ catalog: OperationCatalog) -> [String: ArgumentInfo] {
        lock.withLock {
            if let cache { return cache }
            var result: [String: ArgumentInfo] = [:]
            for name in catalog.operationNames where name.hasSuffix("load") {
                for argument in catalog.operation(named: name)?.optionalInputs ?? [] where result[argument.name] == nil {
                    result[argument.name] = argument
                }
            }
            cache = result
            return result
        }
    }
}
