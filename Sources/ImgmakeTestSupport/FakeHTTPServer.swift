import ImgmakeCore
import ImgmakeSync

/// A Bazel HTTP remote cache in memory, as nginx's WebDAV module serves one: GET and HEAD answer 200 or 404,
/// PUT keeps the body (201). `down` makes every request fail as an unreachable server does; `status` answers
/// every request with it (503); `putStatus` answers PUTs with it (507, a full disk). Every request is logged.
package final class FakeHTTPServer: HTTPTransport {
    private struct State {
        var files: [String: [UInt8]] = [:]
        var requests: [String] = []
        var down = false
        var status: Int?
        var putStatus: Int?
    }
    private let state = Mutex(State())
    package let base: String

    package init(base: String = "http://cache.test") { self.base = base }

    package var files: [String: [UInt8]] {
        get { state.withLock { $0.files } }
        set { state.withLock { $0.files = newValue } }
    }
    /// `"GET /ac/KEY"`, in order.
    package var requests: [String] { state.withLock { $0.requests } }
    package var down: Bool {
        get { state.withLock { $0.down } }
        set { state.withLock { $0.down = newValue } }
    }
    package var status: Int? {
        get { state.withLock { $0.status } }
        set { state.withLock { $0.status = newValue } }
    }
    package var putStatus: Int? {
        get { state.withLock { $0.putStatus } }
        set { state.withLock { $0.putStatus = newValue } }
    }
    package func clearRequests() { state.withLock { $0.requests = [] } }

    package func send(_ request: HTTPRequest) throws(HTTPTransportError) -> HTTPResponse {
        let path = request.url.hasPrefix(base) ? String(request.url.dropFirst(base.count)) : request.url
        let answer = state.withLock { state -> HTTPResponse? in
            state.requests.append(request.method + " " + path)
            if state.down { return nil }
            if let status = state.status { return HTTPResponse(status: status) }
            switch request.method {
            case "GET": return state.files[path].map { HTTPResponse(status: 200, body: $0) } ?? HTTPResponse(status: 404)
            case "HEAD": return HTTPResponse(status: state.files[path] == nil ? 404 : 200)
            case "PUT":
                if let status = state.putStatus { return HTTPResponse(status: status) }
                state.files[path] = request.body
                return HTTPResponse(status: 201)
            default: return HTTPResponse(status: 405)
            }
        }
        guard let answer else { throw HTTPTransportError("Failed to connect to cache.test port 80: Connection refused") }
        return answer
    }
}
