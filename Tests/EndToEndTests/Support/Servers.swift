import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A free TCP port on 127.0.0.1 (bound, read, released), for a server a test starts.
func freeTCPPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(fd >= 0)
    defer { close(fd) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    try #require(bound, "cannot bind a port on 127.0.0.1: \(String(cString: strerror(errno)))")
    return Int(UInt16(bigEndian: address.sin_port))
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return address
}

/// Whether something accepts connections on 127.0.0.1:`port`.
func acceptsConnections(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = loopback(port: port)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// A socket on 127.0.0.1 that listens and never answers: connections complete (the kernel's backlog) and then
/// nothing comes, as from a server that hangs. Closed by `close()`.
final class SilentServer {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        self.fd = fd
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        try #require(listening, "cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}

/// nginx with its WebDAV module (Debian's nginx-light) serving `data` read-write on 127.0.0.1: a Bazel HTTP
/// remote cache as `--remote-cache` users run it. Its configuration, pid file, logs and request bodies are in
/// `folder` (the sandbox); `extra` goes into its `server` block (a `location` that answers 503). Started by
/// `start()`, stopped by `stop()`, on the same port each time.
final class WebDAVServer {
    let folder: String
    let data: String
    let port: Int
    private var process: Spawned?
    private let box: Sandbox

    init(in box: Sandbox, name: String = "nginx", data: String? = nil, extra: String = "") throws {
        guard let nginx = which("nginx") ?? ["/usr/sbin/nginx"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw HarnessError("nginx is not installed (apt-get install nginx-light)")
        }
        self.box = box
        self.nginx = nginx
        folder = box.base + "/" + name
        self.data = data ?? folder + "/data"
        port = try freeTCPPort()
        for sub in ["logs", "body"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(atPath: self.data, withIntermediateDirectories: true)
        // As root, nginx's workers would run as nobody, who cannot enter the sandbox (mode 700).
        let user = getuid() == 0 ? "user root;\n" : ""
        try """
        \(user)daemon off;
        worker_processes 1;
        pid \(folder)/nginx.pid;
        error_log \(folder)/logs/error.log;
        events {}
        http {
            access_log \(folder)/logs/access.log;
            client_body_temp_path \(self.data)/.body;
            proxy_temp_path \(folder)/body;
            fastcgi_temp_path \(folder)/body;
            uwsgi_temp_path \(folder)/body;
            scgi_temp_path \(folder)/body;
            client_max_body_size 0;
            server {
                listen 127.0.0.1:\(port);
                root \(self.data);
                \(extra)
                location / {
                    dav_methods PUT DELETE;
                    create_full_put_path on;
                }
            }
        }

        """.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
    }
    private let nginx: String

    var url: String { "http://127.0.0.1:\(port)" }

    func start() throws {
        process = try box.spawn(nginx, ["-c", folder + "/nginx.conf", "-p", folder])
        try waitUntil("nginx to listen on 127.0.0.1:\(port)", timeout: 30, seen: { self.errors }) {
            if let process, process.hasEnded { throw HarnessError("nginx ended: \(self.errors)") }
            return acceptsConnections(port: port)
        }
    }

    func stop() {
        guard let process else { return }
        process.send(SIGTERM)
        _ = try? process.wait(timeout: 30)
        self.process = nil
    }

    /// The requests it served, one line each (`"PUT /cas/... HTTP/1.1" 201`).
    var requests: [String] {
        ((try? String(contentsOfFile: folder + "/logs/access.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    var errors: String { (try? String(contentsOfFile: folder + "/logs/error.log", encoding: .utf8)) ?? "" }

    /// The files it keeps under `ac/` or `cas/`.
    func entries(_ kind: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: data + "/" + kind)) ?? []).sorted()
    }
}
