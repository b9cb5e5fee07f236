import GroveFormats
import GRDB

/// One recorded mutation. Dry runs print these, so they say what changed in words:
/// `group.update platform/api: visibility private → internal`.
public struct AuditEvent: Sendable, Equatable, JSONRepresentable, CustomStringConvertible {
    public struct Change: Sendable, Equatable {
        public let attribute: String
        public let old: JSONValue
        public let new: JSONValue

        public init(attribute: String, old: JSONValue, new: JSONValue) {
            self.attribute = attribute
            self.old = old
            self.new = new
        }
    }

    public let id: Int64
    public let createdAt: Int64
    public let actorId: Int64?
    public let actorUsername: String
    public let action: String
    public let targetType: String
    public let targetId: Int64?
    public let targetPath: String?
    public let changes: [Change]

    public var json: JSONValue {
        .object([
            ("id", .int(id)),
            ("created_at", .string(Timestamp.iso8601(createdAt))),
            ("author_id", actorId.json),
            ("author_username", .string(actorUsername)),
            ("action", .string(action)),
            ("entity_type", .string(targetType)),
            ("entity_id", targetId.json),
            ("entity_path", targetPath.json),
            ("changes", .array(changes.map { .object([("attribute", .string($0.attribute)), ("from", $0.old), ("to", $0.new)]) })),
        ])
    }

    public var description: String {
        var text = "\(action) \(targetPath ?? targetId.map { "#\($0)" } ?? targetType) by @\(actorUsername)"
        if !changes.isEmpty {
            text += ": " + changes.map { c in
                c.old.isNull ? "\(c.attribute) = \(c.new)" : "\(c.attribute) \(c.old) → \(c.new)"
            }.joined(separator: ", ")
        }
        return text
    }
}

/// Appends and lists audit events. Secret attributes are redacted before they are stored.
enum AuditLog {
    static let secretAttributes: Set<String> = ["runners_token", "token", "password", "avatar"]

    static func record(_ db: Database, caller: Caller, now: Int64, action: String, targetType: String,
                       targetId: Int64?, targetPath: String?, changes: [AuditEvent.Change] = []) throws {
        // `[{"attribute":...,"from":...,"to":...}, ...]`, written straight to bytes.
        var stored = JSONText.Writer()
        stored.raw("[")
        for (i, change) in changes.enumerated() {
            let redact = secretAttributes.contains(change.attribute)
            if i > 0 { stored.raw(",") }
            stored.raw("{\"attribute\":")
            stored.string(change.attribute)
            stored.raw(",\"from\":")
            stored.value(redact && !change.old.isNull ? "[REDACTED]" : change.old)
            stored.raw(",\"to\":")
            stored.value(redact && !change.new.isNull ? "[REDACTED]" : change.new)
            stored.raw("}")
        }
        stored.raw("]")
        try db.run(sql: """
            INSERT INTO audit_events (created_at, actor_id, actor_username, action, target_type, target_id, target_path, changes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [now, caller.id, caller.username, action, targetType, targetId, targetPath, stored.text])
    }

    static func lastId(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, cachedSQL: "SELECT COALESCE(MAX(id), 0) FROM audit_events") ?? 0
    }

    /// `limit` nil: every event after `afterId`.
    static func events(_ db: Database, afterId: Int64? = nil, since: Int64? = nil, newestFirst: Bool = false, limit: Int? = 1000) throws -> [AuditEvent] {
        var sql = "SELECT * FROM audit_events WHERE 1"
        var args: [any DatabaseValueConvertible] = []
        if let afterId { sql += " AND id > ?"; args.append(afterId) }
        if let since { sql += " AND created_at >= ?"; args.append(since) }
        sql += newestFirst ? " ORDER BY id DESC" : " ORDER BY id"
        if let limit { sql += " LIMIT ?"; args.append(limit) }
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(event)
    }

    /// `audit.list` and `GET /audit_events`: a page of events in id order, by key in-process.
    static func list(_ db: Database, _ params: Params) throws -> ([AuditEvent], PageInfo) {
        var f = QueryFilter()
        if let afterId = params.int("after_id") { f.add("id > ?", [afterId]) }
        if let since = params.int("created_after") { f.add("created_at >= ?", [since]) }
        if let until = params.int("created_before") { f.add("created_at <= ?", [until]) }
        let order = ListOrder([OrderTerm("id", descending: params.string("order") == "desc")])
        let (rows, page): ([Row], PageInfo) = try Paginator.offset(db, select: "SELECT * FROM audit_events", filter: f, order: order,
                                                                    params: params, countFrom: "FROM audit_events")
        return (try rows.map(event), page)
    }

    private static func event(_ row: Row) throws -> AuditEvent {
        let changesText: String = try row.column("changes")
        // Written by `record` as JSON; a row that does not decode is a damaged store.
        let changes = try JSONText.decode(changesText).arrayValue.map { items in
            items.map { AuditEvent.Change(attribute: $0["attribute"]?.stringValue ?? "", old: $0["from"] ?? .null, new: $0["to"] ?? .null) }
        } ?? []
        return AuditEvent(id: try row.column("id"), createdAt: try row.column("created_at"), actorId: try row.column("actor_id"), actorUsername: try row.column("actor_username"),
                          action: try row.column("action"), targetType: try row.column("target_type"), targetId: try row.column("target_id"),
                          targetPath: try row.column("target_path"), changes: changes)
    }
}
