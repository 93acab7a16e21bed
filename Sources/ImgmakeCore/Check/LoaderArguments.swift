import Foundation
import ImgmakeJob
import ImgmakeSync

/// The options that some file loader takes (`n`, `page`, `fail-on`, `access`, ...), by name: what a `load`
/// step may set. Which loader reads a file is known only from its content, at run time.
enum LoaderArguments {
    /// Computed once per process (libvips' loaders do not change while it runs).
    private static let cache = Mutex<[String: ArgumentInfo]?>(nil)

    static func shared(_ catalog: OperationCatalog) -> [String: ArgumentInfo] {
        cache.withLock { cache in
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
