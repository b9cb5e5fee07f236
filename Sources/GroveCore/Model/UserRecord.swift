import GRDB

/// A row of `users`.
struct UserRecord: FetchableRecord, ColumnDecodable {
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
    init(row: Row) { self.init(reading: row) }
    init(columns: StatementColumns) { self.init(reading: columns) }

    private init(reading c: some ColumnReader) {
        id = c.int64(0); username = c.string(1); name = c.string(2); email = c.string(3)
        state = c.string(4); isAdmin = c.bool(5); bot = c.bool(6); external = c.bool(7)
        canCreateGroup = c.bool(8); serviceAccount = c.bool(9)
        provisionedByGroupId = c.optionalInt64(10); samlGroupId = c.optionalInt64(11)
        createdAt = c.int64(12)
    }

    static func find(_ db: Database, id: Int64) throws -> UserRecord? {
        try UserRecord.fetchOne(db, cachedSQL: "SELECT * FROM users WHERE id = ?", arguments: [id])
    }

    static func find(_ db: Database, username: String) throws -> UserRecord? {
        try UserRecord.fetchOne(db, cachedSQL: "SELECT * FROM users WHERE username = ? COLLATE NOCASE", arguments: [username])
    }
}
