/// One HTTP request, as `--remote-cache` sends them: GET, HEAD or PUT (with a body).
package struct HTTPRequest: Equatable, Sendable {
    package var method: String
    package var url: String
    package var body: [UInt8]
    package init(method: String, url: String, body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.body = body
    }
}

/// What the server answered: any status (404 included).
package struct HTTPResponse: Equatable, Sendable {
    package var status: Int
    package var body: [UInt8]
    package init(status: Int, body: [UInt8] = []) {
        self.status = status
        self.body = body
    }
}

/// No answer came: no connection, a timeout, or no HTTP client (libcurl missing). The message says which.
package struct HTTPTransportError: Error, Equatable {
    package var message: String
    package init(_ message: String) { self.message = message }
}

/// How requests reach the server: libcurl in the command line (`CurlTransport`), a fake in tests.
package protocol HTTPTransport: AnyObject {
    func send(_ request: HTTPRequest) throws(HTTPTransportError) -> HTTPResponse
}

/// `--remote-cache URL`, `--remote-cache-read-only`, `--remote-cache-timeout`, as the command line gives them.
package struct RemoteCacheSettings: Equatable, Sendable {
    package var url: String
    package var readOnly: Bool
    /// For the connection and each whole request.
    package var timeout: Double
    package init(url: String, readOnly: Bool = false, timeout: Double = RemoteCacheSettings.defaultTimeout) {
        self.url = url
        self.readOnly = readOnly
        self.timeout = timeout
    }
    /// As Bazel's `--remote_timeout`.
    package static let defaultTimeout = 60.0
}

/// `--remote-cache URL` (README's *A shared cache*): Bazel's HTTP remote-cache protocol, which nginx's WebDAV
/// module, bazel-remote, BuildBuddy and their like serve. An output's key (`ContentCache.key`) names its action
/// entry `URL/ac/KEY`, an `ActionResult` that gives the SHA-256 and size of its bytes, kept as `URL/cas/SHA256`.
/// A lookup GETs both and checks the bytes against the digest; a store PUTs the bytes (unless a HEAD finds them
/// there already), then the entry. Nothing the server does fails a build: an answer that is not one (5xx, a
/// corrupt entry) is a warning and the job runs; no answer at all (server down, a timeout) is one warning, and
/// the rest of the build does without the server; a PUT refused (507, a full disk) is one warning, and nothing
/// more is stored. `readOnly` (`--remote-cache-read-only`, for untrusted jobs) never PUTs.
package final class RemoteCache {
    /// As given, without a trailing `/`.
    package let url: String
    /// The URL without its user and password, for messages.
    package let display: String
    package let readOnly: Bool
    private let transport: HTTPTransport
    private let warn: (String) -> Void
    /// No answer came once: no more requests.
    private(set) var unreachable = false
    /// A PUT was refused once: no more stores.
    private(set) var storesRefused = false
    /// Lookups answered with neither the entry nor 404: the first is a warning, the others are counted.
    private var warnedRead = false
    private var moreFailedReads = 0
    /// Blobs whose bytes did not match their digest: stored again (a HEAD would find the damaged one).
    private var damagedBlobs: Set<String> = []

    package init(settings: RemoteCacheSettings, transport: HTTPTransport, warn: @escaping (String) -> Void) {
        var url = settings.url
        while url.hasSuffix("/") { url.removeLast() }
        self.url = url
        display = Self.withoutCredentials(url)
        readOnly = settings.readOnly
        self.transport = transport
        self.warn = warn
    }

    /// `https://user:secret@host/x` as `https://host/x`: a token in the URL never reaches a log.
    static func withoutCredentials(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        guard let at = authority.lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
    }

    /// The entry of `key`: a hit, a miss (also when the server cannot be asked), or a damaged entry.
    package func lookup(_ key: String) -> CacheLookup {
        guard !unreachable, let action = send("GET", "ac/" + key) else { return .miss }
        guard action.status == 200 else {
            if action.status != 404 { readFailed("GET", "ac/" + key, action.status) }
            return .miss
        }
        guard let result = ActionResult(decoding: action.body), let file = result.outputFiles.first, file.hash.utf8.count == 64
        else { return .corrupt("\(display)/ac/\(key): not an action result") }
        guard let blob = send("GET", "cas/" + file.hash) else { return .miss }
        guard blob.status == 200 else {
            if blob.status != 404 { readFailed("GET", "cas/" + file.hash, blob.status) }
            return .miss
        }
        guard blob.body.count == file.size, ContentDigest.sha256(bytes: blob.body) == file.hash else {
            damagedBlobs.insert(file.hash)
            return .corrupt("\(display)/cas/\(file.hash): its content does not match its digest (damaged)")
        }
        return .hit(bytes: blob.body, result: result.stdout.isEmpty ? nil : String(decoding: result.stdout, as: UTF8.self))
    }

    /// Keeps `bytes` (the output at root-relative `path`) and the function's `result` under `key`.
    package func store(_ key: String, path: String, bytes: [UInt8], result: String?) {
        guard !readOnly, !unreachable, !storesRefused else { return }
        let hash = ContentDigest.sha256(bytes: bytes)
        if damagedBlobs.remove(hash) != nil || send("HEAD", "cas/" + hash).map({ $0.status != 200 }) ?? false {
            guard put("cas/" + hash, bytes, path) else { return }
        }
        guard !unreachable else { return }
        let entry = ActionResult(
            outputFiles: [ActionResult.OutputFile(path: path, hash: hash, size: Int64(bytes.count))], stdout: Array((result ?? "").utf8))
        _ = put("ac/" + key, entry.encoded(), path)
    }

    /// Says how many failed lookups were not warned about, once the build is over.
    package func finish() {
        if moreFailedReads > 0 {
            warn("remote cache \(display): \(moreFailedReads) more lookup\(moreFailedReads == 1 ? "" : "s") failed")
        }
    }

    private func send(_ method: String, _ path: String, _ body: [UInt8] = []) -> HTTPResponse? {
        guard !unreachable else { return nil }
        do throws(HTTPTransportError) {
            return try transport.send(HTTPRequest(method: method, url: url + "/" + path, body: body))
        } catch {
            unreachable = true
            warn("remote cache \(display): \(method) /\(path): \(error.message); this build goes on without it")
            return nil
        }
    }

    private func put(_ path: String, _ body: [UInt8], _ output: String) -> Bool {
        guard let response = send("PUT", path, body) else { return false }
        guard (200..<300).contains(response.status) else {
            storesRefused = true
            warn(
                "remote cache \(display): cannot store \(output): PUT /\(path) answered \(Self.describe(response.status)); "
                    + "this build stores no more there")
            return false
        }
        return true
    }

    private func readFailed(_ method: String, _ path: String, _ status: Int) {
        if warnedRead {
            moreFailedReads += 1
            return
        }
        warnedRead = true
        warn("remote cache \(display): \(method) /\(path) answered \(Self.describe(status)); the job runs")
    }

    /// `507 Insufficient Storage`: the status and, for the usual ones, its reason.
    static func describe(_ status: Int) -> String {
        let reasons = [
            400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 405: "Method Not Allowed", 409: "Conflict",
            413: "Content Too Large", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout", 507: "Insufficient Storage",
        ]
        return reasons[status].map { "\(status) \($0)" } ?? String(status)
    }
}

/// What a cache holds for a key.
package enum CacheLookup: Equatable {
    case miss
    case hit(bytes: [UInt8], result: String?)
    /// The entry is damaged (its bytes do not match their digest, or it is not an entry): the message says where.
    case corrupt(String)
}

/// The caches one build uses, in order: the local folder (`--cache DIR`), then the server (`--remote-cache`).
/// A hit from the server is kept in the folder too; what a job builds is stored in both. Every failure of
/// either is a warning through `warn`, never an error.
package final class BuildCache {
    package let local: ContentCache?
    package let remote: RemoteCache?
    private let warn: (String) -> Void
    private var localStoresFailed = false

    package init(local: ContentCache?, remote: RemoteCache?, warn: @escaping (String) -> Void) {
        self.local = local
        self.remote = remote
        self.warn = warn
    }

    /// A hit: the bytes, the function's result, and where they came from (for `--explain`).
    package struct Hit {
        package var bytes: [UInt8]
        package var result: String?
        package var source: String
    }

    package func lookup(_ key: String) -> Hit? {
        if let local {
            switch local.lookup(key) {
            case .hit(let bytes, let result): return Hit(bytes: bytes, result: result, source: "the cache (\(local.directory))")
            case .corrupt(let message): warn("cache: \(message); the job runs")
            case .miss: break
            }
        }
        if let remote {
            switch remote.lookup(key) {
            case .hit(let bytes, let result):
                storeLocally(key, bytes: bytes, result: result)
                return Hit(bytes: bytes, result: result, source: "the remote cache (\(remote.display))")
            case .corrupt(let message):
                warn("remote cache: \(message); the job runs" + (remote.readOnly ? "" : ", and its entry is replaced"))
            case .miss: break
            }
        }
        return nil
    }

    /// Keeps what a job built (the output at root-relative `path`).
    package func store(_ key: String, path: String, bytes: [UInt8], result: String?) {
        storeLocally(key, bytes: bytes, result: result)
        remote?.store(key, path: path, bytes: bytes, result: result)
    }

    private func storeLocally(_ key: String, bytes: [UInt8], result: String?) {
        guard let local, !localStoresFailed else { return }
        do { try local.store(key, bytes: bytes, result: result) } catch {
            localStoresFailed = true
            warn("cannot write to the cache \(local.directory): \(error); this build stores no more in it")
        }
    }

    /// After the build: the local folder's eviction (how many entries it removed), the server's last warning.
    package func finish() -> Int {
        remote?.finish()
        return local?.evictIfNeeded() ?? 0
    }
}
