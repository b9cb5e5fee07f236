import GroveFormats
import GRDB

/// Custom attributes on groups (`lib/api/custom_attributes_endpoints.rb`): administrators only.
enum GroupCustomAttributeOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "groups.custom_attributes", "Custom attributes of groups (administrators)")
        let id = ParamSpec("id", .idOrPath, required: true, "The ID or URL-encoded path of the group")
        let key = ParamSpec("key", .string, required: true, "The key of the custom attribute")
        registry.add(OperationDescriptor("groups.custom_attributes.list", "GET", "/groups/:id/custom_attributes", summary: "List a group's custom attributes (administrators)", params: [id])) { ctx, p in
            try ctx.requireAdmin()
            return .ok(try GroupPresenter(ctx: ctx).customAttributes(try ctx.findGroup(p["id"])))
        }
        registry.add(OperationDescriptor("groups.custom_attributes.get", "GET", "/groups/:id/custom_attributes/:key", summary: "Get one custom attribute (administrators)", params: [id, key])) { ctx, p in
            try ctx.requireAdmin()
            let group = try ctx.findGroup(p["id"])
            guard let value = try String.fetchOne(ctx.db, sql: "SELECT value FROM group_custom_attributes WHERE group_id = ? AND key = ?", arguments: [group.id, p.string("key")]) else {
                throw APIError.notFound("Custom Attribute")
            }
            return .ok(.object([("key", .string(try p.required.string("key"))), ("value", .string(value))]))
        }
        registry.add(OperationDescriptor("groups.custom_attributes.set", "PUT", "/groups/:id/custom_attributes/:key", summary: "Set a custom attribute (administrators)",
                                         params: [id, key, ParamSpec("value", .string, required: true, "The value of the custom attribute")])) { ctx, p in
            try ctx.requireAdmin()
            let group = try ctx.findGroup(p["id"])
            let k = try p.required.string("key"), v = try p.required.string("value")
            let old = try String.fetchOne(ctx.db, sql: "SELECT value FROM group_custom_attributes WHERE group_id = ? AND key = ?", arguments: [group.id, k])
            try ctx.db.execute(sql: "INSERT INTO group_custom_attributes (group_id, key, value) VALUES (?, ?, ?) ON CONFLICT(group_id, key) DO UPDATE SET value = excluded.value",
                               arguments: [group.id, k, v])
            try ctx.audit("group.custom_attribute.set", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: k, old: old.json, new: .string(v))])
            return .ok(.object([("key", .string(k)), ("value", .string(v))]))
        }
        registry.add(OperationDescriptor("groups.custom_attributes.delete", "DELETE", "/groups/:id/custom_attributes/:key", summary: "Delete a custom attribute (administrators)", success: 204, params: [id, key])) { ctx, p in
            try ctx.requireAdmin()
            let group = try ctx.findGroup(p["id"])
            let k = try p.required.string("key")
            guard let old = try String.fetchOne(ctx.db, sql: "SELECT value FROM group_custom_attributes WHERE group_id = ? AND key = ?", arguments: [group.id, k]) else {
                throw APIError.notFound("Custom Attribute")
            }
            try ctx.db.execute(sql: "DELETE FROM group_custom_attributes WHERE group_id = ? AND key = ?", arguments: [group.id, k])
            try ctx.audit("group.custom_attribute.delete", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: k, old: .string(old), new: .null)])
            return .noContent
        }
    }
}
