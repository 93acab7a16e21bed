import Dispatch
import Foundation

/// Ctrl-C (SIGINT, and SIGTERM): the first asks the build to stop starting jobs and wind down; a second one
/// removes the temporaries being written and exits 130 at once.
public final class InterruptHandler: @unchecked Sendable {
    public static let shared = InterruptHandler()
    private let lock = NSLock()
    private var count = 0
    private var sources: [DispatchSourceSignal] = []
    private var onInterrupt: (() -> Void)?
    private var repeatExits = true

    /// True (the default): a second interrupt removes the temporaries and exits 130 at once. The interactive
    /// shell sets it false, so that every interrupt calls the armed action and the shell survives.
    public var exitsOnRepeat: Bool {
        get { lock.withLock { repeatExits } }
        set { lock.withLock { repeatExits = newValue } }
    }

    public var isInterrupted: Bool { lock.withLock { count > 0 } }

    /// Installs the handlers (once) and sets what the first interrupt does.
    public func arm(_ action: @escaping () -> Void) {
        lock.withLock {
            count = 0
            onInterrupt = action
            guard sources.isEmpty else { return }
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [weak self] in self?.fire() }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Stops reacting (the shell re-arms for its next build).
    public func disarm() {
        lock.withLock {
            onInterrupt = nil
            count = 0
        }
    }

    private func fire() {
        let (n, action, exits) = lock.withLock { () -> (Int, (() -> Void)?, Bool) in
            count += 1
            return (count, onInterrupt, repeatExits)
        }
        if n == 1 || !exits {
            action?()
        } else {
            TemporaryFiles.shared.removeAll()
            FileHandle.standardError.write("\nimgmake: interrupted again: stopped\n".data(using: .utf8)!)
            _exit(130)
        }
    }
}
