import Foundation
import GRDB
import GroveCore
import GroveServer
import Logging
import Synchronization
import Testing

/// Log lines kept in memory, for tests that read what the server logged.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined(separator: "\n") } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var logger: Logger {
        Logger(label: "grove.server.test") { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let all = self.metadata.merging(metadata ?? [:]) { $1 }
            capture.append("\(level) \(message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
        }
    }
}

/// Issue 15 over real HTTP: inputs that trapped `grove serve` are answered, and the server
/// keeps answering afterwards.
@Suite("Server hardening")
struct HardeningTests {
    static let fuzzerTimestamp = "0316-08-04T04:44:12.218347+19:38"

    static func encoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }

    @Test("created_after/created_before: the fuzzer's timestamp is answered, an invalid one is GitLab's 400")
    func timestamps() async throws {
        try await withServer { server in
            let token = try server.token()
            let group = try server.store.perform("groups.create", params: ["name": "Platform", "path": "platform"], as: .root).body?["id"]?.intValue ?? 0
            // audit_events takes created_after only (an unknown parameter is ignored, as Grape does).
            for (path, names) in [("/api/v4/audit_events", ["created_after"]), ("/api/v4/groups/\(group)/provisioned_users", ["created_after", "created_before"])] {
                for name in names {
                    for good in [Self.fuzzerTimestamp, "0000-01-01T00:00:00-23:59", "9999-12-31T23:59:59.9999999999+23:59"] {
                        let reply = try await server.request("GET", "\(path)?\(name)=\(Self.encoded(good))", token: token)
                        #expect(reply.status == 200, "\(path) \(name)=\(good): \(reply)")
                    }
                    for bad in ["10000-01-01T00:00:00Z", "2026-01-01T00:00:00+24:00", "0316-08-04T04:44:12.+19:38", String(repeating: "9", count: 40)] {
                        let reply = try await server.request("GET", "\(path)?\(name)=\(Self.encoded(bad))", token: token)
                        #expect(reply.status == 400, "\(path) \(name)=\(bad): \(reply)")
                        #expect(reply.json == ["error": .string("\(name) is invalid")], "\(reply)")
                    }
                }
            }
            let after = try await server.request("GET", "/api/v4/groups/\(group)", token: token)
            #expect(after.status == 200)
        }
    }

    @Test("a connection that sends nothing is closed after the idle timeout")
    func idleConnectionsAreClosed() async throws {
        var configuration = ServerConfiguration(port: 0, accessLog: false, logLevel: .critical)
        configuration.idleTimeoutSeconds = 1
        let server = try await TestServer.start(configuration: configuration)
        let port = server.port
        // A raw socket that connects and never sends a byte: read() sees the server's EOF.
        let closedAfter = try await RemoteBackendTests.blocking { () -> Double in
            let fd = try TestServer.connectedSocket(port: port)
            defer { close(fd) }
            let started = Date()
            var byte: UInt8 = 0
            let n = read(fd, &byte, 1)
            guard n == 0 else { throw TestFailure("read \(n): no EOF") }
            return Date().timeIntervalSince(started)
        }
        #expect(closedAfter < 5, "closed after \(closedAfter) s")
        #expect(try await server.request("GET", "/api/v4/groups").status == 200, "the server still answers")
        await server.stop()
    }

    @Test("huge numbers in ids, page and per_page are answered, not trapped")
    func hugeNumbers() async throws {
        try await withServer { server in
            let token = try server.token()
            for value in ["9223372036854775807", "-9223372036854775808", "99999999999999999999999", "1e300"] {
                for path in ["/api/v4/groups/\(value)", "/api/v4/groups?per_page=\(value)", "/api/v4/groups/1/hooks/\(value)",
                             "/api/v4/audit_events?per_page=\(value)&after_id=\(value)", "/api/v4/audit_events?page=\(value)"] {
                    let reply = try await server.request("GET", path, token: token)
                    #expect(reply.status < 500, "\(path): \(reply)")
                }
            }
            // Anonymous GET /groups checks page * per_page against the offset limit.
            let offset = try await server.request("GET", "/api/v4/groups?page=9223372036854775807&per_page=100")
            #expect(offset.status == 405, "\(offset)")
            let after = try await server.request("GET", "/api/v4/groups", token: token)
            #expect(after.status == 200)
        }
    }

    static func fileStore() throws -> (GroveStore, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-hardening-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("grove.sqlite").path
        return (try GroveStore.open(path: path), path)
    }

    @Test("an unforeseen error is a 500 with GitLab's body and a log line with the request id; the next request is answered")
    func internalErrorKeepsServing() async throws {
        let (store, path) = try Self.fileStore()
        let log = LogCapture()
        let server = try await TestServer.start(store: store, configuration: ServerConfiguration(port: 0, accessLog: true, logLevel: .info), logger: log.logger)
        defer { Task { await server.stop() } }
        let token = try server.token()
        // Something nobody foresaw: the store's table disappears under the running server.
        let other = try DatabaseQueue(path: path)
        try await other.write { db in try db.execute(sql: "ALTER TABLE audit_events RENAME TO audit_events_gone") }
        let failed = try await server.request("GET", "/api/v4/audit_events?private_token=\(token)", token: nil)
        #expect(failed.status == 500, "\(failed)")
        #expect(failed.json == ["message": "500 Internal Server Error"])
        let id = try #require(failed.header("X-Request-Id"))
        #expect(!id.isEmpty)
        let lines = log.text.split(separator: "\n").filter { $0.contains(id) }
        #expect(lines.contains { $0.hasPrefix("error") && $0.contains("500") && $0.contains("/api/v4/audit_events") }, "\(log.text)")
        #expect(!log.text.contains(token), "the failure's log line holds no credential")
        for _ in 0..<3 {
            let next = try await server.request("GET", "/api/v4/groups", token: token)
            #expect(next.status == 200, "\(next)")
        }
    }

    @Test("credentials never reach the log, in any spelling")
    func logMasking() async throws {
        let log = LogCapture()
        let server = try await TestServer.start(configuration: ServerConfiguration(port: 0, accessLog: true, logLevel: .info), logger: log.logger)
        defer { Task { await server.stop() } }
        let token = try server.token()
        let group = try server.store.perform("groups.create", params: ["name": "Platform", "path": "platform"], as: .root).body?["id"]?.intValue ?? 0
        // Spellings that authenticate (Rack decodes names) and spellings that do not.
        let spellings = ["private_token", "private%5Ftoken", "private%5ftoken", "%70rivate_token", "%70%72%69%76%61%74%65%5F%74%6F%6B%65%6E",
                         "private%255Ftoken", "PRIVATE_TOKEN", "Private-Token", "private+token", "access_token", "access%5Ftoken", "private_token[]"]
        for name in spellings {
            for separator in ["?", "?a=1&", "?a=1;"] {
                let reply = try await server.request("GET", "/api/v4/user\(separator)\(name)=\(token)")
                #expect(reply.status < 500, "\(name): \(reply)")
            }
        }
        _ = try await server.request("GET", "/api/v4/user?private_token%3D\(token)")
        _ = try await server.request("GET", "/api/v4/user?private_token")
        let encoded = try await server.request("GET", "/api/v4/user?private%5Ftoken=\(token)")
        #expect(encoded.status == 200, "private%5Ftoken authenticates, as in GitLab: \(encoded)")
        _ = try await server.request("GET", "/api/v4/user", headers: [("PRIVATE-TOKEN", token)])
        _ = try await server.request("GET", "/api/v4/user", headers: [("Authorization", "Bearer \(token)")])
        _ = try await server.request("GET", "/api/v4/groups", headers: [("PRIVATE-TOKEN", token), ("Sudo", "sudo-user-secret")])
        _ = try await server.request("GET", "/api/v4/groups?sudo=sudo-user-secret&private_token=\(token)")
        // Hook secrets given in the query string.
        _ = try await server.request("POST", "/api/v4/groups/\(group)/hooks?url=https%3A%2F%2Fexample.com%2Fhook&token=hook-secret-value"
                                     + "&url_variables%5Bkey%5D=url-variable-secret&custom_headers%5B0%5D%5Bvalue%5D=header-secret", token: token)
        let text = log.text
        #expect(text.contains("/api/v4/user"), "the access log is on: \(text)")
        for secret in [token, "sudo-user-secret", "hook-secret-value", "url-variable-secret", "header-secret"] {
            #expect(!text.contains(secret), "\(secret) in the log:\n\(text)")
        }
        #expect(text.contains("[FILTERED]"))
    }

    @Test("repeated failed authentications from one address are answered 429 with Retry-After")
    func failedAuthenticationBan() async throws {
        let limit = FailedAuthenticationLimit(maxRetry: 3, findTime: .seconds(60), banTime: .seconds(120))
        let server = try await TestServer.start(configuration: ServerConfiguration(port: 0, accessLog: false, logLevel: .critical, failedAuthenticationLimit: limit))
        defer { Task { await server.stop() } }
        let token = try server.token()
        // Successes and anonymous requests count for nothing.
        for _ in 0..<5 {
            #expect(try await server.request("GET", "/api/v4/groups", token: token).status == 200)
            #expect(try await server.request("GET", "/api/v4/groups").status == 200)
        }
        for _ in 0..<3 {
            #expect(try await server.request("GET", "/api/v4/groups", token: "glpat-wrong").status == 401)
        }
        let banned = try await server.request("GET", "/api/v4/groups", token: token)
        #expect(banned.status == 429, "\(banned)")
        #expect(banned.text == "Retry later\n")
        #expect(banned.header("Content-Type") == "text/plain")
        let retry = try #require(banned.header("Retry-After").flatMap(Int.init))
        #expect((1...120).contains(retry))

        let open = try await TestServer.start(configuration: ServerConfiguration(port: 0, accessLog: false, logLevel: .critical,
                                                                                failedAuthenticationLimit: FailedAuthenticationLimit(maxRetry: 3, allowlist: ["127.0.0.1"])))
        defer { Task { await open.stop() } }
        for _ in 0..<6 { #expect(try await open.request("GET", "/api/v4/groups", token: "glpat-wrong").status == 401, "an allow-listed address is never banned") }
    }

    @Test("the REST fuzz's conformance findings: documented 304 of a star, 200 of purge_scheduled")
    func fuzzConformanceFindings() async throws {
        try await withServer { server in
            let token = try server.token()
            let document = try await server.request("GET", "/api/v4/openapi.json", token: token).json
            let paths = document?["paths"]
            #expect(paths?["/api/v4/projects/{id}/star"]?["post"]?["responses"]?["304"] != nil)
            #expect(paths?["/api/v4/admin/groups/purge_scheduled"]?["post"]?["responses"]?["200"] != nil)
            let purge = try await server.request("POST", "/api/v4/admin/groups/purge_scheduled", token: token)
            #expect(purge.status == 200 && purge.json == [], "\(purge)")
        }
    }

    @Test("limits: a body over the limit is GitLab's 413, per_page is capped at 100, and the server answers on")
    func limits() async throws {
        let server = try await TestServer.start(configuration: ServerConfiguration(port: 0, maxBodySize: 1024, accessLog: false, logLevel: .critical))
        defer { Task { await server.stop() } }
        let token = try server.token()
        let big = try await server.request("POST", "/api/v4/groups", token: token,
                                           body: .json(["name": "Big", "path": "big", "description": .string(String(repeating: "x", count: 4096))]))
        #expect(big.status == 413, "\(big)")
        #expect(big.json == ["message": "413 Request Entity Too Large"])
        let capped = try await server.request("GET", "/api/v4/groups?per_page=9223372036854775807", token: token)
        #expect(capped.status == 200 && capped.header("X-Per-Page") == "100", "\(capped)")
        let small = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Small", "path": "small"]))
        #expect(small.status == 201, "\(small)")
    }

    @Test("parameter names nested past Rack's 32 levels are a 400, not a stack overflow (found by probing: 20,000 levels killed grove serve)")
    func deeplyNestedParameterNames() async throws {
        try await withServer { server in
            let token = try server.token()
            let deep = "a" + String(repeating: "[b]", count: 20_000)
            let expected: JSONValue = ["message": "400 Bad request - parameters nested more than 32 levels"]
            // (a request line of 60 KB is refused by the HTTP parser already)
            let query = try await server.request("GET", "/api/v4/groups?a\(String(repeating: "[b]", count: 1000))=1", token: token)
            #expect(query.status == 400 && query.json == expected, "\(query)")
            let form = try await server.request("POST", "/api/v4/groups", token: token, body: .form("name=x&path=xy&\(deep)=1"))
            #expect(form.status == 400 && form.json == expected, "\(form)")
            let multipart = try await server.request("POST", "/api/v4/groups", token: token, body: .raw(
                contentType: "multipart/form-data; boundary=x",
                bytes: Array("--x\r\nContent-Disposition: form-data; name=\"\(deep)\"\r\n\r\nv\r\n--x--\r\n".utf8)))
            #expect(multipart.status == 400 && multipart.json == expected, "\(multipart)")
            let shallow = try await server.request("GET", "/api/v4/groups?custom_attributes[key]=value", token: token)
            #expect(shallow.status == 200, "\(shallow)")
        }
    }

    @Test("a NUL or text that is not UTF-8 in the path, query or body is GitLab's 400 Bad Request, and nothing changes")
    func malformedStrings() async throws {
        try await withServer { server in
            let token = try server.token()
            #expect(try await server.request("POST", "/api/v4/groups", token: token, body: .json(.object([("name", .string("G")), ("path", .string("gg"))]))).status == 201)
            let update = "/api/v4/groups/gg"
            let requests: [(String, String, TestServer.Body)] = [
                ("GET", "/api/v4/groups/gg%00junk", .none),
                ("DELETE", "/api/v4/groups/gg%00", .none),
                ("GET", "/api/v4/groups?search=g%00z", .none),
                ("GET", "/api/v4/groups?search=g%C0%AFz", .none),
                ("PUT", update + "?description=a%00b", .none),
                ("PUT", update, .form("description=a%00b")),
                ("PUT", update, .form("description=a%FFb")),
                ("PUT", update, .raw(contentType: "application/json", bytes: Array(#"{"description":"a\u0000b"}"#.utf8))),
                ("PUT", update, .raw(contentType: "application/json", bytes: Array(#"{"description":{"k":"\u0000"}}"#.utf8))),
                ("PUT", update, .raw(contentType: "application/json", bytes: Array(#"{"description":"a"#.utf8) + [0xFF] + Array(#"b"}"#.utf8))),
                ("PUT", update, .raw(contentType: "multipart/form-data; boundary=XY",
                                     bytes: Array("--XY\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\na".utf8) + [0xFF]
                                         + Array("\r\n--XY--\r\n".utf8))),
            ]
            for (method, path, body) in requests {
                let reply = try await server.request(method, path, token: token, body: body)
                #expect(reply.status == 400 && reply.text == "Bad Request" && reply.header("Content-Type") == "text/plain", "\(method) \(path) \(body): \(reply)")
            }
            // Bad escapes too, as Rack refuses them.
            for target in ["/api/v4/groups/gg%FF", "/api/v4/groups/gg%C0%AF/subgroups", "/api/v4/nothing%ff",
                           "/api/v4/groups?search=a%zz", "/api/v4/groups?search=100%"] {
                let reply = try await server.rawGET(target, token: token)
                #expect(reply.status == 400 && reply.body == "Bad Request", "\(target): \(reply)")
            }
            let group = try await server.request("GET", update, token: token)
            #expect(group.json?["description"]?.stringValue == "" && group.json?["marked_for_deletion_on"] == .null, "\(group)")
            // An escaped `%` is a `%`: the path `gg%00junk` names no group, it is not `gg`.
            #expect(try await server.request("GET", "/api/v4/groups/gg%2500junk", token: token).status == 404)
            // Text that is UTF-8 passes, escaped or not.
            let accented = try await server.request("PUT", update, token: token, body: .raw(contentType: "application/json", bytes: Array(#"{"description":"\u00e9 \u0001 é"}"#.utf8)))
            #expect(accented.json?["description"]?.stringValue == "é \u{1} é", "\(accented)")
            #expect(try await server.request("GET", "/api/v4/groups?search=%E2%9C%93", token: token).status == 200)
        }
    }
}
