import Foundation
import GRDB
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request, waited for: the status and body of a complete response, nil when the
/// connection failed (the server was killed). Only a response received counts as
/// acknowledged.
enum PlainHTTP {
    struct Reply {
        var status: Int
        var body: String
    }

    static let session = URLSession(configuration: .ephemeral)

    static func request(port: Int, _ method: String, _ path: String, token: String, form: String) -> Reply? {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue(token, forHTTPHeaderField: "PRIVATE-TOKEN")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(form.utf8)
        nonisolated(unsafe) var reply: Reply?
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: request) { data, response, _ in
            if let response = response as? HTTPURLResponse, let data {
                reply = Reply(status: response.statusCode, body: String(decoding: data, as: UTF8.self))
            }
            done.signal()
        }.resume()
        done.wait()
        return reply
    }
}

/// Issue 15: `kill -9` of `grove serve` while 8 clients write over HTTP (groups, their
/// protected branches and members), at seeded random moments. After each kill the store
/// passes `PRAGMA integrity_check`, holds every write a client saw acknowledged (a 2xx
/// status line received), holds nothing half-written (a group without its route,
/// traversal ids or owner; a protected branch without its push, merge and unprotect
/// access levels), and accepts writes again: the next trial's server takes new writes.
@Suite("Crash safety of grove serve")
struct ServeCrashSafetyTests {
    /// What the clients saw acknowledged.
    final class Acknowledged: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var groups: Set<String> = []
        private(set) var branches: Set<String> = []
        private(set) var members: Set<String> = []
        func group(_ path: String) { lock.lock(); groups.insert(path); lock.unlock() }
        func branch(_ path: String) { lock.lock(); branches.insert(path); lock.unlock() }
        func member(_ key: String) { lock.lock(); members.insert(key); lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return groups.count + branches.count + members.count }
    }

    static func id(in body: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
        return object["id"] as? Int
    }

    /// One client: a group, its protected branch `main`, a member, and again, until the
    /// server stops answering.
    static func client(_ number: Int, trial: Int, port: Int, token: String, userId: Int, acknowledged: Acknowledged) {
        for i in 0..<100_000 {
            let path = "k\(trial)-c\(number)-\(i)"
            guard let created = PlainHTTP.request(port: port, "POST", "/api/v4/groups", token: token, form: "name=K\(trial)c\(number)n\(i)&path=\(path)"),
                  created.status == 201 else { return }
            acknowledged.group(path)
            guard let id = Self.id(in: created.body) else { return }  // the body was cut by the kill
            guard let branch = PlainHTTP.request(port: port, "POST", "/api/v4/groups/\(id)/protected_branches", token: token,
                                                 form: "name=main&push_access_level=30&merge_access_level=40"),
                  branch.status == 201 else { return }
            acknowledged.branch(path)
            guard let member = PlainHTTP.request(port: port, "POST", "/api/v4/groups/\(id)/members", token: token,
                                                 form: "user_id=\(userId)&access_level=30"),
                  member.status == 201 else { return }
            acknowledged.member("\(path) \(userId)")
        }
    }

    struct Stored {
        var groups: Set<String>
        var branches: Set<String>
        var members: Set<String>
        var halfWritten: [String]
    }

    static func check(_ path: String) throws -> Stored {
        let db = try DatabaseQueue(path: path)
        defer { try? db.close() }
        return try db.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            #expect(integrity == ["ok"], "\(integrity)")
            let groups = Set(try String.fetchAll(db, sql: "SELECT path FROM namespaces WHERE path LIKE 'k%-c%'"))
            let branches = Set(try String.fetchAll(db, sql: """
                SELECT n.path FROM protected_branches b JOIN namespaces n ON n.id = b.group_id WHERE b.name = 'main' AND n.path LIKE 'k%-c%'
                """))
            let members = Set(try String.fetchAll(db, sql: """
                SELECT n.path || ' ' || m.user_id FROM members m JOIN namespaces n ON n.id = m.group_id
                WHERE n.path LIKE 'k%-c%' AND m.access_level = 30
                """))
            let halfGroups = try String.fetchAll(db, sql: """
                SELECT 'group ' || n.path FROM namespaces n WHERE n.path LIKE 'k%-c%' AND (
                    n.full_path != n.path OR n.traversal_ids != n.id || '/'
                    OR NOT EXISTS (SELECT 1 FROM members m WHERE m.group_id = n.id AND m.access_level = 50))
                """)
            let halfBranches = try String.fetchAll(db, sql: """
                SELECT 'protected branch ' || b.id FROM protected_branches b
                WHERE (SELECT COUNT(DISTINCT kind) FROM protected_branch_access_levels a WHERE a.protected_branch_id = b.id) < 3
                """)
            return Stored(groups: groups, branches: branches, members: members, halfWritten: halfGroups + halfBranches)
        }
    }

    @Test("kill -9 of grove serve under 8 writing clients", .timeLimit(.minutes(3)))
    func killNineUnderLoad() throws {
        var rng = SystemRandomNumberGenerator()
        let seed = ProcessInfo.processInfo.environment["GROVE_CRASH_SEED"].flatMap(UInt64.init) ?? rng.next()
        let (dir, store) = try GroveProcess.temporaryStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let users = try GroveProcess.run(["--db", store, "-e", """
            for i = 1, 8 do print(users.create{username = "client" .. i, name = "Client " .. i, email = "client" .. i .. "@example.com"}.id) end
            """])
        try #require(users.status == 0, "\(users.stderr)")
        let userIds = users.stdout.split(separator: "\n").compactMap { Int($0) }
        try #require(userIds.count == 8)

        let acknowledged = Acknowledged()
        var report: [String] = []
        let trials = 10
        for trial in 0..<trials {
            let server = try GroveServe(db: store)
            let port = try #require(server.url.split(separator: ":").last.flatMap { Int($0) })
            let token = server.token
            let before = acknowledged.count
            let clients = DispatchGroup()
            for number in 0..<8 {
                DispatchQueue.global().async(group: clients) {
                    Self.client(number, trial: trial, port: port, token: token, userId: userIds[number], acknowledged: acknowledged)
                }
            }
            // 200 ms to 1.4 s into the load, spread by the seed (Fibonacci hashing).
            let delay = 200 + Int(((seed &+ UInt64(trial)) &* 0x9E37_79B9_7F4A_7C15) >> 33) % 1200
            Thread.sleep(forTimeInterval: Double(delay) / 1000)
            kill(server.process.processIdentifier, SIGKILL)
            server.process.waitUntilExit()
            clients.wait()
            #expect(server.process.terminationReason == .uncaughtSignal, "grove serve was still running when killed")

            let stored = try Self.check(store)
            let context = "seed \(seed), trial \(trial), killed after \(delay) ms"
            #expect(stored.halfWritten.isEmpty, "half-written: \(stored.halfWritten.prefix(5)) (\(context))")
            #expect(acknowledged.groups.isSubset(of: stored.groups), "acknowledged groups missing: \(acknowledged.groups.subtracting(stored.groups).sorted().prefix(5)) (\(context))")
            #expect(acknowledged.branches.isSubset(of: stored.branches), "acknowledged branches missing: \(acknowledged.branches.subtracting(stored.branches).sorted().prefix(5)) (\(context))")
            #expect(acknowledged.members.isSubset(of: stored.members), "acknowledged members missing: \(acknowledged.members.subtracting(stored.members).sorted().prefix(5)) (\(context))")
            report.append("trial \(trial), killed after \(delay) ms: \(acknowledged.count - before) writes acknowledged, \(stored.groups.count) groups stored")
        }
        // The store accepts writes again after the last kill.
        let write = try GroveProcess.run(["--db", store, "-e", "groups.create{name = 'After', path = 'after-serve-kills'}"])
        #expect(write.status == 0, "the store refuses writes after the kills: \(write.stderr)")
        print("serve crash safety: seed \(seed), \(trials) kill -9 trials, \(acknowledged.count) acknowledged writes, all stored:\n  " + report.joined(separator: "\n  "))
        #expect(acknowledged.groups.count >= trials, "the clients were acknowledged too few writes to test anything")
    }
}
