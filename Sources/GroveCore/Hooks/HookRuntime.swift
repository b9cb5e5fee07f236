import Foundation
import GroveFormats
import GRDB

/// One recorded delivery (`WebHookLog`): secrets in headers are masked.
public struct HookDeliveryRecord: Sendable {
    public let id: Int64
    public let hookId: Int64
    public let trigger: String
    public let url: String
    public let requestHeaders: [(String, String)]
    public let requestData: String
    public let responseStatus: Int?
    public let responseBody: String
    public let error: String?
    public let executionDuration: Double
    public let createdAt: Int64

    var json: JSONValue {
        .object([
            ("id", .int(id)), ("hook_id", .int(hookId)), ("trigger", .string(trigger)), ("url", .string(url)),
            ("request_headers", .object(requestHeaders.map { ($0.0, .string($0.1)) })), ("request_data", .string(requestData)),
            ("response_status", responseStatus.map { .int($0) } ?? .string("internal error")), ("response_body", .string(responseBody)),
            ("internal_error_message", error.json), ("execution_duration", .double(executionDuration)),
            ("created_at", .string(Timestamp.iso8601(createdAt))),
        ])
    }
}

/// The `web_hook_logs` table: the last `keptPerHook` deliveries of each hook.
enum HookDeliveryLog {
    static let keptPerHook = 1000

    static func insert(_ db: Database, hookId: Int64, trigger: String, url: String, requestHeaders: [(String, String)], requestData: String,
                       outcome: HookDeliveryOutcome, at createdAt: Int64) throws {
        let headers = JSONText.encode(.object(requestHeaders.map { ($0.0, .string($0.1)) }))
        try db.execute(sql: """
            INSERT INTO web_hook_logs (hook_id, trigger, url, request_headers, request_data, response_status, response_body,
                                       internal_error_message, execution_duration, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [hookId, trigger, url, headers, requestData, outcome.status, outcome.body, outcome.error, outcome.durationSeconds, createdAt])
        try db.execute(sql: """
            DELETE FROM web_hook_logs WHERE hook_id = ? AND id <= (
                SELECT id FROM web_hook_logs WHERE hook_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)
            """, arguments: [hookId, hookId, keptPerHook])
    }

    /// A hook's deliveries, oldest first.
    static func deliveries(_ db: Database, hookId: Int64) throws -> [HookDeliveryRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM web_hook_logs WHERE hook_id = ? ORDER BY id", arguments: [hookId]).map(delivery)
    }

    static func deliveries(_ db: Database, hookId: Int64, params: Params) throws -> ([HookDeliveryRecord], PageInfo) {
        var f = QueryFilter()
        f.add("hook_id = ?", [hookId])
        let (rows, page): ([Row], PageInfo) = try Paginator.offset(db, select: "SELECT * FROM web_hook_logs", filter: f,
                                                                    order: ListOrder([.asc("id")]), params: params, countFrom: "FROM web_hook_logs")
        return (try rows.map(delivery), page)
    }

    private static func delivery(_ row: Row) throws -> HookDeliveryRecord {
        let headers = (try? JSONText.decode((try row.column("request_headers") as String)))?.objectValue ?? JSONObject()
        return HookDeliveryRecord(
            id: try row.column("id"), hookId: try row.column("hook_id"), trigger: try row.column("trigger"), url: try row.column("url"),
            requestHeaders: headers.map { ($0.key, $0.value.stringValue ?? "") }, requestData: try row.column("request_data"),
            responseStatus: ((try row.column("response_status") as Int64?)).map { Int($0) }, responseBody: try row.column("response_body"),
            error: try row.column("internal_error_message"), executionDuration: try row.column("execution_duration"), createdAt: try row.column("created_at"))
    }
}

/// Per-store state that must survive an operation's rollback: the test rate limit (a
/// refused or failed test still counts as an attempt).
final class HookRuntime: @unchecked Sendable {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var byStore: [ObjectIdentifier: (store: WeakStore, runtime: HookRuntime)] = [:]

    final class WeakStore { weak var store: GroveStore?; init(_ s: GroveStore) { store = s } }

    static func of(_ store: GroveStore) -> HookRuntime {
        lock.lock(); defer { lock.unlock() }
        let key = ObjectIdentifier(store)
        // A new store at a recycled address starts fresh.
        if let entry = byStore[key], entry.store.store === store { return entry.runtime }
        byStore = byStore.filter { $0.value.store.store != nil }
        let runtime = HookRuntime()
        byStore[key] = (WeakStore(store), runtime)
        return runtime
    }

    private let lock = NSLock()
    private var attempts: [String: [Int64]] = [:]

    /// `web_hook_test`: 5 requests a minute per (group, user).
    func allowTest(groupId: Int64, userId: Int64, now: Int64, limit: Int = 5) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let key = "\(groupId)/\(userId)"
        var recent = (attempts[key] ?? []).filter { now - $0 < 60_000 }
        guard recent.count < limit else { attempts[key] = recent; return false }
        recent.append(now)
        attempts[key] = recent
        return true
    }
}

extension GroveStore {
    /// Deliveries of a hook, oldest first (the last 1000 of each hook).
    public func hookDeliveries(hookId: Int64) throws -> [HookDeliveryRecord] { try read { db in try HookDeliveryLog.deliveries(db, hookId: hookId) } }
}
