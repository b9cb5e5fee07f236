import GroveFormats
import GRDB

/// `/groups/:id/hooks`: group web hooks (owners), their secrets, and test deliveries.
enum GroupHookOperations: OperationModule {
    static let id = GroupParams.id
    static let hookId = ParamSpec("hook_id", .integer, required: true, "The ID of a group hook")

    static func attributes(urlRequired: Bool) -> [ParamSpec] {
        [
            ParamSpec("url", .string, required: urlRequired, "The hook URL; {name} placeholders are filled from url_variables"),
            ParamSpec("name", .string, "Name of the hook"),
            ParamSpec("description", .string, "Description of the hook"),
        ] + HookEvent.flags.map { flag in
            ParamSpec(flag, .boolean, default: flag == "push_events" ? true : nil, "Trigger hook on \(HookEvent.words(flag)) events")
        } + [
            ParamSpec("push_events_branch_filter", .string, "Trigger hook on push events for matching branches only"),
            ParamSpec("branch_filter_strategy", .enumeration(["wildcard", "regex", "all_branches"]), default: "wildcard", "Filter push events by branch: wildcard, regex or all_branches"),
            ParamSpec("enable_ssl_verification", .boolean, default: true, "Do SSL verification when triggering the hook"),
            ParamSpec("token", .string, "Secret token to validate received payloads; not returned in the response"),
            ParamSpec("custom_webhook_template", .string, "Custom webhook template for the hook ({{field.path}} placeholders; max 4096)"),
            ParamSpec("custom_headers", .hashArray, "Custom headers for the hook: [{key, value}] (values are never returned)"),
            ParamSpec("url_variables", .hashArray, "URL variables for the hook: [{key, value}] (values are never returned)"),
        ]
    }

    static func register(into registry: OperationRegistry) {
        registry.describe(module: "hooks", "Group webhooks, with test deliveries")
        registry.describe(module: "groups.hooks.custom_headers", "Custom headers of a group hook (also hooks.set_header, hooks.delete_header)")
        registry.describe(module: "groups.hooks.url_variables", "URL variables of a group hook (also hooks.set_url_variable, hooks.delete_url_variable)")
        registry.add(OperationDescriptor("groups.hooks.list", "GET", "/groups/:id/hooks", lua: "hooks.list", result: ResultShapes.hook, summary: "List group hooks (Owner)", pagination: .offset, params: [id])) { ctx, p in
            let (hooks, page) = try GroupHookService(ctx).list(try ctx.group(p["id"], may: .adminWebHook), p)
            return OperationResult(status: 200, body: .array(hooks.map(\.json)), page: page)
        }
        registry.add(OperationDescriptor("groups.hooks.get", "GET", "/groups/:id/hooks/:hook_id", lua: "hooks.get", result: ResultShapes.hook, summary: "Get a group hook (Owner)", params: [id, hookId])) { ctx, p in
            let service = GroupHookService(ctx)
            return .ok(try service.find(try ctx.group(p["id"], may: .adminWebHook), p.int("hook_id")).json)
        }
        registry.add(OperationDescriptor("groups.hooks.create", "POST", "/groups/:id/hooks", lua: "hooks.add",
                                         example: "hooks.add(\"platform\", {url = \"https://ci.example.com/hook\", push_events = true, token = \"s3cret\"})", result: ResultShapes.hook, summary: "Add a group hook (Owner)", params: [id] + attributes(urlRequired: true))) { ctx, p in
            let service = GroupHookService(ctx)
            return .ok(try service.create(try ctx.group(p["id"], may: .adminWebHook), p).json, status: 201)
        }
        registry.add(OperationDescriptor("groups.hooks.update", "PUT", "/groups/:id/hooks/:hook_id", lua: "hooks.edit",
                                         result: ResultShapes.hook, summary: "Edit a group hook (Owner); a new url without a token drops the token", params: [id, hookId] + attributes(urlRequired: false))) { ctx, p in
            let service = GroupHookService(ctx)
            let group = try ctx.group(p["id"], may: .adminWebHook)
            return .ok(try service.update(group, try service.find(group, p.int("hook_id")), p).json)
        }
        registry.add(OperationDescriptor("groups.hooks.delete", "DELETE", "/groups/:id/hooks/:hook_id", lua: "hooks.delete", summary: "Delete a group hook (Owner)", success: 204, params: [id, hookId])) { ctx, p in
            let service = GroupHookService(ctx)
            let group = try ctx.group(p["id"], may: .adminWebHook)
            try service.delete(group, try service.find(group, p.int("hook_id")))
            return .noContent
        }
        for (kind, segment, noun) in [(GroupHookService.PairKind.urlVariable, "url_variables", "URL variable"), (.customHeader, "custom_headers", "custom header")] {
            let prefix = kind == .urlVariable ? "groups.hooks.url_variables" : "groups.hooks.custom_headers"
            let luaNoun = kind == .urlVariable ? "url_variable" : "header"
            let key = ParamSpec("key", .string, required: true, "The key of the \(noun)")
            registry.add(OperationDescriptor("\(prefix).set", "PUT", "/groups/:id/hooks/:hook_id/\(segment)/:key", lua: "hooks.set_\(luaNoun)", aliases: ["\(prefix).set"],
                                             example: "hooks.set_\(luaNoun)(\"platform\", hook.id, \"\(kind == .urlVariable ? "env" : "X-Deploy-Key")\", {value = \"\(kind == .urlVariable ? "production" : "s3cret")\"})",
                                             summary: "Set a hook's \(noun) (Owner)", success: 204, params: [
                id, hookId, key, ParamSpec("value", .string, required: true, "The value of the \(noun) (never returned)"),
            ])) { ctx, p in
                let service = GroupHookService(ctx)
                let group = try ctx.group(p["id"], may: .adminWebHook)
                try service.setPair(group, try service.find(group, p.int("hook_id")), kind, key: try p.required.string("key"), value: try p.required.string("value"))
                return .noContent
            }
            registry.add(OperationDescriptor("\(prefix).delete", "DELETE", "/groups/:id/hooks/:hook_id/\(segment)/:key", lua: "hooks.delete_\(luaNoun)", aliases: ["\(prefix).delete"],
                                             summary: "Delete a hook's \(noun) (Owner)", success: 204, params: [id, hookId, key])) { ctx, p in
                let service = GroupHookService(ctx)
                let group = try ctx.group(p["id"], may: .adminWebHook)
                try service.deletePair(group, try service.find(group, p.int("hook_id")), kind, key: try p.required.string("key"))
                return .noContent
            }
        }
        registry.add(OperationDescriptor("groups.hooks.test", "POST", "/groups/:id/hooks/:hook_id/test/:trigger", lua: "hooks.test",
                                         example: "hooks.test(\"platform\", hook.id, \"push_events\")",
                                         result: ResultShapes.message, summary: "Send a sample event to a group hook now (Owner; 5 a minute per group and user)", params: [
            id, hookId, ParamSpec("trigger", .enumeration(HookEvent.testTriggers), required: true, "The event to send: " + HookEvent.testTriggers.joined(separator: ", ")),
        ])) { ctx, p in
            let service = GroupHookService(ctx)
            let group = try ctx.group(p["id"], may: .adminWebHook)
            return try HookTestService(ctx: ctx).trigger(group, try service.find(group, p.int("hook_id")), trigger: try p.required.string("trigger"))
        }
        registry.add(OperationDescriptor("groups.hooks.deliveries", "GET", "/groups/:id/hooks/:hook_id/events", lua: "hooks.deliveries",
                                         result: ResultShapes.hookDelivery, summary: "Recent deliveries of a group hook, secrets masked (Owner)", pagination: .offset, params: [id, hookId])) { ctx, p in
            let service = GroupHookService(ctx)
            let hook = try service.find(try ctx.group(p["id"], may: .adminWebHook), p.int("hook_id"))
            let (deliveries, page) = try HookDeliveryLog.deliveries(ctx.db, hookId: hook.id, params: p)
            return OperationResult(status: 200, body: .array(deliveries.map(\.json)), page: page)
        }
    }
}
