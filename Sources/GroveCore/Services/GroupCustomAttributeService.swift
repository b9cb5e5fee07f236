import GRDB

/// A group's custom attributes (GitLab's `GroupCustomAttribute`): key/value pairs only
/// administrators see and change.
struct GroupCustomAttributeService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    static func json(key: String, value: String) -> JSONValue { .object([("key", .string(key)), ("value", .string(value))]) }

    func value(_ group: GroupRecord, key: String) throws -> String? {
        try String.fetchOne(ctx.db, sql: "SELECT value FROM group_custom_attributes WHERE group_id = ? AND key = ?", arguments: [group.id, key])
    }

    func set(_ group: GroupRecord, key: String, value: String) throws {
        let old = try self.value(group, key: key)
        try ctx.db.execute(sql: "INSERT INTO group_custom_attributes (group_id, key, value) VALUES (?, ?, ?) ON CONFLICT(group_id, key) DO UPDATE SET value = excluded.value",
                           arguments: [group.id, key, value])
        try ctx.audit("group.custom_attribute.set", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: key, old: old.json, new: .string(value))])
    }

    func delete(_ group: GroupRecord, key: String) throws {
        guard let old = try value(group, key: key) else { throw APIError.notFound("Custom Attribute") }
        try ctx.db.execute(sql: "DELETE FROM group_custom_attributes WHERE group_id = ? AND key = ?", arguments: [group.id, key])
        try ctx.audit("group.custom_attribute.delete", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: key, old: .string(old), new: .null)])
    }
}
