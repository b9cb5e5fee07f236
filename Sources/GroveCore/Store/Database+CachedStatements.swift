import GRDB
// GRDB's own SQLite module (GRDB.swift's GRDBSQLite product), for `sqlite3_reset`.
import GRDBSQLite

// GRDB compiles and analyses every new statement (authorizer, table regions); creating a
// group runs a dozen statements, so the fixed ones go through the connection's statement
// cache. Only constant SQL may use these: SQL built from varying conditions would grow
// the cache without bound.

extension Database {
    func run(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension FetchableRecord {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension DatabaseValueConvertible {
    /// GRDB's `fetchOne` (nil for no row and for NULL), read without a cursor over rows.
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        let statement = try db.cachedStatement(sql: sql)
        guard let value = try ColumnCursor<DatabaseValue>(statement, arguments: arguments).next(), !value.isNull else { return nil }
        if let converted = fromDatabaseValue(value) { return converted }
        return try fetchOne(statement, arguments: arguments)  // GRDB's own conversion error
    }
}

extension Row {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

// MARK: Reading columns by position

/// Columns of the current row, by position, in GRDB's conversions (`row[i]`).
protocol ColumnReader {
    func int64(_ i: Int) -> Int64
    func optionalInt64(_ i: Int) -> Int64?
    func string(_ i: Int) -> String
    func optionalString(_ i: Int) -> String?
    func bool(_ i: Int) -> Bool
    func optionalBool(_ i: Int) -> Bool?
}

extension Row: ColumnReader {
    func int64(_ i: Int) -> Int64 { self[i] }
    func optionalInt64(_ i: Int) -> Int64? { self[i] }
    func string(_ i: Int) -> String { self[i] }
    func optionalString(_ i: Int) -> String? { self[i] }
    func bool(_ i: Int) -> Bool { self[i] }
    func optionalBool(_ i: Int) -> Bool? { self[i] }
}

/// The row a statement stands on, read straight from SQLite.
struct StatementColumns: ColumnReader {
    let handle: SQLiteStatement

    private func value<T: StatementColumnConvertible>(_ i: Int) -> T {
        guard let value = T.fromStatement(handle, atUncheckedIndex: CInt(i)) else {
            fatalError("could not read \(T.self) from column \(i)")  // what GRDB's row[i] does
        }
        return value
    }
    func int64(_ i: Int) -> Int64 { value(i) }
    func optionalInt64(_ i: Int) -> Int64? { value(i) }
    func string(_ i: Int) -> String { value(i) }
    func optionalString(_ i: Int) -> String? { value(i) }
    func bool(_ i: Int) -> Bool { value(i) }
    func optionalBool(_ i: Int) -> Bool? { value(i) }
}

/// A value made from the columns of one row.
protocol ColumnDecodable {
    init(columns: StatementColumns)
}

extension DatabaseValue: ColumnDecodable {
    init(columns: StatementColumns) { self.init(sqliteStatement: columns.handle, index: 0) }
}

/// Steps a statement through GRDB (its error handling and bookkeeping) and decodes each
/// row from the statement itself. GRDB's `Row` maps every column name when a query
/// starts, which costs more than a one-row lookup by key.
final class ColumnCursor<Element: ColumnDecodable>: DatabaseCursor {
    let _statement: Statement
    var _isDone = false

    init(_ statement: Statement, arguments: StatementArguments) throws {
        _statement = statement
        try statement.setArguments(arguments)  // resets, checks and binds
    }

    func _element(sqliteStatement: SQLiteStatement) -> Element { Element(columns: StatementColumns(handle: sqliteStatement)) }

    deinit {
        // As GRDB's cursors do: an unfinished statement must not keep its read open.
        sqlite3_reset(_statement.sqliteStatement)
    }
}

extension ColumnDecodable {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try readOne(db, sql, arguments)
    }
    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try readAll(db, sql, arguments)
    }

    fileprivate static func readOne(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> Self? {
        try ColumnCursor<Self>(db.cachedStatement(sql: sql), arguments: arguments).next()
    }
    fileprivate static func readAll(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [Self] {
        var records: [Self] = []
        try ColumnCursor<Self>(db.cachedStatement(sql: sql), arguments: arguments).forEach { records.append($0) }
        return records
    }
}

/// Records GRDB also decodes from its rows are read from columns when the SQL is cached.
extension FetchableRecord where Self: ColumnDecodable {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try readOne(db, sql, arguments)
    }
    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try readAll(db, sql, arguments)
    }
}
