import GroveFormats
import GRDB

/// `ee/lib/api/group_push_rule.rb`: maintainers manage a group's one push rule.
struct PushRuleService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    func get(_ group: GroupRecord) throws -> PushRule {
        guard let rule = try PushRule.forGroup(ctx.db, group.id) else { throw APIError.notFound() }
        return rule
    }

    func create(_ group: GroupRecord, _ params: Params) throws -> PushRule {
        if try PushRule.forGroup(ctx.db, group.id) != nil {
            throw APIError.api("Group push rule exists, try updating", status: 422)
        }
        try validate(params)
        try ctx.db.run(sql: "INSERT INTO push_rules (group_id, created_at) VALUES (?, ?)", arguments: [group.id, ctx.now])
        let id = ctx.db.lastInsertedRowID
        let changes = try apply(params, to: id, old: nil)
        try ctx.audit("push_rule.create", "Group", id: group.id, path: group.fullPath, changes: changes)
        return try get(group)
    }

    func update(_ group: GroupRecord, _ params: Params) throws -> PushRule {
        guard let rule = try PushRule.forGroup(ctx.db, group.id) else { throw APIError.notFound("Push rule") }
        try validate(params)
        let changes = try apply(params, to: rule.id, old: rule)
        if !changes.isEmpty { try ctx.audit("push_rule.update", "Group", id: group.id, path: group.fullPath, changes: changes) }
        return try get(group)
    }

    func delete(_ group: GroupRecord) throws {
        guard let rule = try PushRule.forGroup(ctx.db, group.id) else { throw APIError.notFound() }
        try ctx.db.run(sql: "DELETE FROM push_rules WHERE id = ?", arguments: [rule.id])
        try ctx.audit("push_rule.destroy", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: "push_rule", old: .int(rule.id), new: .null)])
    }

    /// `PushRuleable` validations: RE2 patterns, length limits, a non-negative size.
    func validate(_ params: Params) throws {
        var errors = FieldErrors()
        for (name, max) in PushRule.regexLimits {
            guard let pattern = params.string(name), !pattern.isEmpty else { continue }
            if pattern.count > max { errors.add(name, "is too long (maximum is \(max) characters)") }
            if case .failure(let invalid) = UntrustedRegexp.compile(pattern) { errors.add(name, "not valid RE2 syntax: \(invalid.reason)") }
        }
        if let size = params.int("max_file_size"), size < 0 { errors.add("max_file_size", "must be greater than or equal to 0") }
        if !errors.isEmpty { throw APIError.validation(errors) }
    }

    private func apply(_ params: Params, to id: Int64, old: PushRule?) throws -> [AuditEvent.Change] {
        var changes: [AuditEvent.Change] = []
        for name in PushRule.attributes {
            guard let value = params[name] else { continue }
            let stored: JSONValue = name == "max_file_size" && value.isNull ? .int(0) : value
            let before = old?.values[name] ?? .null
            guard old == nil || before != stored else { continue }
            let dbValue: (any DatabaseValueConvertible)?
            switch stored {
            case .string(let s): dbValue = s
            case .bool(let b): dbValue = b
            case .int(let i): dbValue = i
            default: dbValue = nil
            }
            if PushRule.flags.contains(name) && dbValue == nil { continue }
            // One statement per attribute name: a fixed set, so they can be cached.
            try ctx.db.run(sql: "UPDATE push_rules SET \(name) = ? WHERE id = ?", arguments: [dbValue, id])
            changes.append(.init(attribute: name, old: before, new: stored))
        }
        return changes
    }

    /// A new project inherits a copy of its group's (or the closest ancestor's) push rule.
    static func copyToNewProject(_ ctx: OperationContext, projectId: Int64, groupId: Int64) throws {
        guard let group = try GroupRecord.find(ctx.db, id: groupId), let rule = try PushRule.effective(ctx.db, for: group) else { return }
        let columns = PushRule.attributes.joined(separator: ", ")
        try ctx.db.run(sql: "INSERT INTO push_rules (project_id, created_at, \(columns)) SELECT ?, ?, \(columns) FROM push_rules WHERE id = ?",
                           arguments: [projectId, ctx.now, rule.id])
    }
}
