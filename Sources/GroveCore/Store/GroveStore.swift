import Foundation
import GRDB

/// The embedded store and the façade every front end calls: `perform(_:params:as:)` by
/// operation name, typed helpers on top, and the block API (`transaction`, `dryRun`).
///
/// Operations are synchronous. While a block is open on this thread, operations join it
/// as SAVEPOINTs instead of opening a new GRDB write (GRDB writes are not reentrant), so a
/// failing operation leaves nothing half-written and the block can go on.
public final class GroveStore: @unchecked Sendable {
    let dbQueue: DatabaseQueue
    public let registry: OperationRegistry
    /// Base of `web_url` / `avatar_url`.
    public var baseURL: String
    /// The clock; tests move it to pass retention periods.
    public var now: @Sendable () -> Date = { Date() }

    private let blockLock = NSLock()
    private var openBlock: (db: Database, thread: Thread)?

    init(dbQueue: DatabaseQueue, baseURL: String, registry: OperationRegistry) throws {
        self.dbQueue = dbQueue
        self.baseURL = baseURL
        self.registry = registry
        try Schema.migrator.migrate(dbQueue)
    }

    /// Opens (creating if needed) a SQLite file: WAL journal, foreign keys on.
    public static func open(path: String, baseURL: String = "http://localhost:3000", registry: OperationRegistry = .standard()) throws -> GroveStore {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // A larger page cache keeps big blocks (bulk creation in one transaction) from
            // spilling dirty pages to the WAL before commit.
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536")
        }
        let store = try GroveStore(dbQueue: DatabaseQueue(path: path, configuration: config), baseURL: baseURL, registry: registry)
        // What GitLab's adjourned-deletion cron does, done whenever a store file is opened.
        try store.purgeScheduledDeletions()
        return store
    }

    /// A private in-memory store, for tests and dry experiments.
    public static func inMemory(baseURL: String = "http://localhost:3000", registry: OperationRegistry = .standard()) throws -> GroveStore {
        var config = Configuration()
        config.foreignKeysEnabled = true
        return try GroveStore(dbQueue: DatabaseQueue(configuration: config), baseURL: baseURL, registry: registry)
    }

    // MARK: Block API

    /// Runs `body` in one transaction: commit when it returns, roll back when it throws.
    /// Operations called inside join it; a nested block becomes a savepoint.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if let db = currentBlock() { return try savepoint(db) { _ in try body() } }
        var result: T?
        try dbQueue.inTransaction(.immediate) { db in
            enterBlock(db)
            defer { leaveBlock() }
            result = try body()
            return .commit
        }
        return result!
    }

    /// Runs `body` like `transaction`, then always rolls back, returning what it produced
    /// and the audit events it recorded (what it *would* have done).
    public func dryRun<T>(_ body: () throws -> T) throws -> (T, [AuditEvent]) {
        if let db = currentBlock() {
            // Inside an open block: a savepoint that is rolled back.
            var out: (T, [AuditEvent])?
            try db.inSavepoint {
                let before = try AuditLog.lastId(db)
                let value = try body()
                out = (value, try AuditLog.events(db, afterId: before))
                return .rollback
            }
            return out!
        }
        var out: (T, [AuditEvent])?
        try dbQueue.inTransaction(.immediate) { db in
            enterBlock(db)
            defer { leaveBlock() }
            let before = try AuditLog.lastId(db)
            let value = try body()
            out = (value, try AuditLog.events(db, afterId: before))
            return .rollback
        }
        return out!
    }

    /// True while a block is open on the calling thread.
    public var isInBlock: Bool { currentBlock() != nil }

    private func currentBlock() -> Database? {
        blockLock.lock(); defer { blockLock.unlock() }
        guard let block = openBlock, block.thread === Thread.current else { return nil }
        return block.db
    }

    private func enterBlock(_ db: Database) {
        blockLock.lock(); openBlock = (db, Thread.current); blockLock.unlock()
    }

    private func leaveBlock() {
        blockLock.lock(); openBlock = nil; blockLock.unlock()
    }

    /// A savepoint through cached statements (GRDB's `inSavepoint` compiles its SQL on
    /// every call, which dominated operations inside blocks).
    private func savepoint<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        try db.run(sql: "SAVEPOINT grove_operation")
        do {
            let result = try body(db)
            try db.run(sql: "RELEASE SAVEPOINT grove_operation")
            return result
        } catch {
            try db.run(sql: "ROLLBACK TO SAVEPOINT grove_operation")
            try db.run(sql: "RELEASE SAVEPOINT grove_operation")
            throw error
        }
    }

    /// One write unit: a savepoint inside an open block, else its own transaction.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        if let db = currentBlock() { return try savepoint(db, body) }
        return try dbQueue.writeWithoutTransaction { db in try db.immediateTransaction(body) }
    }

    /// One read unit: inside an open block it sees the block's uncommitted writes.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        if let db = currentBlock() { return try body(db) }
        return try dbQueue.writeWithoutTransaction { db in try db.readOnlyTransaction(body) }
    }

    // MARK: Generic entry point

    /// Runs the operation registered under `name` (`groups.create` ...). Parameters are
    /// checked against its description; unknown names are an error unless `ignoreUnknown`
    /// (REST may ignore them, Lua never does).
    public func perform(_ name: String, params: JSONObject = JSONObject(), as actor: Actor, ignoreUnknown: Bool = false) throws -> OperationResult {
        guard let operation = registry[name] else {
            throw APIError.grape("unknown operation \(name)", status: 404)
        }
        let parsed = try ParamParser.parse(params, for: operation.descriptor, ignoreUnknown: ignoreUnknown)
        let run = { (db: Database) throws -> OperationResult in
            let context = try OperationContext(store: self, db: db, actor: actor, mutating: operation.descriptor.isMutation)
            return try operation.run(context, parsed)
        }
        let result = operation.descriptor.isMutation ? try write(run) : try read(run)
        if let error = result.errorAfterCommit { throw error }
        return result
    }

    public func perform(_ name: String, _ params: JSONObject, as actor: Actor) throws -> OperationResult {
        try perform(name, params: params, as: actor)
    }

    // MARK: Audit

    /// Audit events, oldest first, optionally after an id or from an instant.
    public func auditEvents(afterId: Int64? = nil, since: Date? = nil, limit: Int = 1000) throws -> [AuditEvent] {
        try read { db in try AuditLog.events(db, afterId: afterId, since: since.map(Timestamp.millis), limit: limit) }
    }

    // MARK: Users

    /// Resolves a username to its id (nil when no such user).
    public func userId(username: String) throws -> Int64? {
        try read { db in try UserRecord.find(db, username: username)?.id }
    }

    /// Purges groups whose deletion retention has passed (GitLab's adjourned-deletion
    /// cron). Also available as the operation `groups.purge_scheduled`.
    @discardableResult
    public func purgeScheduledDeletions() throws -> [String] {
        try write { db in
            let ctx = try OperationContext(store: self, db: db, actor: .root, mutating: true)
            return try GroupDestroyService(ctx).purgeDue()
        }
    }
}
