import GRDB

/// One membership with the user's columns, as `Entities::Member` shows it. Every member
/// query selects `MemberRecord.columns` in order: decoding by position, because a lookup
/// by name lowercases the name and searches every column, for every row.
struct MemberRecord: FetchableRecord, ColumnDecodable {
    let userId: Int64
    let accessLevel: Int64
    let expiresAt: String?
    let createdAt: Int64
    let username: String
    let name: String
    let state: String

    /// The columns in decoding order, for a relation `m` of memberships joined to users `u`.
    static func columns(membership m: String, user u: String) -> String {
        "\(m).id, \(m).user_id, \(m).group_id, \(m).access_level, \(m).expires_at, \(m).created_at, \(u).username, \(u).name, \(u).state"
    }

    init(row: Row) throws { try self.init(reading: row) }
    init(columns: StatementColumns) throws { try self.init(reading: columns) }

    private init(reading c: some ColumnReader) throws {
        userId = try c.int64(1)
        accessLevel = try c.int64(3)
        expiresAt = try c.optionalString(4)
        createdAt = try c.int64(5)
        username = try c.string(6)
        name = try c.string(7)
        state = try c.string(8)
    }
}
