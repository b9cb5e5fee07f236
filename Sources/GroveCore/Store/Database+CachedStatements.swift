import Foundation
import GRDB
// GRDB's own SQLite module (the GRDBSQLite product of GRDB.swift), for stepping and
// resetting cached statements.
import GRDBSQLite

// GRDB compiles and analyses every new statement (authorizer, table regions); creating a
// group runs a dozen statements, so the fixed ones go through the connection's statement
// cache. Only constant SQL may use these: SQL built from varying conditions would grow
// the cache without bound.
//
// Statements with arguments are then bound and stepped straight through SQLite, binding
// each value as GRDB binds it: GRDB's StatementArguments, temporary bindings and
// per-statement bookkeeping cost more than SQLite's own work for the one-row statements
// of an operation. Statements without arguments (BEGIN, COMMIT, SAVEPOINT, PRAGMA) stay
// with GRDB, which follows the transaction state through them.

/// The values of a cached statement's `?` parameters, in order.
typealias SQLArguments = [(any DatabaseValueConvertible)?]

extension Database {
    /// A statement for SQL assembled from a request's filters (lists). Such SQL has few
    /// shapes in practice but no fixed bound, so only the first `VaryingSQL.limit` shapes
    /// seen go through the statement cache; any other is compiled for the call.
    func statement(varyingSQL sql: String) throws -> Statement {
        VaryingSQL.admits(sql) ? try cachedStatement(sql: sql) : try makeStatement(sql: sql)
    }

    func run(sql: String, arguments: SQLArguments = []) throws {
        let statement = try cachedStatement(sql: sql)
        if arguments.isEmpty {
            try statement.execute(arguments: StatementArguments())
        } else {
            try statement.eachRow(arguments) { _ in true }
        }
    }
}

/// The SQL shapes admitted to the statement cache by `statement(varyingSQL:)`, shared by
/// every connection, so each connection caches at most `limit` of them.
enum VaryingSQL {
    static let limit = 256
    nonisolated(unsafe) private static var admitted: Set<String> = []
    private static let lock = NSLock()

    static var admittedCount: Int { lock.lock(); defer { lock.unlock() }; return admitted.count }

    static func admits(_ sql: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if admitted.contains(sql) { return true }
        guard admitted.count < limit else { return false }
        admitted.insert(sql)
        return true
    }
}

extension Statement {
    /// Binds `arguments`, then steps through the rows, handing each to `row` until it
    /// returns false. The statement is reset whatever happens; a failure throws GRDB's
    /// `DatabaseError` with SQLite's code and message.
    fileprivate func eachRow(_ arguments: SQLArguments, _ row: (StatementColumns) throws -> Bool) throws {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        guard arguments.count == Int(sqlite3_bind_parameter_count(handle)) else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments: \(arguments.count)", sql: sql)
        }
        for (i, value) in arguments.enumerated() {
            let index = CInt(i + 1)
            let code = value?.bind(to: handle, at: index) ?? sqlite3_bind_null(handle, index)
            guard code == SQLITE_OK else { throw failure(code) }
        }
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_ROW: if try !row(StatementColumns(handle: handle)) { return }
            case SQLITE_DONE: return
            case let code: throw failure(code)
            }
        }
    }

    private func failure(_ code: CInt) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement))), sql: sql)
    }
}

extension FetchableRecord {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: SQLArguments = []) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
    }
    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: SQLArguments = []) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
    }
}

extension DatabaseValueConvertible {
    /// GRDB's `fetchOne`: nil for no row and for NULL.
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: SQLArguments = []) throws -> Self? {
        let statement = try db.cachedStatement(sql: sql)
        var first: DatabaseValue?
        try statement.eachRow(arguments) { row in first = DatabaseValue(columns: row); return false }
        guard let first, !first.isNull else { return nil }
        if let converted = fromDatabaseValue(first) { return converted }
        return try fetchOne(statement, arguments: StatementArguments(arguments))  // GRDB's own conversion error
    }
}

extension Row {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: SQLArguments = []) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
    }
    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: SQLArguments = []) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
    }
}

// MARK: Reading columns by position

/// Columns of the current row, by position, in GRDB's conversions. A NULL where a value
/// is required (a store edited by hand, or broken) throws GitLab's 500, where GRDB's
/// `row[i]` would stop the process.
protocol ColumnReader {
    func int64(_ i: Int) throws -> Int64
    func optionalInt64(_ i: Int) throws -> Int64?
    func string(_ i: Int) throws -> String
    func optionalString(_ i: Int) throws -> String?
    func bool(_ i: Int) throws -> Bool
    func optionalBool(_ i: Int) throws -> Bool?
}

/// The 500 for a column that holds no value, or not one of the type its reader expects.
func unreadableColumn(_ type: Any.Type, _ column: some CustomStringConvertible, _ sql: String?) -> APIError {
    APIError.internalError("could not read \(type) from column \(column)" + (sql.map { " of \($0)" } ?? ""))
}

extension Row {
    /// GRDB's `row[name]`, throwing the store's 500 where the subscript would trap (a NULL
    /// where a value is required, a missing column).
    func column<T: DatabaseValueConvertible>(_ name: String) throws -> T {
        do { return try decode(T.self, forColumn: name) } catch { throw unreadableColumn(T.self, name, nil) }
    }

    /// GRDB's `row[index]`, throwing like `column(_:)`.
    func column<T: DatabaseValueConvertible>(_ index: Int) throws -> T {
        guard index >= 0, index < count else { throw unreadableColumn(T.self, index, nil) }
        do { return try decode(T.self, atIndex: index) } catch { throw unreadableColumn(T.self, index, nil) }
    }
}

extension Row: ColumnReader {
    private func value<T: DatabaseValueConvertible & StatementColumnConvertible>(_ i: Int) throws -> T {
        do { return try decode(T.self, atIndex: i) } catch { throw unreadableColumn(T.self, i, nil) }
    }
    func int64(_ i: Int) throws -> Int64 { try value(i) }
    func optionalInt64(_ i: Int) throws -> Int64? { try value(i) }
    func string(_ i: Int) throws -> String { try value(i) }
    func optionalString(_ i: Int) throws -> String? { try value(i) }
    func bool(_ i: Int) throws -> Bool { try value(i) }
    func optionalBool(_ i: Int) throws -> Bool? { try value(i) }
}

/// The row a statement stands on, read straight from SQLite.
struct StatementColumns: ColumnReader {
    let handle: SQLiteStatement

    private func value<T: StatementColumnConvertible>(_ i: Int) throws -> T {
        guard i >= 0, i < Int(sqlite3_column_count(handle)), let value = T.fromStatement(handle, atUncheckedIndex: CInt(i)) else {
            throw unreadableColumn(T.self, i, sqlite3_sql(handle).map { String(cString: $0) })
        }
        return value
    }
    private func optional<T: StatementColumnConvertible>(_ i: Int) throws -> T? {
        guard i >= 0, i < Int(sqlite3_column_count(handle)) else { throw unreadableColumn(T.self, i, sqlite3_sql(handle).map { String(cString: $0) }) }
        return sqlite3_column_type(handle, CInt(i)) == SQLITE_NULL ? nil : try value(i) as T
    }
    func int64(_ i: Int) throws -> Int64 { try value(i) }
    func optionalInt64(_ i: Int) throws -> Int64? { try optional(i) }
    func string(_ i: Int) throws -> String { try value(i) }
    func optionalString(_ i: Int) throws -> String? { try optional(i) }
    func bool(_ i: Int) throws -> Bool { try value(i) }
    func optionalBool(_ i: Int) throws -> Bool? { try optional(i) }
}

/// A value made from the columns of one row. GRDB's `Row` maps every column name when a
/// query starts, which costs more than a one-row lookup by key.
protocol ColumnDecodable {
    init(columns: StatementColumns) throws
}

extension DatabaseValue: ColumnDecodable {
    init(columns: StatementColumns) { self.init(sqliteStatement: columns.handle, index: 0) }
}

extension ColumnDecodable {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: SQLArguments = []) throws -> Self? {
        try readOne(db, sql, arguments)
    }
    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: SQLArguments = []) throws -> [Self] {
        try readAll(db, sql, arguments)
    }

    fileprivate static func readOne(_ db: Database, _ sql: String, _ arguments: SQLArguments) throws -> Self? {
        var record: Self?
        try db.cachedStatement(sql: sql).eachRow(arguments) { row in record = try Self(columns: row); return false }
        return record
    }
    fileprivate static func readAll(_ db: Database, _ sql: String, _ arguments: SQLArguments) throws -> [Self] {
        var records: [Self] = []
        try db.cachedStatement(sql: sql).eachRow(arguments) { row in records.append(try Self(columns: row)); return true }
        return records
    }
}

extension ColumnDecodable {
    /// Every row of a prepared statement (a list's page), read from its columns.
    static func fetchAll(_ statement: Statement, arguments: SQLArguments) throws -> [Self] {
        var records: [Self] = []
        try statement.eachRow(arguments) { row in records.append(try Self(columns: row)); return true }
        return records
    }

    /// Every row, and the values of `lastKeyColumns` in the last one (a list's key).
    static func fetchAll(_ statement: Statement, arguments: SQLArguments, lastKeyColumns: Range<Int>) throws -> ([Self], [DatabaseValue]) {
        var records: [Self] = []
        var key: [DatabaseValue] = []
        try statement.eachRow(arguments) { row in
            records.append(try Self(columns: row))
            if !lastKeyColumns.isEmpty { key = lastKeyColumns.map { DatabaseValue(sqliteStatement: row.handle, index: CInt($0)) } }
            return true
        }
        return (records, key)
    }
}

/// Records GRDB also decodes from its rows are read from columns when the SQL is cached.
extension FetchableRecord where Self: ColumnDecodable {
    static func fetchOne(_ db: Database, cachedSQL sql: String, arguments: SQLArguments = []) throws -> Self? {
        try readOne(db, sql, arguments)
    }
    static func fetchAll(_ db: Database, cachedSQL sql: String, arguments: SQLArguments = []) throws -> [Self] {
        try readAll(db, sql, arguments)
    }
}
