import CHTTP
import ImgmakeCore

/// `--remote-cache`'s HTTP client: libcurl (loaded on the first request, `CHTTP`), with the timeout of
/// `--remote-cache-timeout` for the connection and each whole request. Without libcurl every request fails
/// with the reason, so the build warns once and goes on without the server.
final class CurlTransport: HTTPTransport {
    private let timeoutMilliseconds: Int

    init(timeout: Double) {
        timeoutMilliseconds = max(1, Int((timeout * 1000).rounded()))
    }

    func send(_ request: HTTPRequest) throws(HTTPTransportError) -> HTTPResponse {
        var response = chttp_response()
        let code = request.body.withUnsafeBufferPointer { body in
            chttp_request(
                request.method, request.url, body.baseAddress, body.count, timeoutMilliseconds, "imgmake/\(ImgmakeVersion.current)",
                &response)
        }
        defer { chttp_response_free(&response) }
        guard code == 0 else {
            let message = withUnsafeBytes(of: response.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw HTTPTransportError(message)
        }
        let body = response.body.map { Array(UnsafeBufferPointer(start: $0, count: response.length)) } ?? []
        return HTTPResponse(status: response.status, body: body)
    }
}
