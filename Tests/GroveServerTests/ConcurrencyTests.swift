import Foundation
import GroveCore
import Testing

@Suite("Concurrency")
struct ConcurrencyTests {
    /// 5 s in the suite; `GROVE_SERVE_LOAD_SECONDS=30` for the long run.
    static let seconds = ProcessInfo.processInfo.environment["GROVE_SERVE_LOAD_SECONDS"].flatMap(Double.init) ?? 5

    @Test("8 clients, mixed reads and writes for a bounded time on a file store: no 500, no database is locked")
    func mixedLoad() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grove-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try GroveStore.open(path: directory.appendingPathComponent("grove.sqlite").path)
        try await withServer(store: store) { server in
            let token = try server.token()
            _ = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Load", "path": "load"]))
            let deadline = Date().addingTimeInterval(Self.seconds)
            let results = try await withThrowingTaskGroup(of: (requests: Int, failures: [String]).self) { group in
                for client in 0..<8 {
                    group.addTask {
                        var requests = 0
                        var failures: [String] = []
                        var n = 0
                        func check(_ reply: TestServer.Reply, _ what: String) {
                            requests += 1
                            if reply.status >= 500 || reply.text.contains("database is locked") { failures.append("\(what): \(reply)") }
                        }
                        while Date() < deadline {
                            n += 1
                            let path = "c\(client)-\(n)"
                            let created = try await server.request("POST", "/api/v4/groups", token: token,
                                                                   body: .json(["name": .string(path), "path": .string(path), "parent_id": "load"]))
                            check(created, "create")
                            if created.status != 201 && created.status != 400 { failures.append("create: \(created)") }
                            check(try await server.request("GET", "/api/v4/groups/load%2F\(path)", token: token), "get")
                            check(try await server.request("GET", "/api/v4/groups/load/descendant_groups?per_page=20", token: token), "descendants")
                            check(try await server.request("PUT", "/api/v4/groups/load%2F\(path)", token: token, body: .form("description=n\(n)")), "update")
                            check(try await server.request("GET", "/api/v4/groups?search=c\(client)&per_page=5", token: token), "search")
                            if n % 3 == 0 {
                                check(try await server.request("DELETE", "/api/v4/groups/load%2F\(path)", token: token), "delete")
                            }
                        }
                        return (requests, failures)
                    }
                }
                var all: [(requests: Int, failures: [String])] = []
                for try await r in group { all.append(r) }
                return all
            }
            let failures = results.flatMap(\.failures)
            #expect(failures.isEmpty, "\(failures.prefix(5))")
            #expect(results.allSatisfy { $0.requests > 0 })
        }
    }
}
