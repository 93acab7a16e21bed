import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 2, "Done when" 5, and README's *Bad input* (Ctrl-C): Ctrl-C in the middle of a build of a few hundred images exits 130,
/// leaves no partial or temporary file, and the next run builds only the rest.
@Suite struct InterruptTests {
    static let count = 300

    /// `count` photos (copies of 4 generated ones), their thumbnails and a contact sheet.
    static func project(_ name: String, count: Int = InterruptTests.count) throws -> Sandbox {
        let box = try Sandbox(name)
        // Copies of 4 images (the generator makes each seed once): making 300 would take longer than the test.
        for i in 0..<count { try box.image("photos/img\(String(format: "%03d", i)).jpg", width: 192, height: 160, seed: i % 4 + 1) }
        try box.write(
            "Imgmakefile",
            """
            all: thumbs sheet
            thumbs: build/thumbs/{name}.webp <- photos/*.jpg
                thumbnail width=128 height=128 crop=attention
                gaussblur sigma=1.5
                save Q=80
            sheet: build/sheet.jpg <- build/thumbs/*.webp
                arrayjoin across=20
            """)
        return box
    }

    enum Stop: String, CaseIterable, Sendable {
        /// Ctrl-C: running jobs end, then exit 130.
        case ctrlC
        /// Ctrl-C twice: stop at once, removing the temporaries being written.
        case ctrlCTwice
        /// SIGTERM (a CI timeout, `kill`): the same clean stop.
        case sigterm
    }

    @Test(arguments: Stop.allCases)
    func interruptedBuildExits130AndTheNextRunBuildsTheRest(_ stop: Stop) throws {
        let box = try Self.project(stop.rawValue)
        let process = try box.start(arguments: ["-j2"])
        // Wait for the first few jobs to finish, then press Ctrl-C.
        try process.waitForProgress(lines: 5)
        switch stop {
        case .ctrlC: process.send(SIGINT)
        case .ctrlCTwice:
            process.send(SIGINT)
            // The second Ctrl-C once the first one is seen (it says it waits for the running jobs).
            try process.waitForOutput("the first Ctrl-C seen") { $0.contains("interrupted: waiting for") }
            process.send(SIGINT)
        case .sigterm: process.send(SIGTERM)
        }
        let interrupted = try process.wait(timeout: 120)
        if stop == .sigterm {
            #expect(interrupted.signal == nil && interrupted.status == 143, "128 + SIGTERM: \(interrupted)")
        } else {
            #expect(interrupted.status == 130, "\(interrupted)")
        }
        #expect(interrupted.stdout.contains("interrupted") || interrupted.stderr.contains("interrupted"), "\(interrupted)")
        #expect(box.temporaries().isEmpty, "no temporary file: \(box.temporaries())")

        let done = Set(box.files(under: "build"))
        #expect(done.count >= 5, "\(interrupted)")
        #expect(done.count < Self.count, "the build was interrupted in its middle: \(interrupted)")
        #expect(!done.contains("build/sheet.jpg"), "\(interrupted)")
        // Every output that is there is a whole image.
        for output in done.sorted().prefix(3) {
            #expect(try box.imageSize(output)?.width == 128, "\(output)")
        }

        // The next run builds only the rest (and the sheet).
        let before = box.stamps()
        let rest = try box.imgmake("-j2")
        #expect(rest.status == 0, "\(rest)")
        let rebuilt = box.changed(since: before)
        let all = Set(box.files(under: "build"))
        #expect(all.count == Self.count + 1, "\(rest)")
        #expect(rebuilt.union(done) == all, "\(rest)")
        // A second Ctrl-C stops at once: the records of the (at most -j) jobs in flight may be lost.
        let lost = stop == .ctrlCTwice ? 2 : 0
        #expect(rebuilt.intersection(done).count <= lost, "outputs finished before the stop are not built again: \(rest)")
        #expect(rest.summary?.built == rebuilt.count && rest.summary?.failed == 0, "\(rest)")
        #expect(box.files(under: "build").count == Self.count + 1)
        try box.expectUpToDate()
    }
}
