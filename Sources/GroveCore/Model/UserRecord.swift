import GRDB

/// A row of `users`.
struct UserRecord: FetchableRecord {
    var id: Int64
    var username: String
    var name: String
    var email: String
    var state: String
    var isAdmin: Bool
    var bot: Bool
    var external: Bool
    var canCreateGroup: Bool
    var serviceAccount: Bool
    var provisionedByGroupId: Int64?
    var samlGroupId: Int64?
    var createdAt: Int64

    init(row: Row) {
        id = row["id"]; username = row["username"]; name = row["name"]; email = row["email"]
        state = row["state"]; isAdmin = row["is_admin"]; bot = row["bot"]; external = row["external"]
        canCreateGroup = row["can_create_group"]; serviceAccount = row["service_account"]
        provisionedByGroupId = row["provisioned_by_group_id"]; samlGroupId = row["saml_group_id"]
        createdAt = row["created_at"]
    }

    static func find(_ db: Database, id: Int64) throws -> UserRecord? {
        try UserRecord.fetchOne(db, cachedSQL: "SELECT * FROM users WHERE id = ?", arguments: [id])
    }

    static func find(_ db: Database, username: String) throws -> UserRecord? {
        try UserRecord.fetchOne(db, cachedSQL: "SELECT * FROM users WHERE username = ? COLLATE NOCASE", arguments: [username])
    }
}
