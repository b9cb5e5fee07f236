import GroveFormats
import GRDB

/// A row of `namespaces` (groups). `traversalIds` is the materialised path `"1/5/9/"`:
/// ancestors are its ids, descendants share it as a prefix (one indexed range scan).
struct GroupRecord: FetchableRecord {
    var id: Int64
    var parentId: Int64?
    var name: String
    var path: String
    var fullPath: String
    var fullName: String
    var traversalIds: String
    var visibility: Visibility
    var description: String
    var avatarFilename: String?
    var runnersToken: String
    var settings: JSONObject
    var markedForDeletionAt: Int64?
    var createdAt: Int64
    var updatedAt: Int64

    var isTopLevel: Bool { parentId == nil }
    var ancestorIds: [Int64] { TraversalIds.ids(traversalIds).dropLast() }
    var selfAndAncestorIds: [Int64] { TraversalIds.ids(traversalIds) }
    var depth: Int { TraversalIds.count(traversalIds) }
    var rootId: Int64 { TraversalIds.ids(traversalIds).first ?? id }

    /// A setting from the JSON column, or its default.
    func setting(_ name: String) -> JSONValue { settings[name] ?? GroupSettings.defaults[name] ?? .null }
    func setting(_ s: GroupSettings.Setting) -> JSONValue { settings.isEmpty ? s.defaultValue : settings[s.name] ?? s.defaultValue }

    /// Columns every group query selects, in this order (the avatar bytes stay out).
    static let columns = "id, parent_id, name, path, full_path, full_name, traversal_ids, visibility_level, description, avatar_filename, runners_token, settings, marked_for_deletion_at, created_at, updated_at"

    static func find(_ db: Database, id: Int64) throws -> GroupRecord? {
        try GroupRecord.fetchOne(db, cachedSQL: "SELECT \(columns) FROM namespaces WHERE id = ?", arguments: [id])
    }

    /// A NUL names no group: SQLite would end the text there (`gg%00junk` is not `gg`).
    static func find(_ db: Database, fullPath: String) throws -> GroupRecord? {
        guard !fullPath.utf8.contains(0) else { return nil }
        return try GroupRecord.fetchOne(db, cachedSQL: "SELECT \(columns) FROM namespaces WHERE full_path = ? COLLATE NOCASE", arguments: [fullPath])
    }

    /// Self and every descendant: one range scan on the traversal-ids index.
    static func selfAndDescendants(_ db: Database, of group: GroupRecord) throws -> [GroupRecord] {
        let r = TraversalIds.range(group.traversalIds)
        return try GroupRecord.fetchAll(db, cachedSQL: "SELECT \(columns) FROM namespaces WHERE traversal_ids >= ? AND traversal_ids < ? ORDER BY traversal_ids", arguments: [r.lower, r.upper])
    }

    static func ancestors(_ db: Database, of group: GroupRecord) throws -> [GroupRecord] {
        let ids = group.ancestorIds
        guard !ids.isEmpty else { return [] }
        let rows = try GroupRecord.fetchAll(db, cachedSQL: "SELECT \(columns) FROM namespaces WHERE id IN (SELECT value FROM json_each(?))",
                                            arguments: [JSONText.encode(.array(ids.map { .int($0) }))])
        return ids.compactMap { id in rows.first { $0.id == id } }
    }
}

extension GroupRecord: ColumnDecodable {
    /// Decodes by position: every group query selects `columns` in order, and lookups by
    /// name cost more than the rest of the decoding.
    init(row: Row) throws { try self.init(reading: row) }
    init(columns: StatementColumns) throws { try self.init(reading: columns) }

    private init(reading c: some ColumnReader) throws {
        let text = try c.string(11)
        self.init(id: try c.int64(0), parentId: try c.optionalInt64(1), name: try c.string(2), path: try c.string(3), fullPath: try c.string(4),
                  fullName: try c.string(5), traversalIds: try c.string(6), visibility: Visibility(rawValue: try c.int64(7)) ?? .private,
                  description: try c.string(8), avatarFilename: try c.optionalString(9), runnersToken: try c.string(10),
                  settings: text == "{}" ? JSONObject() : (try? JSONText.decode(text))?.objectValue ?? JSONObject(),
                  markedForDeletionAt: try c.optionalInt64(12), createdAt: try c.int64(13), updatedAt: try c.int64(14))
    }
}

/// Helpers for the materialised path text `"1/5/9/"`.
enum TraversalIds {
    static func ids(_ text: String) -> [Int64] { text.split(separator: "/").compactMap { Int64($0) } }

    /// `ids(text).count`, without building the array: ids of up to 18 digits always
    /// parse, so a text of digits and slashes only needs its digit runs counted.
    static func count(_ text: String) -> Int {
        var n = 0
        var run = 0
        for b in text.utf8 {
            if b == UInt8(ascii: "/") {
                if run > 0 { n += 1 }
                run = 0
            } else if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") && run < 18 {
                run += 1
            } else {
                return ids(text).count
            }
        }
        return run > 0 ? n + 1 : n
    }

    static func child(of parent: String?, id: Int64) -> String { (parent ?? "") + "\(id)/" }

    /// `[lower, upper)` covering the node and its subtree: '0' is the character after '/'.
    static func range(_ text: String) -> (lower: String, upper: String) { (text, String(text.dropLast()) + "0") }

    /// SQL matching `column` against a node's subtree.
    static func subtreeCondition(_ column: String = "traversal_ids") -> String { "(\(column) >= ? AND \(column) < ?)" }
}
