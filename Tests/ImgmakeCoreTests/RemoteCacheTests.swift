import ImgmakeJob
import ImgmakeRecipe
import ImgmakeTestSupport
import Testing

@testable import ImgmakeCore

/// `--remote-cache URL` on the fake disk and a fake server: the Bazel protocol's requests, hits that run no
/// job, and every failure of the server as a warning with the job run.
@Suite struct RemoteCacheTests {
    static let recipe = """
        thumbs: build/thumbs/{name}.webp <- photos/*.jpg
            thumbnail 100
        sheet: build/sheet.jpg <- build/thumbs/*.webp
            arrayjoin across=2
        """

    func tree(_ server: FakeHTTPServer, readOnly: Bool = false) -> TestTree {
        let tree = TestTree(recipe: Self.recipe, files: ["photos/a.jpg", "photos/b.jpg"])
        tree.remoteCache = RemoteCacheSettings(url: server.base + "/", readOnly: readOnly)
        tree.transport = server
        return tree
    }

    /// The tree as a fresh clone sees it: no outputs, no state.
    func forgetEverything(_ tree: TestTree) throws {
        for path in ["/t/build/thumbs/a.webp", "/t/build/thumbs/b.webp", "/t/build/sheet.jpg"] { try? tree.disk.remove(path) }
        for entry in tree.disk.list("/t/.imgmake") ?? [] { try tree.disk.remove("/t/.imgmake/" + entry.name) }
        tree.disk.advance()
    }

    /// The warnings the builds printed, without `imgmake: warning: ` and the newline.
    func warnings(_ tree: TestTree) -> [String] {
        tree.stderr.map { line in
            var text = line.hasPrefix("imgmake: warning: ") ? String(line.dropFirst("imgmake: warning: ".count)) : line
            if text.hasSuffix("\n") { text.removeLast() }
            return text
        }
    }

    func outputs(_ tree: TestTree) throws -> [[UInt8]] {
        try ["/t/build/thumbs/a.webp", "/t/build/thumbs/b.webp", "/t/build/sheet.jpg"].map { try tree.disk.read($0) }
    }

    @Test func aBuildStoresEachOutputAsABlobAndAnActionResult() throws {
        let server = FakeHTTPServer()
        let tree = tree(server)
        try tree.build(["sheet"])
        let bytes = try tree.disk.read("/t/build/thumbs/a.webp")
        let hash = ContentDigest.sha256(bytes: bytes)
        #expect(server.files["/cas/" + hash] == bytes)
        let entries = server.files.filter { $0.key.hasPrefix("/ac/") }
        #expect(entries.count == 3 && server.files.count == 6)
        let decoded = entries.values.compactMap { ActionResult(decoding: $0) }
        #expect(decoded.contains(ActionResult(outputFiles: [.init(path: "build/thumbs/a.webp", hash: hash, size: Int64(bytes.count))])))
        // Per output: the lookup's GET, then HEAD and PUT of the blob, PUT of the entry.
        let a = try #require(server.requests.firstIndex { $0.hasPrefix("HEAD /cas/" + hash) })
        #expect(Array(server.requests[(a - 1)...(a + 2)].map { $0.prefix(8) }) == ["GET /ac/", "HEAD /ca", "PUT /cas", "PUT /ac/"])
        #expect(tree.stderr.isEmpty, "\(tree.stderr)")
    }

    @Test func aFreshTreeTakesEveryOutputFromTheServerAndRunsNoJob() throws {
        let server = FakeHTTPServer()
        let tree = tree(server)
        try tree.build(["sheet"])
        let built = try outputs(tree)
        try forgetEverything(tree)
        server.clearRequests()
        let (session, builder, executor) = try tree.makeBuilder { $0.explain = true }
        let summary = try builder.build(session.edges(for: ["sheet"]))
        #expect(executor.written.isEmpty, "no job ran")
        #expect(summary.line.hasPrefix("3 built (3 from cache), 0 failed"), "\(summary.line)")
        #expect(try outputs(tree) == built)
        #expect(server.requests.allSatisfy { $0.hasPrefix("GET ") }, "a hit stores nothing: \(server.requests)")
        tree.disk.advance()
        #expect(try tree.build(["sheet"]).built == [])
    }

    @Test func aHitFromTheServerIsKeptInTheLocalCacheToo() throws {
        let server = FakeHTTPServer()
        let tree = tree(server)
        try tree.build(["thumbs"])
        tree.cache = CacheSettings(directory: "/cache")
        try forgetEverything(tree)
        #expect(try tree.makeBuilder().1.build(try tree.session().edges(for: ["thumbs"])).fromCache == 2)
        // The server gone, a fresh tree still finds them, in the folder.
        server.down = true
        try forgetEverything(tree)
        let (session, builder, executor) = try tree.makeBuilder()
        #expect(try builder.build(session.edges(for: ["thumbs"])).fromCache == 2)
        #expect(executor.written.isEmpty)
        #expect(tree.stderr.isEmpty, "the folder answered first: \(tree.stderr)")
    }

    @Test func aDamagedBlobIsFoundByItsDigestRebuiltAndReplaced() throws {
        let server = FakeHTTPServer()
        let tree = tree(server)
        try tree.build(["thumbs"])
        let hash = ContentDigest.sha256(bytes: try tree.disk.read("/t/build/thumbs/a.webp"))
        server.files["/cas/" + hash] = Array("garbage".utf8)
        try forgetEverything(tree)
        let rebuilt = try tree.build(["thumbs"])
        #expect(rebuilt.built == ["build/thumbs/a.webp"] && rebuilt.summary.fromCache == 1)
        #expect(
            warnings(tree) == [
                "remote cache: http://cache.test/cas/\(hash): its content does not match its digest (damaged); "
                    + "the job runs, and its entry is replaced"
            ])
        let bytes = try tree.disk.read("/t/build/thumbs/a.webp")
        #expect(server.files["/cas/" + ContentDigest.sha256(bytes: bytes)] == bytes, "the rebuilt bytes were stored")
    }

    @Test func anEntryThatIsNoActionResultIsAWarning() throws {
        let server = FakeHTTPServer()
        let tree = tree(server)
        try tree.build(["thumbs"])
        for key in server.files.keys where key.hasPrefix("/ac/") { server.files[key] = [0xFF, 0xFF] }
        try forgetEverything(tree)
        #expect(try tree.build(["thumbs"]).built.count == 2)
        #expect(
            warnings(tree).count == 2 && warnings(tree).allSatisfy { $0.contains(": not an action result; the job runs") }, "\(tree.stderr)"
        )
    }

    @Test func anUnreachableServerIsOneWarningAndNoMoreRequests() throws {
        let server = FakeHTTPServer()
        server.down = true
        let tree = tree(server)
        let built = try tree.build(["sheet"])
        #expect(built.built.count == 3 && built.summary.failed == 0)
        #expect(
            warnings(tree) == [
                "remote cache http://cache.test: GET /ac/\(server.requests[0].dropFirst("GET /ac/".count)): "
                    + "Failed to connect to cache.test port 80: Connection refused; this build goes on without it"
            ], "\(tree.stderr)")
        #expect(server.requests.count == 1)
    }

    @Test func serverErrorsAreWarningsAndTheJobsRun() throws {
        let server = FakeHTTPServer()
        server.status = 503
        let tree = tree(server)
        #expect(try tree.build(["sheet"]).built.count == 3)
        #expect(warnings(tree).count == 3, "\(tree.stderr)")
        #expect(warnings(tree)[0].hasSuffix("answered 503 Service Unavailable; the job runs"))
        #expect(warnings(tree)[1].contains("cannot store build/thumbs/") && warnings(tree)[1].hasSuffix("this build stores no more there"))
        #expect(warnings(tree)[2] == "remote cache http://cache.test: 2 more lookups failed")
        // After the refused store, nothing more is stored: one HEAD, one PUT in all.
        #expect(server.requests.filter { $0.hasPrefix("PUT ") }.count == 1)
    }

    @Test func aFullServerIsOneWarningAndTheBuildGoesOn() throws {
        let server = FakeHTTPServer()
        server.putStatus = 507
        let tree = tree(server)
        let built = try tree.build(["sheet"])
        #expect(built.built.count == 3 && built.summary.failed == 0)
        #expect(
            warnings(tree).count == 1 && warnings(tree)[0].contains("answered 507 Insufficient Storage; this build stores no more there"))
        #expect(server.files.isEmpty)
    }

    @Test func readOnlyNeverStores() throws {
        let server = FakeHTTPServer()
        try tree(server, readOnly: true).build(["sheet"])
        #expect(server.requests.allSatisfy { $0.hasPrefix("GET ") } && server.files.isEmpty, "\(server.requests)")
        let writer = tree(server)
        try writer.build(["sheet"])
        let reader = tree(server, readOnly: true)
        let (session, builder, executor) = try reader.makeBuilder()
        #expect(try builder.build(session.edges(for: ["sheet"])).fromCache == 3)
        #expect(executor.written.isEmpty)
    }

    @Test func credentialsInTheURLNeverReachAMessage() {
        #expect(RemoteCache.withoutCredentials("https://user:token@cache.example:8080/ci") == "https://cache.example:8080/ci")
        #expect(RemoteCache.withoutCredentials("http://cache.example/a@b") == "http://cache.example/a@b")
        #expect(RemoteCache.withoutCredentials("http://127.0.0.1:9090") == "http://127.0.0.1:9090")
    }
}

/// The `ActionResult` message of `/ac/` entries, in protobuf's wire format.
@Suite struct ActionResultTests {
    @Test func itIsEncodedAsTheRemoteExecutionAPIsMessage() {
        let result = ActionResult(outputFiles: [.init(path: "a.png", hash: "ab", size: 300)], stdout: Array("{}".utf8))
        // output_files (2) { path (1) "a.png", digest (2) { hash (1) "ab", size_bytes (2) 300 } }, stdout_raw (5) "{}"
        let expected: [UInt8] =
            [0x12, 0x10, 0x0A, 0x05] + Array("a.png".utf8) + [0x12, 0x07, 0x0A, 0x02] + Array("ab".utf8) + [0x10, 0xAC, 0x02]
            + [0x2A, 0x02] + Array("{}".utf8)
        #expect(result.encoded() == expected)
        #expect(ActionResult(decoding: expected) == result)
    }

    @Test func unknownFieldsAreSkippedAndDamageIsRefused() {
        let result = ActionResult(outputFiles: [.init(path: "out/b.webp", hash: String(repeating: "f", count: 64), size: 1 << 40)])
        // exit_code (4) = 0 as a varint, execution_metadata (9) as a message, a fixed64 field (15): other writers' fields.
        let withOthers = [0x20, 0x00] + result.encoded() + [0x4A, 0x02, 0x08, 0x01] + [0x79] + [UInt8](repeating: 0, count: 8)
        #expect(ActionResult(decoding: withOthers) == result)
        let bytes = result.encoded()
        #expect(ActionResult(decoding: Array(bytes.dropLast())) == nil, "truncated")
        #expect(ActionResult(decoding: [0x10, 0x01]) == nil, "output_files as a varint")
        #expect(ActionResult(decoding: [0x0F]) == nil, "an unknown wire type")
        #expect(ActionResult(decoding: []) == ActionResult(outputFiles: []))
    }
}
