import Foundation
import GroveFormats
import GRDB

/// Writes records read from another GitLab into this store with their own ids (`grove
/// mirror`): users, groups with their hierarchy and settings, memberships, shares,
/// group protected branches, push rules, hooks, LDAP and SAML links. GitLab's create services assign ids;
/// a mirror must keep the source's, so this service inserts rows as given, replacing what
/// an earlier import wrote for the same ids. Administrators only.
///
/// The records are GitLab API v4 representations (`GET /groups/:id` ...); a record
/// lacking what it needs is refused with a 400 naming the field.
struct GroupImportService {
    let ctx: OperationContext

    init(_ ctx: OperationContext) throws {
        try ctx.requireAdmin()
        self.ctx = ctx
    }

    private static func field(_ record: JSONValue, _ name: String, of kind: String) throws -> JSONValue {
        guard let value = record[name], !value.isNull else { throw APIError.api("\(kind) record: \(name) is missing", status: 400) }
        return value
    }
    private static func int(_ record: JSONValue, _ name: String, of kind: String) throws -> Int64 {
        guard let value = try field(record, name, of: kind).intValue else { throw APIError.api("\(kind) record: \(name) is not an integer", status: 400) }
        return value
    }
    private static func string(_ record: JSONValue, _ name: String, of kind: String) throws -> String {
        guard let value = try field(record, name, of: kind).stringValue else { throw APIError.api("\(kind) record: \(name) is not a string", status: 400) }
        return value
    }
    private func time(_ record: JSONValue, _ name: String) -> Int64 {
        record[name]?.stringValue.flatMap(Timestamp.parseDateTime) ?? ctx.now
    }

    // MARK: Users

    /// A user (id, username, name, state, and `is_admin` when the record shows it: GitLab
    /// shows it only to administrators and on `GET /user`); without `is_admin` a user that
    /// exists keeps its administrator flag.
    func user(_ record: JSONValue) throws {
        let id = try Self.int(record, "id", of: "user")
        let username = try Self.string(record, "username", of: "user")
        let name = record["name"]?.stringValue ?? username
        let state = record["state"]?.stringValue ?? "active"
        if let other = try Int64.fetchOne(ctx.db, sql: "SELECT id FROM users WHERE username = ? COLLATE NOCASE AND id != ?", arguments: [username, id]) {
            throw APIError.api("user \(username) (id \(id)): the store's user \(other) already has that username", status: 409)
        }
        if let existing = try UserRecord.find(ctx.db, id: id) {
            // The store's own administrators stay who they are (the import runs as one).
            if existing.isAdmin && existing.username.lowercased() != username.lowercased() {
                throw APIError.api("user \(username) (id \(id)): the store's administrator \(existing.username) has that id", status: 409)
            }
            try ctx.db.execute(sql: "UPDATE users SET username = ?, name = ?, state = ?, bot = ?, is_admin = COALESCE(?, is_admin) WHERE id = ?",
                               arguments: [username, name, state, record["bot"]?.boolValue ?? false, record["is_admin"]?.boolValue, id])
        } else {
            let email = record["email"]?.stringValue ?? record["public_email"]?.stringValue ?? ""
            try ctx.db.execute(sql: "INSERT INTO users (id, username, name, email, state, bot, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [id, username, name, email, state, record["bot"]?.boolValue ?? false,
                                           record["is_admin"]?.boolValue ?? false, time(record, "created_at")])
        }
    }

    // MARK: Groups

    /// A group, after its parent: its place in the hierarchy, names, visibility,
    /// description and every setting the record carries.
    func group(_ record: JSONValue) throws {
        let id = try Self.int(record, "id", of: "group")
        let path = try Self.string(record, "path", of: "group")
        let name = try Self.string(record, "name", of: "group")
        let fullPath = try Self.string(record, "full_path", of: "group")
        let fullName = record["full_name"]?.stringValue ?? name
        guard let visibility = Visibility(name: try Self.string(record, "visibility", of: "group")) else {
            throw APIError.api("group record: visibility is not one of \(Visibility.names.joined(separator: ", "))", status: 400)
        }
        var parent: GroupRecord?
        if let parentId = record["parent_id"]?.intValue {
            guard let found = try GroupRecord.find(ctx.db, id: parentId) else {
                throw APIError.api("group \(fullPath): its parent \(parentId) is not in the store", status: 400)
            }
            parent = found
        }
        if let other = try GroupRecord.find(ctx.db, fullPath: fullPath), other.id != id {
            throw APIError.api("group \(fullPath) (id \(id)): the store's group \(other.id) has that path", status: 409)
        }
        var settings = JSONObject()
        for setting in GroupSettings.ordered {
            if let value = record[setting.0], !value.isNull { settings[setting.0] = value }
        }
        let traversal = TraversalIds.child(of: parent?.traversalIds, id: id)
        // GitLab shows the day only: the retention period counts from its start.
        let marked = record["marked_for_deletion_on"]?.stringValue.flatMap(Timestamp.parseDay)
        let stored = settings.isEmpty ? "{}" : JSONText.encode(.object(settings))
        if let existing = try GroupRecord.find(ctx.db, id: id) {
            try ctx.db.execute(sql: """
                UPDATE namespaces SET parent_id = ?, name = ?, path = ?, full_path = ?, full_name = ?, traversal_ids = ?, visibility_level = ?,
                                      description = ?, settings = ?, marked_for_deletion_at = ?, updated_at = ? WHERE id = ?
                """, arguments: [parent?.id, name, path, fullPath, fullName, traversal, visibility.rawValue,
                                 record["description"]?.stringValue ?? "", stored, marked, ctx.now, id])
            // Descendants follow a move at once; their own records come next and settle the rest.
            if existing.traversalIds != traversal {
                let r = TraversalIds.range(existing.traversalIds)
                try ctx.db.execute(sql: "UPDATE namespaces SET traversal_ids = ? || substr(traversal_ids, ?) WHERE traversal_ids > ? AND traversal_ids < ?",
                                   arguments: [traversal, existing.traversalIds.count + 1, r.lower, r.upper])
            }
        } else {
            try ctx.db.execute(sql: """
                INSERT INTO namespaces (id, parent_id, name, path, full_path, full_name, traversal_ids, visibility_level, description,
                                        runners_token, settings, marked_for_deletion_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, parent?.id, name, path, fullPath, fullName, traversal, visibility.rawValue,
                                 record["description"]?.stringValue ?? "", GroupAttributes.newRunnersToken(), stored, marked, time(record, "created_at"), ctx.now])
        }
    }

    /// Removes the groups below `rootId` (and their contents) that are not in `keeping`:
    /// what is gone from the source. Answers their full paths.
    func removeDescendants(of rootId: Int64, keeping: Set<Int64>) throws -> [String] {
        guard let root = try GroupRecord.find(ctx.db, id: rootId) else { return [] }
        let gone = try GroupRecord.selfAndDescendants(ctx.db, of: root).filter { !keeping.contains($0.id) }
        // Deepest first: the foreign keys cascade, but a parent's row goes after its children's.
        for group in gone.sorted(by: { $0.depth > $1.depth }) {
            try ctx.db.execute(sql: "DELETE FROM namespaces WHERE id = ?", arguments: [group.id])
        }
        return gone.map(\.fullPath)
    }

    // MARK: What a group holds

    /// The group's direct members (`GET /groups/:id/members` records), replacing the
    /// store's; the users must have been imported.
    func members(ofGroup groupId: Int64, _ records: [JSONValue]) throws {
        var kept: [Int64] = []
        for record in records {
            let userId = try Self.int(record, "id", of: "member")
            let level = try Self.int(record, "access_level", of: "member")
            let expires = record["expires_at"]?.stringValue
            try ctx.db.execute(sql: """
                INSERT INTO members (user_id, group_id, access_level, expires_at, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (user_id, group_id) DO UPDATE SET access_level = excluded.access_level, expires_at = excluded.expires_at
                """, arguments: [userId, groupId, level, expires, time(record, "created_at")])
            kept.append(userId)
        }
        try deleteOthers("members", "group_id", groupId, column: "user_id", keeping: kept)
    }

    /// The groups this one is shared with (its `shared_with_groups`), replacing the
    /// store's; a share with a group not in the store is answered, not written.
    func shares(ofGroup groupId: Int64, _ records: [JSONValue]) throws -> [String] {
        var kept: [Int64] = [], missing: [String] = []
        for record in records {
            let withId = try Self.int(record, "group_id", of: "share")
            guard try GroupRecord.find(ctx.db, id: withId) != nil else {
                missing.append(record["group_full_path"]?.stringValue ?? String(withId))
                continue
            }
            try ctx.db.execute(sql: """
                INSERT INTO group_group_links (shared_group_id, shared_with_group_id, group_access, expires_at, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (shared_group_id, shared_with_group_id) DO UPDATE SET group_access = excluded.group_access, expires_at = excluded.expires_at
                """, arguments: [groupId, withId, try Self.int(record, "group_access_level", of: "share"), record["expires_at"]?.stringValue, ctx.now])
            kept.append(withId)
        }
        try deleteOthers("group_group_links", "shared_group_id", groupId, column: "shared_with_group_id", keeping: kept)
        return missing
    }

    /// The group's protected branches with their rule and entry ids, replacing the store's.
    func protectedBranches(ofGroup groupId: Int64, _ records: [JSONValue]) throws {
        try ctx.db.execute(sql: "DELETE FROM protected_branches WHERE group_id = ?", arguments: [groupId])
        for record in records {
            let id = try Self.int(record, "id", of: "protected branch")
            try ctx.db.execute(sql: "DELETE FROM protected_branches WHERE id = ?", arguments: [id])
            try ctx.db.execute(sql: """
                INSERT INTO protected_branches (id, group_id, name, allow_force_push, code_owner_approval_required, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, groupId, try Self.string(record, "name", of: "protected branch"), record["allow_force_push"]?.boolValue ?? false,
                                 record["code_owner_approval_required"]?.boolValue ?? false, ctx.now, ctx.now])
            for kind in BranchAccessKind.allCases {
                for entry in record[kind.responseKey]?.arrayValue ?? [] {
                    let entryId = try Self.int(entry, "id", of: "protected branch access level")
                    try ctx.db.execute(sql: "DELETE FROM protected_branch_access_levels WHERE id = ?", arguments: [entryId])
                    let userId = entry["user_id"]?.intValue, group = entry["group_id"]?.intValue
                    try ctx.db.execute(sql: """
                        INSERT INTO protected_branch_access_levels (id, protected_branch_id, kind, access_level, user_id, group_id) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [entryId, id, kind.rawValue, userId == nil && group == nil ? entry["access_level"]?.intValue : nil, userId, group])
                }
            }
        }
    }

    /// The group's push rule (nil: none), replacing the store's.
    func pushRule(ofGroup groupId: Int64, _ record: JSONValue?) throws {
        try ctx.db.execute(sql: "DELETE FROM push_rules WHERE group_id = ?", arguments: [groupId])
        guard let record, !record.isNull else { return }
        let id = try Self.int(record, "id", of: "push rule")
        try ctx.db.execute(sql: "DELETE FROM push_rules WHERE id = ?", arguments: [id])
        let texts = ["commit_message_regex", "commit_message_negative_regex", "branch_name_regex", "author_email_regex", "file_name_regex"]
        let flags = ["deny_delete_tag", "member_check", "prevent_secrets", "commit_committer_name_check"]
        let nullableFlags = ["commit_committer_check", "reject_unsigned_commits", "reject_non_dco_commits"]
        let columns = ["id", "group_id"] + texts + flags + nullableFlags + ["max_file_size", "created_at"]
        var values: [(any DatabaseValueConvertible)?] = [id, groupId]
        for name in texts { values.append(record[name]?.stringValue) }
        for name in flags { values.append(record[name]?.boolValue ?? false) }
        for name in nullableFlags { values.append(record[name]?.boolValue) }
        values.append(record["max_file_size"]?.intValue ?? 0)
        values.append(time(record, "created_at"))
        try ctx.db.execute(sql: "INSERT INTO push_rules (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                           arguments: StatementArguments(values))
    }

    /// The group's hooks with their ids, replacing the store's. Their secrets cannot be
    /// read: the token is unknown, URL variables and custom headers keep their keys with
    /// unknown values, and the hook is marked so (`secrets_unknown`).
    func hooks(ofGroup groupId: Int64, _ records: [JSONValue]) throws {
        try ctx.db.execute(sql: "DELETE FROM group_hooks WHERE group_id = ?", arguments: [groupId])
        for record in records {
            let id = try Self.int(record, "id", of: "hook")
            try ctx.db.execute(sql: "DELETE FROM group_hooks WHERE id = ?", arguments: [id])
            var events = JSONObject()
            for flag in HookEvent.flags { if let on = record[flag]?.boolValue { events[flag] = .bool(on) } }
            var secrets = HookSecretValues()
            secrets.urlVariables = (record["url_variables"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }.map { (key: $0, value: "") }
            secrets.customHeaders = (record["custom_headers"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }.map { (key: $0, value: "") }
            let filter = record["push_events_branch_filter"]?.stringValue
            try ctx.db.execute(sql: """
                INSERT INTO group_hooks (id, group_id, url, name, description, events, push_events_branch_filter, branch_filter_strategy,
                                         enable_ssl_verification, custom_webhook_template, secrets, secrets_unknown, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                """, arguments: [id, groupId, try Self.string(record, "url", of: "hook"), record["name"]?.stringValue, record["description"]?.stringValue,
                                 JSONText.encode(.object(events)), filter?.isEmpty == false ? filter : nil,
                                 record["branch_filter_strategy"]?.stringValue ?? "wildcard", record["enable_ssl_verification"]?.boolValue ?? true,
                                 record["custom_webhook_template"]?.stringValue, try HookSecrets.seal(secrets, ctx.db), time(record, "created_at")])
        }
    }

    /// The group's LDAP links (`{cn | filter, group_access, provider}`), replacing the store's.
    func ldapLinks(ofGroup groupId: Int64, _ records: [JSONValue]) throws {
        try ctx.db.execute(sql: "DELETE FROM ldap_group_links WHERE group_id = ?", arguments: [groupId])
        for record in records {
            let cn = record["cn"]?.stringValue, filter = record["filter"]?.stringValue
            guard (cn == nil) != (filter == nil) else { throw APIError.api("LDAP link record: exactly one of cn and filter", status: 400) }
            try ctx.db.execute(sql: "INSERT INTO ldap_group_links (group_id, cn, filter, group_access, provider, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [groupId, cn, filter, try Self.int(record, "group_access", of: "LDAP link"),
                                           try Self.string(record, "provider", of: "LDAP link"), ctx.now])
        }
    }

    /// The group's SAML links (`{name, access_level, member_role_id, provider}`), replacing the store's.
    func samlLinks(ofGroup groupId: Int64, _ records: [JSONValue]) throws {
        try ctx.db.execute(sql: "DELETE FROM saml_group_links WHERE group_id = ?", arguments: [groupId])
        for record in records {
            try ctx.db.execute(sql: """
                INSERT INTO saml_group_links (group_id, saml_group_name, access_level, member_role_id, provider, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [groupId, try Self.string(record, "name", of: "SAML link"), try Self.int(record, "access_level", of: "SAML link"),
                                 record["member_role_id"]?.intValue, record["provider"]?.stringValue, ctx.now])
        }
    }

    /// The group's own projects (`GET /groups/:id/projects` records, without subgroups'),
    /// replacing the store's: what group operations need of them (ids, paths, names,
    /// visibility, archived, topics, default branch, creator when the store has that user),
    /// and `secret_push_protection_enabled` when the record carries it (from the project's
    /// security settings).
    func projects(ofGroup groupId: Int64, _ records: [JSONValue]) throws {
        var kept: [Int64] = []
        for record in records {
            let id = try Self.int(record, "id", of: "project")
            let path = try Self.string(record, "path", of: "project")
            guard let visibility = Visibility(name: try Self.string(record, "visibility", of: "project")) else {
                throw APIError.api("project record: visibility is not one of \(Visibility.names.joined(separator: ", "))", status: 400)
            }
            // A project renamed or replaced since: the path goes to the record's id.
            try ctx.db.execute(sql: "DELETE FROM projects WHERE namespace_id = ? AND path = ? COLLATE NOCASE AND id != ?", arguments: [groupId, path, id])
            let topics = JSONText.encode(.array((record["topics"]?.arrayValue ?? []).filter { $0.stringValue != nil }))
            try ctx.db.execute(sql: """
                INSERT INTO projects (id, namespace_id, name, path, description, visibility_level, archived, topics, default_branch,
                                      creator_id, created_at, updated_at, last_activity_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM users WHERE id = ?), ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET namespace_id = excluded.namespace_id, name = excluded.name, path = excluded.path,
                    description = excluded.description, visibility_level = excluded.visibility_level, archived = excluded.archived,
                    topics = excluded.topics, default_branch = excluded.default_branch, creator_id = excluded.creator_id,
                    updated_at = excluded.updated_at, last_activity_at = excluded.last_activity_at
                """, arguments: [id, groupId, record["name"]?.stringValue ?? path, path, record["description"]?.stringValue, visibility.rawValue,
                                 record["archived"]?.boolValue ?? false, topics, record["default_branch"]?.stringValue ?? "main",
                                 record["creator_id"]?.intValue, time(record, "created_at"), ctx.now, time(record, "last_activity_at")])
            if let enabled = record["secret_push_protection_enabled"]?.boolValue {
                try ctx.db.execute(sql: """
                    INSERT INTO project_security_settings (project_id, secret_push_protection_enabled, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(project_id) DO UPDATE SET secret_push_protection_enabled = excluded.secret_push_protection_enabled, updated_at = excluded.updated_at
                    """, arguments: [id, enabled, ctx.now])
            }
            kept.append(id)
        }
        try deleteOthers("projects", "namespace_id", groupId, column: "id", keeping: kept)
    }

    /// The service accounts a top-level group provisioned, each with its tokens' metadata
    /// (`GET /groups/:id/service_accounts/:user_id/personal_access_tokens`), replacing the
    /// store's. A token's value cannot be read: the store keeps the digest of a random one,
    /// so the mirrored token authenticates no one.
    func serviceAccounts(ofGroup groupId: Int64, _ accounts: [(account: JSONValue, tokens: [JSONValue])]) throws {
        var kept: [Int64] = []
        for (record, tokens) in accounts {
            let id = try Self.int(record, "id", of: "service account")
            let username = try Self.string(record, "username", of: "service account")
            if let other = try Int64.fetchOne(ctx.db, sql: "SELECT id FROM users WHERE username = ? COLLATE NOCASE AND id != ?", arguments: [username, id]) {
                throw APIError.api("service account \(username) (id \(id)): the store's user \(other) already has that username", status: 409)
            }
            // A user of the store's own with that id (not a service account) is not taken over.
            if let held = try String.fetchOne(ctx.db, sql: "SELECT username FROM users WHERE id = ? AND service_account = 0", arguments: [id]) {
                throw APIError.api("service account \(username) (id \(id)): the store's user \(held) has that id", status: 409)
            }
            try ctx.db.execute(sql: """
                INSERT INTO users (id, username, name, email, state, is_admin, bot, external, can_create_group, service_account, provisioned_by_group_id, created_at)
                VALUES (?, ?, ?, ?, 'active', 0, 1, 0, 0, 1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET username = excluded.username, name = excluded.name, service_account = 1, bot = 1,
                    is_admin = 0, provisioned_by_group_id = excluded.provisioned_by_group_id
                """, arguments: [id, username, record["name"]?.stringValue ?? username, record["email"]?.stringValue ?? "\(username)@noreply.mirror",
                                 groupId, time(record, "created_at")])
            var keptTokens: [Int64] = []
            for token in tokens {
                let tokenId = try Self.int(token, "id", of: "token")
                let scopes = (token["scopes"]?.arrayValue ?? []).filter { $0.stringValue != nil }
                try ctx.db.execute(sql: """
                    INSERT INTO personal_access_tokens (id, user_id, name, description, scopes, token_digest, revoked, expires_at, last_used_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, name = excluded.name, description = excluded.description,
                        scopes = excluded.scopes, token_digest = excluded.token_digest, revoked = excluded.revoked,
                        expires_at = excluded.expires_at, last_used_at = excluded.last_used_at
                    """, arguments: [tokenId, id, try Self.string(token, "name", of: "token"), token["description"]?.stringValue,
                                     JSONText.encode(.array(scopes)), TokenDigest.digest(TokenDigest.generate(prefix: "mirrored-")),
                                     token["revoked"]?.boolValue ?? false, token["expires_at"]?.stringValue,
                                     token["last_used_at"]?.stringValue.flatMap(Timestamp.parseDateTime), time(token, "created_at")])
                keptTokens.append(tokenId)
            }
            try deleteOthers("personal_access_tokens", "user_id", id, column: "id", keeping: keptTokens)
            kept.append(id)
        }
        let placeholders = kept.map { _ in "?" }.joined(separator: ", ")
        try ctx.db.execute(sql: "DELETE FROM users WHERE service_account = 1 AND provisioned_by_group_id = ?" + (kept.isEmpty ? "" : " AND id NOT IN (\(placeholders))"),
                           arguments: StatementArguments(([groupId] + kept).map { $0 as (any DatabaseValueConvertible)? }))
    }

    private func deleteOthers(_ table: String, _ ownerColumn: String, _ owner: Int64, column: String, keeping: [Int64]) throws {
        let placeholders = keeping.map { _ in "?" }.joined(separator: ", ")
        let condition = keeping.isEmpty ? "" : " AND \(column) NOT IN (\(placeholders))"
        try ctx.db.execute(sql: "DELETE FROM \(table) WHERE \(ownerColumn) = ?" + condition, arguments: StatementArguments(([owner] + keeping).map { $0 as (any DatabaseValueConvertible)? }))
    }
}
