import Foundation
import GroveFormats
import GRDB

/// `ee/lib/api/group_hooks.rb` with `WebHooksHelpers`: owners manage a group's hooks.
struct GroupHookService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    static let hookNotFound = APIError.api("404 Not found", status: 404)
    /// Parameters that are not hook attributes.
    static let routeParams: Set<String> = ["id", "hook_id"]

    func list(_ group: GroupRecord, _ params: Params) throws -> ([GroupHookRecord], PageInfo) {
        var f = QueryFilter()
        f.add("group_id = ?", [group.id])
        let (rows, page): ([Row], PageInfo) = try Paginator.offset(ctx.db, select: "SELECT * FROM group_hooks", filter: f, order: ListOrder([.asc("id")]),
                                                                    params: params, countFrom: "FROM group_hooks")
        return (try rows.map { try GroupHookRecord.load(ctx.db, $0) }, page)
    }

    func find(_ group: GroupRecord, _ id: Int64?) throws -> GroupHookRecord {
        guard let id, let hook = try GroupHookRecord.find(ctx.db, groupId: group.id, id: id) else { throw Self.hookNotFound }
        return hook
    }

    func create(_ group: GroupRecord, _ p: Params) throws -> GroupHookRecord {
        let count = try Int.fetchOne(ctx.db, sql: "SELECT COUNT(*) FROM group_hooks WHERE group_id = ?", arguments: [group.id]) ?? 0
        if count >= HookValidation.maxHooks { throw HookValidation.error("Maximum number of group hooks (\(HookValidation.maxHooks)) exceeded") }
        guard let headers = HookValidation.pairs(p["custom_headers"]), headers.allSatisfy({ HookValidation.validHeader(key: $0.key, value: $0.value) }),
              headers.count <= HookValidation.maxPairs else {
            throw HookValidation.error("Custom headers must be a valid json schema")
        }
        var hook = GroupHookRecord(id: 0, groupId: group.id, url: p.string("url") ?? "", name: p.string("name"), description: p.string("description"),
                                   events: Dictionary(uniqueKeysWithValues: HookEvent.all.map { ($0.flag, $0.defaultOn) }),
                                   pushEventsBranchFilter: nil, branchFilterStrategy: "wildcard", enableSSLVerification: true,
                                   customWebhookTemplate: nil, secrets: HookSecretValues(), createdAt: ctx.now)
        hook.secrets.customHeaders = headers
        try apply(p, to: &hook)
        try validate(hook)
        try ctx.db.execute(sql: """
            INSERT INTO group_hooks (group_id, url, name, description, events, push_events_branch_filter, branch_filter_strategy,
                                     enable_ssl_verification, custom_webhook_template, secrets, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [group.id, hook.url, hook.name, hook.description, eventsText(hook), hook.pushEventsBranchFilter, hook.branchFilterStrategy,
                             hook.enableSSLVerification, hook.customWebhookTemplate, try HookSecrets.seal(hook.secrets, ctx.db), ctx.now])
        let saved = try find(group, ctx.db.lastInsertedRowID)
        try ctx.audit("hook.create", "Group", id: group.id, path: group.fullPath, changes: auditChanges(from: nil, to: saved))
        return saved
    }

    func update(_ group: GroupRecord, _ old: GroupHookRecord, _ p: Params) throws -> GroupHookRecord {
        if p.values.keys.allSatisfy(Self.routeParams.contains) { throw APIError.grape("No parameters provided") }
        var hook = old
        if p.has("custom_headers") {
            guard let headers = HookValidation.pairs(p["custom_headers"]), headers.allSatisfy({ HookValidation.validHeader(key: $0.key, value: $0.value) }) else {
                throw HookValidation.error("Custom headers validation failed")
            }
            for h in headers { Self.upsert(&hook.secrets.customHeaders, h.key, h.value) }
            if hook.secrets.customHeaders.count > HookValidation.maxPairs { throw HookValidation.error("Custom headers validation failed") }
        }
        try apply(p, to: &hook)
        // A new URL without a new token drops the token (it was meant for the old receiver);
        // a new interpolated URL drops custom headers that were not sent again.
        if hook.url != old.url && !p.has("token") { hook.secrets.token = nil }
        if hook.interpolatedURL != old.interpolatedURL && !p.has("custom_headers") { hook.secrets.customHeaders = [] }
        try validate(hook)
        try save(hook)
        let saved = try find(group, hook.id)
        let changes = auditChanges(from: old, to: saved)
        if !changes.isEmpty { try ctx.audit("hook.update", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: "hook_id", old: .int(hook.id), new: .int(hook.id))] + changes) }
        return saved
    }

    func delete(_ group: GroupRecord, _ hook: GroupHookRecord) throws {
        try ctx.db.execute(sql: "DELETE FROM group_hooks WHERE id = ?", arguments: [hook.id])
        try ctx.audit("hook.destroy", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: "hook_id", old: .int(hook.id), new: .null), .init(attribute: "url", old: .string(Self.redactedURL(hook.url)), new: .null),
        ])
    }

    // MARK: url_variables/:key and custom_headers/:key

    enum PairKind { case urlVariable, customHeader }

    func setPair(_ group: GroupRecord, _ hook: GroupHookRecord, _ kind: PairKind, key: String, value: String) throws {
        var updated = hook
        let valid = kind == .urlVariable ? HookValidation.validVariable(key: key, value: value) : HookValidation.validHeader(key: key, value: value)
        guard valid else { throw HookValidation.error("Illegal key or value") }
        if kind == .urlVariable { Self.upsert(&updated.secrets.urlVariables, key, value) } else { Self.upsert(&updated.secrets.customHeaders, key, value) }
        if (kind == .urlVariable ? updated.secrets.urlVariables.count : updated.secrets.customHeaders.count) > HookValidation.maxPairs {
            throw HookValidation.error("Illegal key or value")
        }
        try save(updated)
        try ctx.audit("hook.update", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: kind == .urlVariable ? "url_variables" : "custom_headers", old: .null, new: .string(key)),
        ])
    }

    func deletePair(_ group: GroupRecord, _ hook: GroupHookRecord, _ kind: PairKind, key: String) throws {
        var updated = hook
        let before = kind == .urlVariable ? hook.secrets.urlVariables.count : hook.secrets.customHeaders.count
        if kind == .urlVariable { updated.secrets.urlVariables.removeAll { $0.key == key } } else { updated.secrets.customHeaders.removeAll { $0.key == key } }
        let after = kind == .urlVariable ? updated.secrets.urlVariables.count : updated.secrets.customHeaders.count
        if before == after { throw APIError.notFound(kind == .urlVariable ? "URL variable" : "Custom header") }
        try save(updated)
        try ctx.audit("hook.update", "Group", id: group.id, path: group.fullPath, changes: [
            .init(attribute: kind == .urlVariable ? "url_variables" : "custom_headers", old: .string(key), new: .null),
        ])
    }

    // MARK: Helpers

    private func apply(_ p: Params, to hook: inout GroupHookRecord) throws {
        if let url = p.string("url") { hook.url = url }
        if p.has("name") { hook.name = p.string("name") }
        if p.has("description") { hook.description = p.string("description") }
        for flag in HookEvent.flags { if let v = p.bool(flag) { hook.events[flag] = v } }
        if p.has("push_events_branch_filter") { hook.pushEventsBranchFilter = p.string("push_events_branch_filter") }
        if let s = p.string("branch_filter_strategy") { hook.branchFilterStrategy = s }
        if let v = p.bool("enable_ssl_verification") { hook.enableSSLVerification = v }
        if p.has("custom_webhook_template") { hook.customWebhookTemplate = p.string("custom_webhook_template") }
        if p.has("token") {
            hook.secrets.token = p.string("token").flatMap { $0.isEmpty ? nil : $0 }
            // The owner has entered the secret a mirror could not read.
            hook.secretsUnknown = false
        }
        if p.has("url_variables") {
            guard let vars = HookValidation.pairs(p["url_variables"]), vars.allSatisfy({ HookValidation.validVariable(key: $0.key, value: $0.value) }) else {
                throw HookValidation.error("Url variables must be a valid json schema")
            }
            for v in vars { Self.upsert(&hook.secrets.urlVariables, v.key, v.value) }
            if hook.secrets.urlVariables.count > HookValidation.maxPairs { throw HookValidation.error("Url variables must be a valid json schema") }
        }
    }

    private func validate(_ hook: GroupHookRecord) throws {
        let missing = HookValidation.placeholders(hook.url).filter { key in !hook.secrets.urlVariables.contains { $0.key == key } }
        if !missing.isEmpty {
            throw HookValidation.error("Invalid URL template. Missing keys: [" + missing.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
        }
        let settings = try ctx.settings
        switch HookURLPolicy.check(hook.interpolatedURL, allowLocal: settings.allowLocalRequestsFromWebHooksAndServices, resolve: false) {
        case .invalid: throw HookValidation.error("Invalid url given")
        case .blocked(let reason): throw HookValidation.error("Url is blocked: \(reason)")
        case .allowed: break
        }
        if hook.secrets.token?.contains(where: \.isNewline) == true { throw HookValidation.error("Token is invalid") }
        if (hook.customWebhookTemplate?.count ?? 0) > HookValidation.maxTemplate {
            throw HookValidation.error("Custom webhook template is too long (maximum is \(HookValidation.maxTemplate) characters)")
        }
        if hook.branchFilterStrategy == "regex", let filter = hook.pushEventsBranchFilter, !filter.isEmpty,
           case .failure = UntrustedRegexp.compile(filter) {
            throw HookValidation.error("Invalid branch filter given")
        }
    }

    private func save(_ hook: GroupHookRecord) throws {
        try ctx.db.execute(sql: """
            UPDATE group_hooks SET url = ?, name = ?, description = ?, events = ?, push_events_branch_filter = ?, branch_filter_strategy = ?,
                   enable_ssl_verification = ?, custom_webhook_template = ?, secrets = ?, secrets_unknown = ? WHERE id = ?
            """, arguments: [hook.url, hook.name, hook.description, eventsText(hook), hook.pushEventsBranchFilter, hook.branchFilterStrategy,
                             hook.enableSSLVerification, hook.customWebhookTemplate, try HookSecrets.seal(hook.secrets, ctx.db), hook.secretsUnknown, hook.id])
    }

    private func eventsText(_ hook: GroupHookRecord) -> String {
        JSONText.encode(.object(HookEvent.flags.map { ($0, .bool(hook.events[$0] ?? false)) }))
    }

    private static func upsert(_ list: inout [(key: String, value: String)], _ key: String, _ value: String) {
        if let i = list.firstIndex(where: { $0.key == key }) { list[i].value = value } else { list.append((key, value)) }
    }

    /// Credentials in a URL never reach the audit log.
    static func redactedURL(_ url: String) -> String {
        guard var c = URLComponents(string: url), c.user != nil || c.password != nil else { return url }
        c.user = nil; c.password = nil
        return c.string ?? url
    }

    /// What changed, in words: values of plain attributes; only keys of secret pairs; the
    /// token as `token` (redacted by the audit log).
    private func auditChanges(from old: GroupHookRecord?, to new: GroupHookRecord) -> [AuditEvent.Change] {
        var changes: [AuditEvent.Change] = []
        func add(_ name: String, _ a: JSONValue, _ b: JSONValue) { if old == nil || a != b { changes.append(.init(attribute: name, old: old == nil ? .null : a, new: b)) } }
        add("url", .string(Self.redactedURL(old?.url ?? "")), .string(Self.redactedURL(new.url)))
        add("name", old?.name.json ?? .null, new.name.json)
        for flag in HookEvent.flags { add(flag, .bool(old?.events[flag] ?? false), .bool(new.events[flag] ?? false)) }
        add("enable_ssl_verification", .bool(old?.enableSSLVerification ?? true), .bool(new.enableSSLVerification))
        add("url_variables", .array((old?.secrets.urlVariables ?? []).map { .string($0.key) }), .array(new.secrets.urlVariables.map { .string($0.key) }))
        add("custom_headers", .array((old?.secrets.customHeaders ?? []).map { .string($0.key) }), .array(new.secrets.customHeaders.map { .string($0.key) }))
        if old?.secrets.token != new.secrets.token {
            changes.append(.init(attribute: "token", old: old?.secrets.token == nil ? .null : "set", new: new.secrets.token == nil ? .null : "set"))
        }
        return changes
    }
}
