import Foundation
import GRDB

/// The three actions a protected branch rule grants (`push_access_levels`, ...).
enum BranchAccessKind: String, CaseIterable {
    case push, merge, unprotect

    var param: String { "allowed_to_\(rawValue)" }
    var levelParam: String { "\(rawValue)_access_level" }
    var responseKey: String { "\(rawValue)_access_levels" }
    /// The prefix of ActiveModel full messages (`Push access levels access level ...`).
    var messagePrefix: String { rawValue.capitalized + " access levels" }
}

/// One access entry of a rule: a role (`access_level`), a user or a group.
struct BranchAccessEntry: Equatable {
    var id: Int64
    var kind: BranchAccessKind
    var accessLevel: Int64?
    var userId: Int64?
    var groupId: Int64?

    /// `ProtectedRefAccess.allowed_access_levels`: No one, Developers + Maintainers,
    /// Maintainers, Instance admins.
    static let allowedLevels: [Int64] = [AccessLevel.noAccess, AccessLevel.developer, AccessLevel.maintainer, AccessLevel.admin]

    static func levelDescription(_ level: Int64) -> String {
        switch level {
        case AccessLevel.noAccess: return "No one"
        case AccessLevel.developer: return "Developers + Maintainers"
        case AccessLevel.maintainer: return "Maintainers"
        case AccessLevel.admin: return "Instance admins"
        default: return AccessLevel.name(level)
        }
    }
}

/// A row of `protected_branches` with its access entries.
struct ProtectedBranchRule {
    var id: Int64
    var groupId: Int64
    var name: String
    var allowForcePush: Bool
    var codeOwnerApprovalRequired: Bool
    var entries: [BranchAccessEntry]

    func entries(_ kind: BranchAccessKind) -> [BranchAccessEntry] { entries.filter { $0.kind == kind } }

    var isWildcard: Bool { name.contains("*") }

    /// `RefMatcher#matches?`: the exact name, or the wildcard with each `*` as a lazy run
    /// of any characters (`/` and the empty string included), anchored, case-sensitive.
    func matches(_ branch: String) -> Bool {
        if branch == name { return true }
        guard isWildcard, let regex = Self.wildcardRegex(name) else { return false }
        return regex.firstMatch(in: branch, range: NSRange(branch.startIndex..., in: branch)) != nil
    }

    static func wildcardRegex(_ pattern: String) -> NSRegularExpression? {
        let body = pattern.components(separatedBy: "*").map(NSRegularExpression.escapedPattern(for:)).joined(separator: ".*?")
        return try? NSRegularExpression(pattern: "\\A" + body + "\\z")
    }

    // MARK: Loading

    static func load(_ db: Database, _ row: Row) throws -> ProtectedBranchRule {
        let id: Int64 = try row.column("id")
        let entries = try Row.fetchAll(db, cachedSQL: "SELECT * FROM protected_branch_access_levels WHERE protected_branch_id = ? ORDER BY id", arguments: [id]).compactMap { r -> BranchAccessEntry? in
            guard let kind = BranchAccessKind(rawValue: try r.column("kind")) else { return nil }
            return BranchAccessEntry(id: try r.column("id"), kind: kind, accessLevel: try r.column("access_level"), userId: try r.column("user_id"), groupId: try r.column("group_id"))
        }
        return ProtectedBranchRule(id: id, groupId: try row.column("group_id"), name: try row.column("name"), allowForcePush: try row.column("allow_force_push"),
                                   codeOwnerApprovalRequired: try row.column("code_owner_approval_required"), entries: entries)
    }

    static func all(_ db: Database, groupId: Int64) throws -> [ProtectedBranchRule] {
        try Row.fetchAll(db, cachedSQL: "SELECT * FROM protected_branches WHERE group_id = ? ORDER BY id", arguments: [groupId]).map { try load(db, $0) }
    }

    /// `ProtectedBranch.by_name` (`Gitlab::SQL::Pattern`): a query of 3+ characters matches
    /// names containing each of its 3+-character words, case-insensitively; shorter input
    /// is a case-insensitive exact match.
    static func byNameCondition(_ query: String) -> (sql: String, args: [any DatabaseValueConvertible]) {
        let words = query.split(whereSeparator: \.isWhitespace).map(String.init).filter { $0.count >= 3 }
        guard query.count >= 3, !words.isEmpty else { return ("lower(name) = lower(?)", [query]) }
        return (words.map { _ in "name LIKE ? ESCAPE '\\'" }.joined(separator: " AND "), words.map { "%\(Like.escape($0))%" })
    }

    /// `GET/PATCH/DELETE :name`: the exact name (a wildcard by its own text), then the same
    /// name in another case. GitLab looks these up with `by_name` too, so that `main` can
    /// answer (or delete) `release-main`; Grove keeps substring matching to the 409 check
    /// and `search`, where a near miss is harmless.
    static func find(_ db: Database, groupId: Int64, name: String) throws -> ProtectedBranchRule? {
        guard let row = try Row.fetchOne(db, cachedSQL: """
            SELECT * FROM protected_branches WHERE group_id = ? AND name = ? COLLATE NOCASE ORDER BY name = ? DESC, id LIMIT 1
            """, arguments: [groupId, name, name]) else { return nil }
        return try load(db, row)
    }
}
