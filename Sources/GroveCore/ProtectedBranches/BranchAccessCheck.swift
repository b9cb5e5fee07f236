import GroveFormats
import GRDB

/// Answers "which rules protect branch NAME in group G, and may user U push, merge,
/// force-push or unprotect it" from the group's rules (`ProtectedRef.protected_ref_accessible_to?`).
struct BranchAccessCheck {
    let ctx: OperationContext

    func evaluate(_ group: GroupRecord, branch: String, user: UserRecord) throws -> JSONValue {
        let rules = try ProtectedBranchRule.all(ctx.db, groupId: group.id).filter { $0.matches(branch) }
        let grants = try AccessGrants.load(ctx.db, caller: Caller(user: user), today: ctx.today)
        let level = grants.level(group)
        let protected = !rules.isEmpty
        func allowed(_ kind: BranchAccessKind) throws -> Bool {
            // Any entry of any matching rule grants the action.
            try rules.contains { try $0.entries(kind).contains { try entryGrants($0, user: user, level: level, grants: grants) } }
        }
        let push = try protected ? allowed(.push) : level >= AccessLevel.developer
        let merge = try protected ? allowed(.merge) : level >= AccessLevel.developer
        // Force push: every matching rule must allow it, and the user must be able to push.
        let forcePush = push && rules.allSatisfy(\.allowForcePush)
        let unprotect = try protected && allowed(.unprotect)
        return .object([
            ("branch", .string(branch)), ("user_id", .int(user.id)), ("protected", .bool(protected)),
            ("protected_branches", .array(rules.map { .string($0.name) })),
            ("push", .bool(push)), ("merge", .bool(merge)), ("force_push", .bool(forcePush)), ("unprotect", .bool(unprotect)),
        ])
    }

    /// `ProtectedRefAccess#check_access`: 0 is no one; 60 administrators only; a role
    /// entry needs that role in the group; a user entry names the user; a group entry
    /// needs membership of that group.
    private func entryGrants(_ e: BranchAccessEntry, user: UserRecord, level: Int64, grants: AccessGrants) throws -> Bool {
        if let userId = e.userId { return userId == user.id }
        if let groupId = e.groupId {
            guard let g = try GroupRecord.find(ctx.db, id: groupId) else { return false }
            return grants.memberLevel(g) >= AccessLevel.guest
        }
        guard let required = e.accessLevel, required != AccessLevel.noAccess else { return false }
        if required == AccessLevel.admin { return user.isAdmin }
        return level >= required
    }
}
