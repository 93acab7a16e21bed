import Foundation
import Testing

@testable import ImgmakeCLI

/// What a worker process is started with.
@Suite struct SpawnTests {
    /// The Swift runtime's crash backtracer is off in children (unless the user set SWIFT_BACKTRACE): a worker
    /// that crashed under a memory limit had its "*** Signal 6: Backtracing from ..." written into imgmake's
    /// stderr, glued to the build's own error line about that worker.
    @Test func childrenGetThisEnvironmentWithTheBacktracerOff() throws {
        let child = try ChildProcess.spawn("/usr/bin/env", name: "env", arguments: [])
        child.closeInput()
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(child.output, $0.baseAddress, $0.count) }
            if n > 0 { output += buffer[..<n] } else if n < 0 && errno == EINTR { continue } else { break }
        }
        #expect(child.wait(grace: 5) == 0)
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        let ours = ProcessInfo.processInfo.environment
        if let set = ours["SWIFT_BACKTRACE"] {
            #expect(lines.contains("SWIFT_BACKTRACE=\(set)"), "the user's own setting is kept")
        } else {
            #expect(lines.contains("SWIFT_BACKTRACE=enable=no"), "\(lines)")
        }
        #expect(lines.contains("PATH=\(ours["PATH"] ?? "")"), "the rest of the environment is passed on")
    }
}
