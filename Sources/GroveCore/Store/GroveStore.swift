import Foundation
import GroveFormats
import GRDB

/// The embedded store and the façade every front end calls: `perform(_:params:as:)` by
/// operation name, typed helpers on top, and the block API (`transaction`, `dryRun`).
///
/// Operations are synchronous. While a block is open on this thread, operations join it
/// as SAVEPOINTs instead of opening a new GRDB write (GRDB writes are not reentrant), so a
/// failing operation leaves nothing half-written and the block can go on. Operations whose
/// checks all precede their writes skip the savepoint (see `writeCheckedFirst`).
///
/// A store file is a `DatabasePool`: one writer connection and read-only reader
/// connections, so reads (most of a server's traffic) run beside each other and beside a
/// write (WAL). The in-memory store is one `DatabaseQueue`.
public final class GroveStore: @unchecked Sendable {
    let database: any DatabaseWriter
    public let registry: OperationRegistry
    /// Base of `web_url` / `avatar_url`.
    public var baseURL: String
    /// Sends hook test deliveries; the core itself makes no HTTP requests.
    public let hookTransport: any HookTransport
    /// The clock; tests move it to pass retention periods.
    public var now: @Sendable () -> Date = { Date() }

    private let blockLock = NSLock()
    /// The open block of each thread: one writing block at most, read snapshots beside it.
    private var openBlocks: [ObjectIdentifier: Block] = [:]

    /// An open block: its connection, and why it can no longer commit, if it cannot (an
    /// operation run without a savepoint failed after writing).
    private final class Block {
        let db: Database
        var unusable: APIError?
        init(_ db: Database) { self.db = db }
    }

    init(database: any DatabaseWriter, baseURL: String, registry: OperationRegistry, hookTransport: any HookTransport) throws {
        self.database = database
        self.hookTransport = hookTransport
        self.baseURL = baseURL
        self.registry = registry
        try Schema.migrator.migrate(database)
    }

    /// Opens (creating if needed) a SQLite file: WAL journal, foreign keys on.
    public static func open(path: String, baseURL: String = "http://localhost:3000", registry: OperationRegistry = .standard(),
                            hookTransport: any HookTransport = NoHookTransport()) throws -> GroveStore {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            SimilarityScore.register(on: db)
            guard !db.configuration.readonly else { return }
            // A larger page cache keeps big blocks (bulk creation in one transaction) from
            // spilling dirty pages to the WAL before commit. Each operation in a block is a
            // savepoint, whose sub-journal (a temp file past 64 KiB) would otherwise be
            // written through the file system at every operation.
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY")
        }
        let store = try GroveStore(database: DatabasePool(path: path, configuration: config), baseURL: baseURL, registry: registry,
                                   hookTransport: hookTransport)
        // What GitLab's adjourned-deletion cron does, done whenever a store file is opened.
        try store.purgeScheduledDeletions()
        return store
    }

    /// A private in-memory store, for tests and dry experiments.
    public static func inMemory(baseURL: String = "http://localhost:3000", registry: OperationRegistry = .standard(),
                                hookTransport: any HookTransport = NoHookTransport()) throws -> GroveStore {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in SimilarityScore.register(on: db) }
        return try GroveStore(database: DatabaseQueue(configuration: config), baseURL: baseURL, registry: registry, hookTransport: hookTransport)
    }

    // MARK: Block API

    /// Runs `body` in one transaction: commit when it returns, roll back when it throws.
    /// Operations called inside join it; a nested block becomes a savepoint.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if let block = currentBlockState() {
            let unusableBefore = block.unusable
            do {
                return try savepoint(block.db) { _ in try body() }
            } catch {
                // The savepoint took back everything since it began.
                block.unusable = unusableBefore
                throw error
            }
        }
        var result: T?
        try namingFullStore {
            try database.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let block = enterBlock(db)
                    defer { leaveBlock() }
                    result = try body()
                    if let reason = block.unusable { throw reason }
                    return .commit
                }
            }
        }
        return try readBack(result)
    }

    /// Runs `body` like `transaction`, then always rolls back, returning what it produced
    /// and the audit events it recorded (what it *would* have done).
    public func dryRun<T>(_ body: () throws -> T) throws -> (T, [AuditEvent]) {
        if let block = currentBlockState() {
            // Inside an open block: a savepoint that is rolled back.
            let db = block.db
            let unusableBefore = block.unusable
            defer { block.unusable = unusableBefore }
            var out: (T, [AuditEvent])?
            try db.inSavepoint {
                out = try rehearse(db, block, body)
                return .rollback
            }
            return try readBack(out)
        }
        var out: (T, [AuditEvent])?
        try database.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                let block = enterBlock(db)
                defer { leaveBlock() }
                out = try rehearse(db, block, body)
                return .rollback
            }
        }
        return try readBack(out)
    }

    /// `body` run in `block`, and every audit event it recorded (a dry run lists them all).
    private func rehearse<T>(_ db: Database, _ block: Block, _ body: () throws -> T) throws -> (T, [AuditEvent]) {
        let before = try AuditLog.lastId(db)
        let value = try body()
        // What the real run would meet: a block that cannot commit.
        if let reason = block.unusable { throw reason }
        return (value, try AuditLog.events(db, afterId: before, limit: nil))
    }

    /// Runs `body` in one read transaction: the operations it calls share one snapshot and
    /// one connection (the server answers a GET, token look-up included, with one). An
    /// operation that writes fails inside it. Inside an open block it is that block.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        if currentBlock() != nil { return try body() }
        return try read { db in
            enterBlock(db)
            defer { leaveBlock() }
            return try body()
        }
    }

    /// True while a block is open on the calling thread.
    public var isInBlock: Bool { currentBlock() != nil }

    private func currentBlock() -> Database? { currentBlockState()?.db }

    private func currentBlockState() -> Block? {
        let thread = ObjectIdentifier(Thread.current)
        blockLock.lock(); defer { blockLock.unlock() }
        return openBlocks[thread]
    }

    @discardableResult
    private func enterBlock(_ db: Database) -> Block {
        let thread = ObjectIdentifier(Thread.current)
        let block = Block(db)
        blockLock.lock(); openBlocks[thread] = block; blockLock.unlock()
        return block
    }

    private func leaveBlock() {
        let thread = ObjectIdentifier(Thread.current)
        blockLock.lock(); openBlocks[thread] = nil; blockLock.unlock()
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
        try namingFullStore {
            if let block = currentBlockState() {
                if let reason = block.unusable { throw reason }
                return try savepoint(block.db, body)
            }
            return try database.writeWithoutTransaction { db in try db.immediateTransaction(body) }
        }
    }

    /// SQLite's `database or disk is full` as the error of this store's file, so that a
    /// script or server stopped by a full disk says which file could not grow.
    private func namingFullStore<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw StoreFullError(path: database.path, detail: error.message ?? "database or disk is full")
        }
    }

    /// A write unit whose checks all come before its first write (`checksBeforeWriting`):
    /// inside an open block it runs without a savepoint. A refusal has written nothing; a
    /// failure after writing cannot be taken back alone, so the block is marked unable to
    /// commit (its operations and its commit then fail, and it rolls back whole).
    func writeCheckedFirst<T>(_ body: (Database) throws -> T) throws -> T {
        guard let block = currentBlockState() else { return try write(body) }
        return try namingFullStore { try writeInBlockWithoutSavepoint(block, body) }
    }

    private func writeInBlockWithoutSavepoint<T>(_ block: Block, _ body: (Database) throws -> T) throws -> T {
        if let reason = block.unusable { throw reason }
        let changesBefore = block.db.totalChangesCount
        do {
            return try body(block.db)
        } catch {
            if block.db.totalChangesCount != changesBefore {
                block.unusable = APIError(status: 500, body: .message(
                    "500 Internal Server Error - the transaction cannot commit: an operation failed after writing (\(error))"))
            }
            throw error
        }
    }

    /// True when reads have connections of their own (a store file): they never wait for a
    /// write in progress.
    public var readsRunBesideWrites: Bool { database is DatabasePool }

    /// One read unit: inside an open block it sees the block's uncommitted writes; else a
    /// reader connection of the pool (the queue's one connection for the in-memory store).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        if let db = currentBlock() { return try body(db) }
        if let pool = database as? DatabasePool {
            return try pool.unsafeRead { db in try db.readOnlyTransaction(body) }
        }
        return try database.writeWithoutTransaction { db in try db.readOnlyTransaction(body) }
    }

    // MARK: Generic entry point

    /// Runs the operation registered under `name` (`groups.create` ...). Parameters are
    /// checked against its description; unknown names are an error unless `ignoreUnknown`
    /// (REST may ignore them, Lua never does).
    public func perform(_ name: String, params: JSONObject = JSONObject(), as actor: Actor, ignoreUnknown: Bool = false) throws -> OperationResult {
        try perform(name, params: params, as: actor, ignoreUnknown: ignoreUnknown, list: nil)
    }

    /// A list operation asked by key instead of by page (in-process iteration): the next
    /// `limit` items after a key, with `page.continuation` to go on from, and no totals; or
    /// `.count` (an empty body and `page.total`), which reads no item. The items come in
    /// `presented` where the operation's presenter can present them after its transaction
    /// (a loop presents each into a Lua table), else in `body`: `items` reads either.
    public func perform(_ name: String, params: JSONObject, as actor: Actor, list: ListRequest) throws -> OperationResult {
        try perform(name, params: params, as: actor, ignoreUnknown: false, list: list)
    }

    private func perform(_ name: String, params: JSONObject, as actor: Actor, ignoreUnknown: Bool, list: ListRequest?) throws -> OperationResult {
        guard let operation = registry[name] else {
            throw APIError.grape("unknown operation \(name)", status: 404)
        }
        var parsed = try ParamParser.parse(params, for: operation.descriptor, ignoreUnknown: ignoreUnknown)
        if let list {
            guard operation.descriptor.pagination.isPaged else { throw APIError.grape("\(name) is not a list", status: 400) }
            if case .after(_, let limit) = list, limit < 1 { throw APIError.grape("limit must be at least 1", status: 400) }
            parsed.list = list
        }
        let run = { (db: Database) throws -> OperationResult in
            let context = try OperationContext(store: self, db: db, actor: actor, mutating: operation.descriptor.isMutation)
            return try operation.run(context, parsed)
        }
        let result: OperationResult
        if !operation.descriptor.isMutation { result = try read(run) }
        else if operation.descriptor.checksBeforeWriting { result = try writeCheckedFirst(run) }
        else { result = try write(run) }
        if let after = result.afterTransaction { return try after(self) }
        return result
    }

    public func perform(_ name: String, _ params: JSONObject, as actor: Actor) throws -> OperationResult {
        try perform(name, params: params, as: actor)
    }

    // MARK: Audit

    /// Audit events, oldest first, optionally after an id or from an instant.
    /// `limit` nil: all of them.
    public func auditEvents(afterId: Int64? = nil, since: Date? = nil, limit: Int? = 1000) throws -> [AuditEvent] {
        try read { db in try AuditLog.events(db, afterId: afterId, since: since.map(Timestamp.millis), limit: limit) }
    }

    /// The id of the latest audit event (0 when there is none): what comes after it is new.
    public func lastAuditEventId() throws -> Int64 { try read { db in try AuditLog.lastId(db) } }

    // MARK: Users

    /// Resolves a username to its id (nil when no such user).
    public func userId(username: String) throws -> Int64? {
        try read { db in try UserRecord.find(db, username: username)?.id }
    }

    /// Whether the store has a user with this id.
    public func hasUser(id: Int64) throws -> Bool {
        try read { db in try UserRecord.find(db, id: id) != nil }
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

/// A write the store's file system had no room for. What was committed before stays; the
/// write in progress was rolled back whole.
public struct StoreFullError: Error, CustomStringConvertible {
    public let path: String
    public let detail: String
    public var description: String { "the store \(path) is full (\(detail)): free some space on its file system; what was written before is kept" }
}
