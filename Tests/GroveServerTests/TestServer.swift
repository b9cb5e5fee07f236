import AsyncHTTPClient
import Foundation
import GroveCore
import GroveHookDelivery
import GroveServer
import Logging

/// A real Grove server on 127.0.0.1 and an ephemeral port, started and stopped by a test.
final class TestServer: @unchecked Sendable {
    let store: GroveStore
    let port: Int
    private let task: Task<Void, Error>

    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(store: GroveStore, port: Int, task: Task<Void, Error>) {
        self.store = store
        self.port = port
        self.task = task
    }

    static func start(store: GroveStore? = nil, configuration: ServerConfiguration = ServerConfiguration(port: 0, accessLog: false, logLevel: .critical),
                      logger: Logger? = nil) async throws -> TestServer {
        let store = try store ?? GroveStore.inMemory(hookTransport: HTTPHookTransport())
        var configuration = configuration
        configuration.port = 0
        configuration.host = "127.0.0.1"
        // (.critical: cancelling the server at the end of a test logs an error)
        let logger = logger ?? Logger(label: "grove.server.test")
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(store: store, configuration: configuration, logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("server did not start") }
        return TestServer(store: store, port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// A fresh token for a user of the store (the same call `grove admin token` makes).
    func token(user: String = "root", scopes: [String] = ["api"]) throws -> String {
        try store.createPersonalAccessToken(username: user, name: "test", scopes: scopes).token
    }

    // MARK: Requests

    struct Reply: CustomStringConvertible {
        let status: Int
        let headers: [(String, String)]
        let bytes: [UInt8]

        var text: String { String(decoding: bytes, as: UTF8.self) }
        var json: JSONValue? { try? JSONText.decode(text) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var description: String { "\(status) \(text.prefix(500))" }
    }

    enum Body {
        case none
        case json(JSONValue)
        case form(String)
        case raw(contentType: String, bytes: [UInt8])
    }

    func request(_ method: String, _ path: String, token: String? = nil, body: Body = .none, headers: [(String, String)] = []) async throws -> Reply {
        try await TestHTTP.request(method, path.hasPrefix("http") ? path : baseURL + path, token: token, body: body, headers: headers)
    }
}

/// One HTTP exchange through AsyncHTTPClient.
enum TestHTTP {
    static func request(_ method: String, _ url: String, token: String? = nil, body: TestServer.Body = .none, headers: [(String, String)] = []) async throws -> TestServer.Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "PRIVATE-TOKEN", value: token) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        switch body {
        case .none: break
        case .json(let value):
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(Array(JSONText.encode(value).utf8))
        case .form(let text):
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(Array(text.utf8))
        case .raw(let contentType, let bytes):
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(bytes)
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        var buffer = try await response.body.collect(upTo: 50 * 1024 * 1024)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        return TestServer.Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, bytes: bytes)
    }
}

extension TestServer {
    /// A plain TCP socket connected to 127.0.0.1:`port`, whose reads give up after 10 s.
    static func connectedSocket(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw TestFailure("cannot connect") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// A GET sent as written, byte for byte, over a plain socket: HTTP clients re-encode
    /// a path whose escapes are not UTF-8 before sending it.
    func rawGET(_ target: String, token: String) async throws -> (status: Int, body: String) {
        let port = self.port
        return try await RemoteBackendTests.blocking {
            let fd = try Self.connectedSocket(port: port)
            defer { close(fd) }
            let request = Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nPRIVATE-TOKEN: \(token)\r\nConnection: close\r\n\r\n".utf8)
            guard write(fd, request, request.count) == request.count else { throw TestFailure("cannot send") }
            var answer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &chunk, chunk.count)
                guard n > 0 else { break }
                answer += chunk[0..<n]
            }
            let text = String(decoding: answer, as: UTF8.self)
            guard let statusText = text.split(separator: " ").dropFirst().first, let status = Int(statusText) else { throw TestFailure("no status: \(text)") }
            let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
            return (status, body)
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` against a fresh server, always stopping it.
func withServer<T>(store: GroveStore? = nil, _ body: (TestServer) async throws -> T) async throws -> T {
    let server = try await TestServer.start(store: store)
    do {
        let value = try await body(server)
        await server.stop()
        return value
    } catch {
        await server.stop()
        throw error
    }
}
