/// Custom attributes on groups (`lib/api/custom_attributes_endpoints.rb`): administrators only.
enum GroupCustomAttributeOperations: OperationModule {
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "groups.custom_attributes", "Custom attributes of groups (administrators)")
        let id = GroupParams.id
        let key = ParamSpec("key", .string, required: true, "The key of the custom attribute")
        registry.add(OperationDescriptor("groups.custom_attributes.list", "GET", "/groups/:id/custom_attributes", result: ResultShapes.customAttribute, summary: "List a group's custom attributes (administrators)", pagination: .unpaged, params: [id])) { ctx, p in
            try ctx.requireAdmin()
            return .ok(try GroupPresenter(ctx: ctx).customAttributes(try ctx.findGroup(p["id"])))
        }
        registry.add(OperationDescriptor("groups.custom_attributes.get", "GET", "/groups/:id/custom_attributes/:key", result: ResultShapes.customAttribute, summary: "Get one custom attribute (administrators)", params: [id, key])) { ctx, p in
            try ctx.requireAdmin()
            let k = try p.required.string("key")
            guard let value = try GroupCustomAttributeService(ctx).value(try ctx.findGroup(p["id"]), key: k) else { throw APIError.notFound("Custom Attribute") }
            return .ok(GroupCustomAttributeService.json(key: k, value: value))
        }
        registry.add(OperationDescriptor("groups.custom_attributes.set", "PUT", "/groups/:id/custom_attributes/:key", result: ResultShapes.customAttribute, summary: "Set a custom attribute (administrators)",
                                         params: [id, key, ParamSpec("value", .string, required: true, "The value of the custom attribute")])) { ctx, p in
            try ctx.requireAdmin()
            let k = try p.required.string("key"), v = try p.required.string("value")
            try GroupCustomAttributeService(ctx).set(try ctx.findGroup(p["id"]), key: k, value: v)
            return .ok(GroupCustomAttributeService.json(key: k, value: v))
        }
        registry.add(OperationDescriptor("groups.custom_attributes.delete", "DELETE", "/groups/:id/custom_attributes/:key", summary: "Delete a custom attribute (administrators)", success: 204, params: [id, key])) { ctx, p in
            try ctx.requireAdmin()
            try GroupCustomAttributeService(ctx).delete(try ctx.findGroup(p["id"]), key: try p.required.string("key"))
            return .noContent
        }
    }
}
