import Foundation
import ImgmakeJob
import Testing

@testable import ImgmakeVips

@Suite struct ConcurrencyTests {
    @Test func eightJobsOnFourThreads() throws {
        let folder = try TestFolder()
        let jobs = try (0..<8).map { index in
            let source = try folder.image("in\(index).jpg", width: 400 + 10 * index, height: 300)
            return (
                job([source], steps: [step("thumbnail", ("width", .int(100))), step("sharpen")], saver: "webpsave"),
                folder.file("out\(index).webp")
            )
        }
        for (index, result) in runOnThreads(4, jobs).enumerated() {
            let summary = try result.get()
            #expect(summary.width == 100)
            #expect(summary.height == Int((300.0 * 100 / Double(400 + 10 * index)).rounded()))
        }
    }

    /// liborc 0.4.33 frees compiled code without the lock that guards allocating it, which crashed thread-pool
    /// builds that built and destroyed convolutions at once. libvips' compiled vector code is on, and its calls
    /// that allocate and free code memory go through imgmake's lock (see `VipsRuntime.start`): a job whose
    /// libvips resize and sharpen compile liborc programs raises both counts.
    @Test func compiledVectorCodeIsOnAndItsCodeMemoryCallsAreSerialised() throws {
        #expect(VipsRuntime.usesCompiledVectorCode)
        let before = VipsRuntime.serialisedVectorCodeCalls
        let folder = try TestFolder()
        let source = try folder.image("in.jpg", width: 640, height: 480)
        // libvips' own thumbnail: its reducev compiles liborc programs (imgmake's runs its own C kernels).
        let steps = [step("thumbnail", ("width", .int(150)), ("libvips", .bool(true))), step("sharpen")]
        let results = runOnThreads(1, [(job([source], steps: steps, saver: "webpsave"), folder.file("out.webp"))])
        #expect(try results[0].get().width == 150)
        let after = VipsRuntime.serialisedVectorCodeCalls
        #expect(after.freeIsImgmakes)
        #expect(after.compiles > before.compiles)
        #expect(after.frees > before.frees)
    }

    @Test func catalogFromManyThreads() {
        let names = ["thumbnail", "sharpen", "rotate", "arrayjoin", "composite2", "webpsave", "gaussblur", "resize"]
        DispatchQueue.concurrentPerform(iterations: 32) { index in
            let info = VipsCatalog.shared.operation(named: names[index % names.count])
            precondition(info?.nickname == names[index % names.count])
        }
        #expect(VipsCatalog.shared.operationNames.contains("thumbnail"))
    }
}
