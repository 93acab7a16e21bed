import Foundation
import ImgmakeCore
import ImgmakeSync

/// Interrupts by hand, for tests of the builder: `interrupt()` is what Ctrl-C is to `InterruptHandler`, without
/// a signal, so the test process' own signal handling is never touched.
package final class FakeInterrupts: InterruptSource {
    private struct State {
        var action: (@Sendable () -> Void)?
        var count = 0
        var first: Int32 = SIGINT
        var arms = 0
    }
    private let state = Mutex(State())

    package init() {}

    /// How many times the builder (or a wait for the lock) armed it.
    package var arms: Int { state.withLock { $0.arms } }

    /// An interrupt by `signal`: counted, and the armed action called (as the signal thread calls it).
    package func interrupt(_ signal: Int32 = SIGINT) {
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            state.count += 1
            if state.count == 1 { state.first = signal }
            return state.action
        }
        action?()
    }

    package func arm(_ action: @escaping @Sendable () -> Void) throws {
        state.withLock { state in
            state.action = action
            state.count = 0
            state.first = SIGINT
            state.arms += 1
        }
    }

    package func disarm() {
        state.withLock { state in
            state.action = nil
            state.count = 0
        }
    }

    package var isInterrupted: Bool { state.withLock { $0.count > 0 } }

    package var signal: Int32 { state.withLock { $0.first } }

    package var exitsOnRepeat: Bool { true }

    /// Never waits: an interrupt comes only from `interrupt()`, called by the test itself.
    package func waitForInterrupt(seconds: Double) -> Bool { isInterrupted }
}
