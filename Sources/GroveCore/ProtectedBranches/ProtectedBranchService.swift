import GroveFormats
import GRDB

/// `ProtectedBranches::CreateService` / `UpdateService` / `DestroyService` for groups:
/// owners only, top-level groups only, access entries validated as ActiveRecord does.
struct ProtectedBranchService {
    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    static let notFound = APIError.notFound("ProtectedBranch")

    func find(_ group: GroupRecord, name: String) throws -> ProtectedBranchRule {
        guard let rule = try ProtectedBranchRule.find(ctx.db, groupId: group.id, name: name) else { throw Self.notFound }
        return rule
    }

    func list(_ group: GroupRecord, _ params: Params) throws -> ([ProtectedBranchRule], PageInfo) {
        var filter = QueryFilter()
        filter.add("group_id = ?", [group.id])
        if let search = params.presentString("search") {
            let c = ProtectedBranchRule.byNameCondition(search)
            filter.add("(" + c.sql + ")", c.args)
        }
        let (rows, page): ([Row], PageInfo) = try Paginator.offset(ctx.db, select: "SELECT * FROM protected_branches", filter: filter,
                                                                   order: ListOrder([.asc("id")]), params: params, countFrom: "FROM protected_branches")
        return (try rows.map { try ProtectedBranchRule.load(ctx.db, $0) }, page)
    }

    func create(_ group: GroupRecord, _ params: Params) throws -> ProtectedBranchRule {
        let name = params.string("name") ?? ""
        let c = ProtectedBranchRule.byNameCondition(name)
        if try Bool.fetchOne(ctx.db, sql: "SELECT EXISTS (SELECT 1 FROM protected_branches WHERE group_id = ? AND \(c.sql))",
                             arguments: StatementArguments([group.id] + c.args)) ?? false {
            throw APIError.api("Protected branch '\(name)' already exists", status: 409)
        }
        var entries: [BranchAccessEntry] = []
        for kind in BranchAccessKind.allCases {
            var mine: [BranchAccessEntry] = []
            if let level = params.int(kind.levelParam) { mine.append(BranchAccessEntry(id: 0, kind: kind, accessLevel: level)) }
            for item in try BranchAccessEntryParam.parse(params[kind.param], kind: kind) where !item.destroy {
                if item.id != nil { throw APIError.api("404 Not found", status: 404) }
                mine.append(BranchAccessEntry(id: 0, kind: kind, accessLevel: item.accessLevel, userId: item.userId, groupId: item.groupId))
            }
            // No level and no entries for an action: Maintainers (the documented default).
            if mine.isEmpty { mine.append(BranchAccessEntry(id: 0, kind: kind, accessLevel: AccessLevel.maintainer)) }
            entries += mine
        }
        var errors: [String] = []
        if name.isEmpty { errors.append("Name can't be blank") }
        if !group.isTopLevel { errors.append("cannot be associated with a subgroup") }
        errors += try validate(entries, group: group)
        if !errors.isEmpty { throw Self.invalid(errors) }
        try ctx.db.run(sql: """
            INSERT INTO protected_branches (group_id, name, allow_force_push, code_owner_approval_required, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [group.id, name, params.bool("allow_force_push") ?? false, params.bool("code_owner_approval_required") ?? false, ctx.now, ctx.now])
        let id = ctx.db.lastInsertedRowID
        try save(entries, ruleId: id, replacing: [])
        let rule = try readBack(ProtectedBranchRule.find(ctx.db, groupId: group.id, name: name))
        let presenter = ProtectedBranchPresenter(ctx: ctx)
        var changes: [AuditEvent.Change] = [
            .init(attribute: "name", old: .null, new: .string(name)),
            .init(attribute: "allow_force_push", old: .null, new: .bool(rule.allowForcePush)),
            .init(attribute: "code_owner_approval_required", old: .null, new: .bool(rule.codeOwnerApprovalRequired)),
        ]
        for kind in BranchAccessKind.allCases {
            changes.append(.init(attribute: kind.responseKey, old: .null, new: try presenter.auditText(rule.entries(kind))))
        }
        try ctx.audit("protected_branch.create", "Group", id: group.id, path: group.fullPath, changes: changes)
        return rule
    }

    /// PATCH: no defaults; entries are added, changed by id, or removed with `_destroy`.
    func update(_ group: GroupRecord, _ rule: ProtectedBranchRule, _ params: Params) throws -> ProtectedBranchRule {
        var entries = rule.entries
        for kind in BranchAccessKind.allCases {
            for item in try BranchAccessEntryParam.parse(params[kind.param], kind: kind) {
                guard let id = item.id else {
                    entries.append(BranchAccessEntry(id: 0, kind: kind, accessLevel: item.accessLevel, userId: item.userId, groupId: item.groupId))
                    continue
                }
                // An id of another rule or action: ActiveRecord::RecordNotFound.
                guard let index = entries.firstIndex(where: { $0.id == id && $0.kind == kind }) else {
                    throw APIError.api("404 Not found", status: 404)
                }
                if item.destroy { entries.remove(at: index); continue }
                if item.givesTarget {
                    entries[index].accessLevel = item.accessLevel
                    entries[index].userId = item.userId
                    entries[index].groupId = item.groupId
                }
            }
        }
        let errors = try validate(entries, group: group)
        if !errors.isEmpty { throw Self.invalid(errors) }
        let presenter = ProtectedBranchPresenter(ctx: ctx)
        var changes: [AuditEvent.Change] = []
        var sets: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if let v = params.bool("allow_force_push"), v != rule.allowForcePush {
            sets.append("allow_force_push = ?"); args.append(v)
            changes.append(.init(attribute: "allow_force_push", old: .bool(rule.allowForcePush), new: .bool(v)))
        }
        if let v = params.bool("code_owner_approval_required"), v != rule.codeOwnerApprovalRequired {
            sets.append("code_owner_approval_required = ?"); args.append(v)
            changes.append(.init(attribute: "code_owner_approval_required", old: .bool(rule.codeOwnerApprovalRequired), new: .bool(v)))
        }
        try ctx.db.execute(sql: "UPDATE protected_branches SET \((sets + ["updated_at = ?"]).joined(separator: ", ")) WHERE id = ?",
                           arguments: StatementArguments(args + [ctx.now, rule.id]))
        try save(entries, ruleId: rule.id, replacing: rule.entries)
        let updated = try ProtectedBranchRule.load(ctx.db, try readBack(Row.fetchOne(ctx.db, cachedSQL: "SELECT * FROM protected_branches WHERE id = ?", arguments: [rule.id])))
        for kind in BranchAccessKind.allCases where updated.entries(kind) != rule.entries(kind) {
            changes.append(.init(attribute: kind.responseKey, old: try presenter.auditText(rule.entries(kind)), new: try presenter.auditText(updated.entries(kind))))
        }
        if !changes.isEmpty {
            try ctx.audit("protected_branch.update", "Group", id: group.id, path: group.fullPath,
                          changes: [.init(attribute: "name", old: .string(rule.name), new: .string(rule.name))] + changes)
        }
        return updated
    }

    func delete(_ group: GroupRecord, _ rule: ProtectedBranchRule) throws {
        try ctx.db.run(sql: "DELETE FROM protected_branches WHERE id = ?", arguments: [rule.id])
        try ctx.audit("protected_branch.destroy", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: "name", old: .string(rule.name), new: .null)])
    }

    // MARK: Validation and storage

    /// `{"message": ["Push access levels access level has already been taken", ...]}`
    static func invalid(_ messages: [String]) -> APIError {
        APIError(status: 422, body: .raw(.object([("message", .array(messages.map { .string($0) }))])))
    }

    /// Entries are unique per action; users must be members of the group, groups must
    /// have the group shared with them.
    func validate(_ entries: [BranchAccessEntry], group: GroupRecord) throws -> [String] {
        var errors: [String] = []
        for kind in BranchAccessKind.allCases {
            let mine = entries.filter { $0.kind == kind }
            var seenLevels = Set<Int64>(), seenUsers = Set<Int64>(), seenGroups = Set<Int64>()
            for e in mine {
                if let userId = e.userId {
                    if !seenUsers.insert(userId).inserted { errors.append("\(kind.messagePrefix) user has already been taken") }
                    let member = try Bool.fetchOne(ctx.db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM members WHERE user_id = ? AND group_id = ? AND (expires_at IS NULL OR expires_at > ?))",
                                                   arguments: [userId, group.id, ctx.today]) ?? false
                    if !member { errors.append("\(kind.messagePrefix) user is not a member of the group") }
                } else if let groupId = e.groupId {
                    if !seenGroups.insert(groupId).inserted { errors.append("\(kind.messagePrefix) group has already been taken") }
                    let shared = try Bool.fetchOne(ctx.db, cachedSQL: "SELECT EXISTS (SELECT 1 FROM group_group_links WHERE shared_group_id = ? AND shared_with_group_id = ? AND (expires_at IS NULL OR expires_at > ?))",
                                                   arguments: [group.id, groupId, ctx.today]) ?? false
                    if !shared { errors.append("\(kind.messagePrefix) group does not have this group shared with it") }
                } else if let level = e.accessLevel {
                    if !seenLevels.insert(level).inserted { errors.append("\(kind.messagePrefix) access level has already been taken") }
                }
            }
        }
        return errors
    }

    /// Writes `entries` (id 0 = new) for a rule whose stored entries were `replacing`.
    private func save(_ entries: [BranchAccessEntry], ruleId: Int64, replacing old: [BranchAccessEntry]) throws {
        let kept = Set(entries.map(\.id).filter { $0 != 0 })
        for e in old where !kept.contains(e.id) {
            try ctx.db.run(sql: "DELETE FROM protected_branch_access_levels WHERE id = ?", arguments: [e.id])
        }
        for e in entries {
            if e.id == 0 {
                try ctx.db.run(sql: "INSERT INTO protected_branch_access_levels (protected_branch_id, kind, access_level, user_id, group_id) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [ruleId, e.kind.rawValue, e.accessLevel, e.userId, e.groupId])
            } else if old.first(where: { $0.id == e.id }) != e {
                try ctx.db.run(sql: "UPDATE protected_branch_access_levels SET access_level = ?, user_id = ?, group_id = ? WHERE id = ?",
                                   arguments: [e.accessLevel, e.userId, e.groupId, e.id])
            }
        }
    }
}
