import Foundation
import GroveFormats
import GRDB

/// A push rule's attributes, named as the REST API names them.
struct PushRule: ColumnDecodable {
    var id: Int64
    var createdAt: Int64
    /// Attribute name → value (strings, booleans, `max_file_size`), nulls included.
    var values: [String: JSONValue]

    static let regexLimits: [(name: String, max: Int)] = [
        ("commit_message_regex", 511), ("commit_message_negative_regex", 2047), ("branch_name_regex", 511),
        ("author_email_regex", 511), ("file_name_regex", 511),
    ]
    static let flags = ["deny_delete_tag", "member_check", "prevent_secrets", "commit_committer_name_check"]
    /// Disabled reads as `null` for these until they were set once.
    static let nullableFlags = ["commit_committer_check", "reject_unsigned_commits", "reject_non_dco_commits"]
    static let attributes = regexLimits.map(\.name) + flags + nullableFlags + ["max_file_size"]

    /// The order of `EE::API::Entities::GroupPushRule` (the seed's POST/PUT examples).
    static let responseOrder = [
        "commit_committer_check", "commit_committer_name_check", "reject_unsigned_commits", "reject_non_dco_commits",
        "commit_message_regex", "commit_message_negative_regex", "branch_name_regex", "deny_delete_tag", "member_check",
        "prevent_secrets", "author_email_regex", "file_name_regex", "max_file_size",
    ]

    /// The columns `init(columns:)` reads, in this order.
    static let columns = (["id", "created_at"] + attributes).joined(separator: ", ")

    init(columns c: StatementColumns) throws {
        id = try c.int64(0)
        createdAt = try c.int64(1)
        var v: [String: JSONValue] = [:]
        v.reserveCapacity(Self.attributes.count)
        var i = 2
        for (name, _) in Self.regexLimits { v[name] = try c.optionalString(i).json; i += 1 }
        for name in Self.flags { v[name] = .bool(try c.bool(i)); i += 1 }
        for name in Self.nullableFlags { v[name] = try c.optionalBool(i).json; i += 1 }
        v["max_file_size"] = .int(try c.int64(i))
        values = v
    }

    func string(_ name: String) -> String? { values[name]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
    func flag(_ name: String) -> Bool { values[name]?.boolValue ?? false }
    var maxFileSize: Int64 { values["max_file_size"]?.intValue ?? 0 }

    var json: JSONValue {
        var o = JSONObject(capacity: 2 + Self.responseOrder.count)
        o.append("id", .int(id))
        o.append("created_at", .string(Timestamp.iso8601(createdAt)))
        for name in Self.responseOrder { o.append(name, values[name] ?? .null) }
        return .object(o)
    }

    static func forGroup(_ db: Database, _ groupId: Int64) throws -> PushRule? {
        try PushRule.fetchOne(db, cachedSQL: "SELECT \(columns) FROM push_rules WHERE group_id = ?", arguments: [groupId])
    }

    static func forProject(_ db: Database, _ projectId: Int64) throws -> PushRule? {
        try PushRule.fetchOne(db, cachedSQL: "SELECT \(columns) FROM push_rules WHERE project_id = ?", arguments: [projectId])
    }

    /// The rule that governs a group: its own, else the closest ancestor's.
    static func effective(_ db: Database, for group: GroupRecord) throws -> PushRule? {
        for id in group.selfAndAncestorIds.reversed() {
            if let rule = try forGroup(db, id) { return rule }
        }
        return nil
    }
}
