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

    /// By position: queries select `users.*` in the table's column order (v1 schema).
    init(row: Row) {
        id = row[0]; username = row[1]; name = row[2]; email = row[3]
        state = row[4]; isAdmin = row[5]; bot = row[6]; external = row[7]
        canCreateGroup = row[8]; serviceAccount = row[9]
        provisionedByGroupId = row[10]; samlGroupId = row[11]
        createdAt = row[12]
    }

    static func find(_ db: Database, id: Int64) throws -> UserRecord? {
        try UserRecord.fetchOne(db, cachedSQL: "SELECT * FROM users WHERE id = ?", arguments: [id])
    }

    static func find(_ db: Database, username: String) throws -> UserRecord? {
        try UserRecord.fetchOne(db, cachedSQL: "SELECT * FROM users WHERE username = ? COLLATE NOCASE", arguments: [username])
    }
}
