import Foundation
import ImgmakeCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--remote-cache URL` (README's *A shared cache*) against a real nginx with its WebDAV module, started by each
/// test on 127.0.0.1 with everything in the sandbox: a fresh clone (new mtimes, no `.imgmake/`) takes every output
/// from the server, byte-identical, with no job run; the entries survive a restart of the server; a damaged entry
/// is found by its digest, rebuilt and replaced; a server that is down, silent, full or failing is a warning and
/// the build goes on; `--remote-cache-read-only` never stores.
@Suite struct RemoteCacheTests {
    static let recipe = """
        thumbs: out/thumbs/{name}.png <- photos/*.png
            thumbnail 48

        """

    func smallTree(_ name: String) throws -> Sandbox {
        try Sandbox(name, recipe: Self.recipe, images: (1...3).map { ("photos/p\($0).png", 160, 120, $0) })
    }

    /// A copy of `box`'s tree as a fresh clone has it (new mtimes, no outputs, no `.imgmake/`), at `base/NAME`.
    func freshClone(of box: Sandbox, _ name: String, outputs: String = "out") throws -> String {
        let clone = box.base + "/" + name
        try DemoTree.copyTree(box.root, clone)
        for folder in [outputs, ".imgmake"] { try? FileManager.default.removeItem(atPath: clone + "/" + folder) }
        return clone
    }

    func report(_ path: String) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        return try #require(json?["outputs"] as? [[String: Any]])
    }

    func lines(_ text: String, containing part: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.contains(part) }
    }

    func puts(_ server: WebDAVServer) -> Int { server.requests.filter { $0.contains("\"PUT ") }.count }

    @Test func aFreshCloneTakesEveryOutputFromTheServerEvenAfterItsRestart() throws {
        let box = try Sandbox("remote-cache")
        try DemoTree.copy(into: box)
        let server = try WebDAVServer(in: box)
        try server.start()
        defer { server.stop() }
        let first = try box.imgmake("-C", "recipes/demo", "-j2", "-q", "--remote-cache", server.url + "/")
        try #require(first.status == 0, "\(first)\n\(server.errors)")
        #expect(first.stderr.isEmpty, "\(first)")
        #expect(server.entries("ac").count == 43 && server.entries("cas").count >= 40, "\(server.entries("ac").count) entries")

        // Another folder, with the server restarted in between: every output from it, byte-identical, no job run,
        // nothing stored again.
        server.stop()
        try server.start()
        let putsBefore = puts(server)
        let clone = try freshClone(of: box, "clone", outputs: "recipes/demo/build")
        let fresh = try box.imgmake(
            arguments: ["-C", "recipes/demo", "-j2", "--explain", "--report", "r.json", "--remote-cache", server.url], in: clone)
        #expect(fresh.status == 0, "\(fresh)")
        #expect(fresh.stdout.contains("43 built (43 from cache), 0 failed, 0 up to date"), "\(fresh)")
        #expect(fresh.stdout.contains("explain: build/contact-sheet.jpg: from the remote cache (\(server.url))"), "\(fresh)")
        let outputs = try report(clone + "/recipes/demo/r.json")
        #expect(outputs.count == 43 && outputs.allSatisfy { $0["from-cache"] as? Bool == true }, "no job ran")
        try DemoTree.expectSameOutputs(box.root, clone)
        #expect(puts(server) == putsBefore, "a hit stores nothing")

        // A no-op with the server in the environment does not load libcurl (nor ask the server).
        let requestsBefore = server.requests.count
        let noOp = try box.imgmake(
            arguments: ["-C", "recipes/demo"], in: clone, environment: ["IMGMAKE_REMOTE_CACHE": server.url, "LD_DEBUG": "files"])
        #expect(noOp.summary == Summary(upToDate: 43), "\(noOp.stdout)")
        #expect(!noOp.stderr.contains("libcurl"), "a no-op loaded libcurl")
        #expect(server.requests.count == requestsBefore)
    }

    @Test func aDamagedEntryIsFoundByItsDigestRebuiltAndReplaced() throws {
        let box = try smallTree("remote-damaged")
        let server = try WebDAVServer(in: box)
        try server.start()
        defer { server.stop() }
        try #require(try box.imgmake("-q", "--remote-cache", server.url).status == 0)
        let blobs = server.entries("cas")
        try #require(blobs.count == 3, "\(blobs)")
        let damaged = server.data + "/cas/" + blobs[0]
        try Data("not what it was".utf8).write(to: URL(fileURLWithPath: damaged))

        let clone = try freshClone(of: box, "clone")
        let rebuilt = try box.imgmake(arguments: ["--remote-cache", server.url], in: clone)
        #expect(rebuilt.status == 0, "\(rebuilt)")
        #expect(rebuilt.stdout.contains("3 built (2 from cache)"), "\(rebuilt)")
        #expect(
            rebuilt.stderr.contains(
                "imgmake: warning: remote cache: \(server.url)/cas/\(blobs[0]): its content does not match its digest (damaged); "
                    + "the job runs, and its entry is replaced"), "\(rebuilt)")
        let replaced = try Data(contentsOf: URL(fileURLWithPath: damaged))
        #expect(ContentDigest.sha256(bytes: Array(replaced)) == blobs[0], "the entry was replaced by the rebuilt bytes")

        let again = try box.imgmake(arguments: ["--remote-cache", server.url], in: try freshClone(of: box, "again"))
        #expect(again.stdout.contains("3 built (3 from cache)") && again.stderr.isEmpty, "\(again)")
    }

    @Test func aServerThatIsDownOrNeverAnswersIsOneWarning() throws {
        let box = try smallTree("remote-down")
        let down = try box.imgmake("--remote-cache", "http://127.0.0.1:\(try freeTCPPort())")
        #expect(down.status == 0 && down.summary == Summary(built: 3), "\(down)")
        let warnings = down.stderr.split(separator: "\n").filter { $0.contains("remote cache") }
        #expect(warnings.count == 1 && warnings[0].hasSuffix("this build goes on without it"), "\(down)")

        let silent = try SilentServer()
        defer { silent.close() }
        let clone = try freshClone(of: box, "clone")
        let started = Date()
        let hung = try box.imgmake(
            arguments: ["--remote-cache", "http://127.0.0.1:\(silent.port)", "--remote-cache-timeout", "1"], in: clone)
        #expect(hung.status == 0 && hung.summary == Summary(built: 3), "\(hung)")
        let timeouts = hung.stderr.split(separator: "\n").filter { $0.contains("remote cache") }
        #expect(timeouts.count == 1 && timeouts[0].contains("timed out"), "\(hung)")
        // One request waited its second; the others were not sent.
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func errorsOfTheServerAreWarningsAndTheJobsRun() throws {
        let box = try smallTree("remote-503")
        let server = try WebDAVServer(in: box, extra: "return 503;")
        try server.start()
        defer { server.stop() }
        let run = try box.imgmake("--remote-cache", server.url)
        #expect(run.status == 0 && run.summary == Summary(built: 3), "\(run)")
        #expect(run.stderr.contains("answered 503 Service Unavailable; the job runs"), "\(run)")
        #expect(run.stderr.contains("PUT /cas/") && run.stderr.contains("this build stores no more there"), "\(run)")
        #expect(run.stderr.contains("2 more lookups failed"), "\(run)")
        #expect(lines(run.stderr, containing: "answered 503").count == 2, "one lookup and one store warning: \(run)")
    }

    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs for the server's data needs root"))
    func aFullDiskOnTheServerIsAWarningAndTheBuildGoesOn() throws {
        let box = try smallTree("remote-full")
        let data = box.base + "/full"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let mount = try runProgram("mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", data], in: "/")
        try #require(mount.status == 0, "cannot mount a tmpfs here: \(mount)")
        defer { _ = try? runProgram("umount", [data], in: "/") }
        let server = try WebDAVServer(in: box, data: data)
        try server.start()
        defer { server.stop() }
        let run = try box.imgmake("--remote-cache", server.url)
        #expect(run.status == 0 && run.summary == Summary(built: 3), "\(run)")
        #expect(
            run.stderr.contains("answered 500 Internal Server Error; this build stores no more there"), "\(run)\n\(server.errors)")
        #expect(lines(run.stderr, containing: "remote cache").count == 1, "\(run)")
        #expect(try box.imgmake().summary == Summary(upToDate: 3))
    }

    @Test func readOnlyTakesOutputsAndNeverStores() throws {
        let box = try smallTree("remote-read-only")
        let server = try WebDAVServer(in: box)
        try server.start()
        defer { server.stop() }
        let readOnly = try box.imgmake("--remote-cache", server.url, "--remote-cache-read-only")
        #expect(readOnly.status == 0 && readOnly.summary == Summary(built: 3) && readOnly.stderr.isEmpty, "\(readOnly)")
        #expect(puts(server) == 0 && server.entries("ac").isEmpty, "\(server.requests)")

        let writer = try box.imgmake(arguments: ["--remote-cache", server.url], in: try freshClone(of: box, "writer"))
        #expect(writer.status == 0 && puts(server) == 6, "\(writer)\n\(server.requests)")
        let reader = try box.imgmake(
            arguments: ["--remote-cache", server.url, "--remote-cache-read-only"], in: try freshClone(of: box, "reader"))
        #expect(reader.stdout.contains("3 built (3 from cache)"), "\(reader)")
        #expect(puts(server) == 6)
    }
}
