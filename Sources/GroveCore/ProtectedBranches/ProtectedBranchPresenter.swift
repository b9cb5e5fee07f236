import GroveFormats
import GRDB

/// Renders rules in the seed's shape: id, name, the three access lists, the two flags.
struct ProtectedBranchPresenter {
    let ctx: OperationContext

    func rule(_ rule: ProtectedBranchRule) throws -> JSONValue {
        var o = JSONObject([("id", .int(rule.id)), ("name", .string(rule.name))])
        for kind in BranchAccessKind.allCases {
            o[kind.responseKey] = .array(try rule.entries(kind).map(entry))
        }
        o["allow_force_push"] = .bool(rule.allowForcePush)
        o["code_owner_approval_required"] = .bool(rule.codeOwnerApprovalRequired)
        return .object(o)
    }

    func entry(_ e: BranchAccessEntry) throws -> JSONValue {
        .object([("id", .int(e.id)), ("access_level", e.accessLevel.json), ("user_id", e.userId.json),
                 ("group_id", e.groupId.json), ("access_level_description", .string(try description(e)))])
    }

    /// `EE::ProtectedRefAccess#humanize`: the user's name, the group's name, else the role.
    func description(_ e: BranchAccessEntry) throws -> String {
        if let userId = e.userId { return try UserRecord.find(ctx.db, id: userId)?.name ?? "User" }
        if let groupId = e.groupId { return try GroupRecord.find(ctx.db, id: groupId)?.name ?? "Group" }
        return BranchAccessEntry.levelDescription(e.accessLevel ?? AccessLevel.maintainer)
    }

    /// Short words for audit events: `Maintainers`, `@alice`, `group platform`.
    func auditText(_ entries: [BranchAccessEntry]) throws -> JSONValue {
        .array(try entries.map { e in
            if let userId = e.userId { return .string("@" + (try UserRecord.find(ctx.db, id: userId)?.username ?? String(userId))) }
            if let groupId = e.groupId { return .string("group " + (try GroupRecord.find(ctx.db, id: groupId)?.fullPath ?? String(groupId))) }
            return .string(BranchAccessEntry.levelDescription(e.accessLevel ?? AccessLevel.maintainer))
        })
    }
}
