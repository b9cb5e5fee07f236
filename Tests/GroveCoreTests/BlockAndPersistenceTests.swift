import Foundation
import GRDB
import Testing
@testable import GroveCore

@Suite("transactions, dry runs, audit and persistence")
struct BlockAndPersistenceTests {
    @Test func transactionCommitsAsAWhole() throws {
        let f = try Fixture()
        let id = try f.store.transaction {
            let a = try f.group("alpha")
            try f.group("api", parent: a)
            return a
        }
        #expect(try f.body("groups.descendant_groups", ["id": .int(id)]).ids.count == 1)
    }

    @Test func failedBlockLeavesNothingBehind() throws {
        let f = try Fixture()
        let before = try f.store.auditEvents().count
        #expect(throws: APIError.self) {
            try f.store.transaction {
                try f.group("alpha")
                try f.group("beta")
                try f.group("alpha") // path taken: throws
            }
        }
        #expect(try f.groupCount() == 0)
        #expect(try f.store.auditEvents().count == before)
        #expect(f.store.isInBlock == false)
    }

    @Test func failingOperationInsideBlockIsUndoneAndBlockGoesOn() throws {
        let registry = OperationRegistry.standard()
        // An operation that writes, then fails: its savepoint must undo the write.
        registry.add(OperationDescriptor("test.half_write", "POST", "/test", summary: "writes then fails", params: [])) { ctx, _ in
            _ = try GroupCreateService(ctx).execute(try ParamParser.parse(["name": "Half", "path": "half"], for: registry["groups.create"]!.descriptor))
            throw APIError.api("boom", status: 422)
        }
        let store = try GroveStore.inMemory(registry: registry)
        try store.transaction {
            _ = try store.perform("groups.create", ["name": "Keep", "path": "keep"], as: .root)
            #expect(throws: APIError.self) { try store.perform("test.half_write", [:], as: .root) }
            _ = try store.perform("groups.create", ["name": "Also", "path": "also"], as: .root)
        }
        let paths = try store.perform("groups.list", [:], as: .root).body!.arrayValue!.map { $0["path"]!.stringValue! }
        #expect(paths == ["also", "keep"])
        // Outside a block the failing operation leaves nothing either.
        #expect(throws: APIError.self) { try store.perform("test.half_write", [:], as: .root) }
        #expect(try store.perform("groups.list", [:], as: .root).body!.arrayValue!.count == 2)
    }

    /// groups.create checks everything before writing and runs without a savepoint of its
    /// own inside a block: a refusal leaves the block as it was, and it goes on.
    @Test func refusedCreationInsideBlockLeavesItUsable() throws {
        let f = try Fixture()
        let eventsBefore = try f.store.auditEvents().count
        try f.store.transaction {
            try f.group("keep")
            #expect(f.error("groups.create", ["name": "Again", "path": "keep"])?.status == 400)
            #expect(f.error("groups.create", ["name": "Nope", "path": "nope", "parent_id": 999_999])?.status == 404)
            try f.group("also")
        }
        #expect(try f.body("groups.list", [:]).arrayValue?.compactMap { $0["path"]?.stringValue } == ["also", "keep"])
        #expect(try f.store.auditEvents().count == eventsBefore + 2)
    }

    /// An operation declared to check before writing that fails after writing all the
    /// same cannot be taken back alone: the block refuses further writes and its commit,
    /// and nothing of it is kept, even when the caller caught the error and went on.
    @Test func checkedFirstOperationFailingAfterWritingSpoilsTheBlock() throws {
        let registry = OperationRegistry.standard()
        registry.add(OperationDescriptor("test.late_failure", "POST", "/test", summary: "writes then fails", checksBeforeWriting: true, params: [])) { ctx, _ in
            _ = try GroupCreateService(ctx).execute(try ParamParser.parse(["name": "Half", "path": "half"], for: registry["groups.create"]!.descriptor))
            throw APIError.api("boom", status: 422)
        }
        let store = try GroveStore.inMemory(registry: registry)
        var refusals: [APIError] = []
        do {
            try store.transaction {
                _ = try store.perform("groups.create", ["name": "Keep", "path": "keep"], as: .root)
                do { _ = try store.perform("test.late_failure", [:], as: .root) } catch let e as APIError { refusals.append(e) }
                do { _ = try store.perform("groups.create", ["name": "Later", "path": "later"], as: .root) } catch let e as APIError { refusals.append(e) }
            }
            Issue.record("the block committed")
        } catch let e as APIError {
            #expect(e.status == 500)
            #expect(e.message.contains("cannot commit") && e.message.contains("boom"))
        }
        #expect(refusals.map(\.status) == [422, 500])
        #expect(try store.perform("groups.list", [:], as: .root).body?.arrayValue?.isEmpty == true)
        // A nested block that throws takes its writes back, and the outer block is fine.
        try store.transaction {
            _ = try store.perform("groups.create", ["name": "Outer", "path": "outer"], as: .root)
            #expect(throws: APIError.self) { try store.transaction { _ = try store.perform("test.late_failure", [:], as: .root) } }
            _ = try store.perform("groups.create", ["name": "After", "path": "after"], as: .root)
        }
        #expect(try store.perform("groups.list", [:], as: .root).body?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["after", "outer"])
        // A dry run says what the real run would meet.
        #expect(throws: APIError.self) {
            _ = try store.dryRun { do { _ = try store.perform("test.late_failure", [:], as: .root) } catch {} }
        }
        // Outside a block the operation is its own transaction: nothing is kept either.
        #expect(throws: APIError.self) { try store.perform("test.late_failure", [:], as: .root) }
        #expect(try store.perform("groups.list", [:], as: .root).body?.arrayValue?.count == 2)
    }

    @Test func dryRunRollsBackAndReturnsEvents() throws {
        let f = try Fixture()
        let a = try f.group("alpha")
        let (result, events) = try f.store.dryRun {
            try f.run("groups.update", ["id": .int(a), "visibility": "public", "description": "new"])
            try f.group("beta")
            return "done"
        }
        #expect(result == "done")
        #expect(events.map(\.action) == ["group.update", "group.create", "member.create"] || events.map(\.action) == ["group.update", "group.create"])
        #expect(events[0].changes.contains(.init(attribute: "visibility", old: "private", new: "public")))
        #expect(events[0].description.hasPrefix("group.update alpha by @root: "))
        #expect(try f.body("groups.get", ["id": .int(a)])["visibility"] == "private")
        #expect(try f.groupCount() == 1)
    }

    /// A dry run lists every change it would make, not the first thousand.
    @Test func dryRunListsEveryEvent() throws {
        let f = try Fixture()
        let a = try f.group("alpha")
        let (_, events) = try f.store.dryRun {
            for i in 1...1_005 { try f.run("groups.update", ["id": .int(a), "description": .string("take \(i)")]) }
        }
        #expect(events.count == 1_005)
        #expect(events.last?.changes.first?.new == "take 1005")
    }

    @Test func nestedBlocksAreSavepoints() throws {
        let f = try Fixture()
        try f.store.transaction {
            try f.group("outer")
            _ = try? f.store.transaction { try f.group("inner"); throw APIError.badRequest() }
        }
        #expect(try f.body("groups.list", [:]).arrayValue?.map { $0["path"]! } == ["outer"])
    }

    @Test func auditEventsAreListableAndRedactSecrets() throws {
        let f = try Fixture()
        let start = try f.store.auditEvents().last!.id
        try f.group("alpha", extra: [("avatar", ["filename": "a.png", "content": "AAAA"])])
        let events = try f.store.auditEvents(afterId: start)
        #expect(events.first?.action == "group.create")
        #expect(events.first?.actorUsername == "root")
        #expect(events.first?.changes.first { $0.attribute == "avatar" }?.new == "[REDACTED]")
        #expect(try f.store.auditEvents(since: Date().addingTimeInterval(60)).isEmpty)
        let listed = try f.body("audit_events.list", ["after_id": .int(start)])
        #expect(listed.arrayValue?.first?["action"] == "group.create")
        #expect(f.error("audit_events.list", [:], as: f.user("alice")) == APIError.forbidden())
    }

    @Test func persistsAcrossReopeningAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("grove.sqlite").path
        do {
            let store = try GroveStore.open(path: path)
            _ = try store.perform("groups.create", ["name": "Alpha", "path": "alpha"], as: .root)
            _ = try store.perform("groups.create", ["name": "Api", "path": "api", "parent_id": "alpha"], as: .root)
            _ = try? store.transaction {
                _ = try store.perform("groups.create", ["name": "Gone", "path": "gone"], as: .root)
                throw APIError.badRequest()
            }
        }
        let reopened = try GroveStore.open(path: path)
        let body = try reopened.perform("groups.get", ["id": "alpha/api"], as: .root).body!
        #expect(body["full_name"] == "Alpha / Api")
        #expect(throws: APIError.self) { try reopened.perform("groups.get", ["id": "gone"], as: .root) }
        #expect(try reopened.userId(username: "root") == 1)
        #expect(try reopened.auditEvents().contains { $0.action == "group.create" && $0.targetPath == "alpha/api" })
    }

    @Test func unknownOperationAndActors() throws {
        let f = try Fixture()
        #expect(f.error("groups.nope")?.status == 404)
        #expect(f.error("groups.list", [:], as: .username("ghost")) == APIError.unauthorized)
        try f.run("users.update", ["id": "bob", "state": "blocked"])
        #expect(f.error("groups.list", [:], as: f.user("bob")) == APIError.unauthorized)
        #expect(try f.run("groups.list", [:], as: .user(id: 1)).status == 200)
    }

    /// A snapshot is one read on one reader connection: operations inside it read, an
    /// operation that writes fails and leaves nothing, and snapshots on several threads
    /// run side by side (the server answers GETs this way).
    @Test func snapshotsReadTogetherAndRefuseWrites() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-snapshot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try GroveStore.open(path: dir.appendingPathComponent("grove.sqlite").path)
        _ = try store.perform("groups.create", ["name": "Alpha", "path": "alpha"], as: .root)
        try store.snapshot {
            #expect(store.isInBlock)
            let status = try store.perform("groups.get", ["id": "alpha"], as: .root).status
            #expect(status == 200)
            #expect(throws: (any Error).self) { try store.perform("groups.create", ["name": "Beta", "path": "beta"], as: .root) }
        }
        #expect(!store.isInBlock)
        #expect((try? store.perform("groups.get", ["id": "beta"], as: .root)) == nil)

        let answered = NSLock(), threads = 8
        nonisolated(unsafe) var found = 0
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            let ok = (try? store.snapshot { try store.perform("groups.get", ["id": "alpha"], as: .root).status == 200 }) ?? false
            answered.lock(); if ok { found += 1 }; answered.unlock()
        }
        #expect(found == threads)
    }

    /// List SQL beyond the statement cache's quota of shapes is compiled per call and
    /// still answers; the quota is never exceeded.
    @Test func varyingSQLPastTheCacheQuotaStillRuns() throws {
        let store = try GroveStore.inMemory()
        let answers = try store.read { db in
            try (0..<(VaryingSQL.limit + 20)).map { n in
                try Int64.fetchOne(db.statement(varyingSQL: "SELECT \(n) + 0 * 1111"), arguments: StatementArguments()) ?? -1
            }
        }
        #expect(answers == (0..<Int64(VaryingSQL.limit + 20)).map { $0 })
        #expect(VaryingSQL.admittedCount <= VaryingSQL.limit)
    }

    /// Reads run through cached statements yet stay read-only, and a write afterwards works:
    /// on the in-memory store (one connection) and on a store file (a pool's reader).
    @Test(arguments: ["memory", "file"]) func readsCannotWrite(kind: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-reads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = kind == "file" ? try GroveStore.open(path: dir.appendingPathComponent("grove.sqlite").path) : try GroveStore.inMemory()
        let rootName = { try store.read { db in try String.fetchOne(db, sql: "SELECT name FROM users WHERE username = 'root'") } }
        #expect(throws: (any Error).self) {
            try store.read { db in try db.execute(sql: "UPDATE users SET name = 'x' WHERE username = 'root'") }
        }
        #expect(try rootName() == "Administrator")
        try store.write { db in try db.execute(sql: "UPDATE users SET name = 'Admin' WHERE username = 'root'") }
        #expect(try rootName() == "Admin")
        // Reads after that write still see it (a cached statement, stepped again).
        for _ in 0..<3 { #expect(try rootName() == "Admin") }
    }
}
