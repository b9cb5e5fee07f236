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
    init(row: Row) throws { try self.init(reading: row) }
    init(columns: StatementColumns) throws { try self.init(reading: columns) }

    private init(reading c: some ColumnReader) throws {
        id = try c.int64(0); username = try c.string(1); name = try c.string(2); email = try c.string(3)
        state = try c.string(4); isAdmin = try c.bool(5); bot = try c.bool(6); external = try c.bool(7)
        canCreateGroup = try c.bool(8); serviceAccount = try c.bool(9)
        provisionedByGroupId = try c.optionalInt64(10); samlGroupId = try c.optionalInt64(11)
        createdAt = try c.int64(12)
    }

    static func find(_ db: Database, id: Int64) throws -> UserRecord? {
        try UserRecord.fetchOne(db, cachedSQL: "SELECT * FROM users WHERE id = ?", arguments: [id])
    }

    /// A NUL names no user (see `GroupRecord.find(_:fullPath:)`): `root\0x` is not root.
    static func find(_ db: Database, username: String) throws -> UserRecord? {
        guard !username.utf8.contains(0) else { return nil }
        return try UserRecord.fetchOne(db, cachedSQL: "SELECT * FROM users WHERE username = ? COLLATE NOCASE", arguments: [username])
    }
}
