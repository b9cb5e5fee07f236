import GRDB
import GroveFormats

/// A SQL query under construction: conditions and their arguments, in order.
struct QueryFilter {
    var conditions: [String] = []
    var args: [any DatabaseValueConvertible] = []

    mutating func add(_ sql: String, _ arguments: [any DatabaseValueConvertible] = []) {
        conditions.append(sql)
        args += arguments
    }

    var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }
}

/// One column of a list's order: an SQL expression and its direction. NULL sorts as
/// SQLite sorts it: before every value ascending, after every value descending.
struct OrderTerm {
    let expression: String
    let descending: Bool
    /// Values of the expression's `?` (a search for `similarity_score(?, ...)`).
    let arguments: [any DatabaseValueConvertible]

    init(_ expression: String, descending: Bool = false, arguments: [any DatabaseValueConvertible] = []) {
        self.expression = expression
        self.descending = descending
        self.arguments = arguments
    }

    static func asc(_ expression: String) -> OrderTerm { OrderTerm(expression) }
    static func desc(_ expression: String) -> OrderTerm { OrderTerm(expression, descending: true) }

    var sql: String { expression + (descending ? " DESC" : " ASC") }
}

/// A list's order: its terms, the last of which is unique (the id), so that the values of
/// the order's expressions for one row (its key) say exactly which rows come after it.
struct ListOrder {
    let terms: [OrderTerm]

    init(_ terms: [OrderTerm]) {
        precondition(!terms.isEmpty, "a list order needs at least its id")
        self.terms = terms
    }

    var sql: String { terms.map(\.sql).joined(separator: ", ") }
    var arguments: [any DatabaseValueConvertible] { terms.flatMap(\.arguments) }
    /// The last term: the row's id.
    var idExpression: String { terms[terms.count - 1].expression }

    /// The rows after `key` in this order. Ascending terms with a key without NULL are one
    /// row-value comparison, `(name, id) > (?, ?)`, which SQLite answers by seeking an index;
    /// otherwise the comparison is spelled out term by term, NULL placed as ORDER BY does.
    func after(_ key: ListKey) -> (sql: String, args: [any DatabaseValueConvertible]) {
        precondition(key.values.count == terms.count, "a list key has one value per order term")
        if terms.allSatisfy({ !$0.descending && $0.arguments.isEmpty }), !key.values.contains(where: \.isNull) {
            let marks = Array(repeating: "?", count: terms.count).joined(separator: ", ")
            return ("(" + terms.map(\.expression).joined(separator: ", ") + ") > (" + marks + ")", key.values.map { $0 as any DatabaseValueConvertible })
        }
        var alternatives: [String] = []
        var args: [any DatabaseValueConvertible] = []
        var equalSQL: [String] = []
        var equalArgs: [any DatabaseValueConvertible] = []
        for (term, value) in zip(terms, key.values) {
            let greater: (String, [any DatabaseValueConvertible])? = switch (term.descending, value.isNull) {
            case (false, true): ("\(term.expression) IS NOT NULL", term.arguments)
            case (false, false): ("\(term.expression) > ?", term.arguments + [value])
            case (true, true): nil  // nothing sorts after NULL descending
            case (true, false): ("(\(term.expression) < ? OR \(term.expression) IS NULL)", term.arguments + [value] + term.arguments)
            }
            if let greater {
                alternatives.append("(" + (equalSQL + [greater.0]).joined(separator: " AND ") + ")")
                args += equalArgs + greater.1
            }
            if value.isNull {
                equalSQL.append("\(term.expression) IS NULL")
                equalArgs += term.arguments
            } else {
                equalSQL.append("\(term.expression) = ?")
                equalArgs += term.arguments + [value]
            }
        }
        return alternatives.isEmpty ? ("0", []) : ("(" + alternatives.joined(separator: " OR ") + ")", args)
    }
}

/// Where a list continues: the values of its order's expressions for the last row seen,
/// and the rows already found to come next. Only the core makes them; front ends hand them
/// back (`GroveStore.perform(_:params:as:list:)`).
public struct ListKey: Sendable, Equatable {
    let values: [DatabaseValue]
    var ahead: ListAhead?

    init(values: [DatabaseValue], ahead: ListAhead? = nil) {
        self.values = values
        self.ahead = ahead
    }
}

/// The rows that come next in a list's order, as found by one query ahead of the pages
/// that return them: their ids, and their keys as they were then. Used where no index
/// gives the order, and SQLite sorts every row after the key for a page: a loop over n
/// rows in pages of k sorted n^2/k rows; read ahead ten pages at a time, ten times fewer.
/// A row that left the list (deleted, moved, hidden) since is skipped when its page is
/// read; one that joined among rows already read ahead is not returned, as if it had
/// joined a page already read.
struct ListAhead: Sendable, Equatable {
    let width: Int
    private var ids: [Int64] = []
    /// Row i's key is `keys[i * width ..< (i + 1) * width]`.
    private var keys: [DatabaseValue] = []
    private var next = 0
    /// No row comes after the last one read ahead.
    private(set) var complete = false

    init(width: Int) { self.width = width }

    var count: Int { ids.count - next }
    var lastKey: [DatabaseValue]? { ids.isEmpty ? nil : Array(keys[(ids.count - 1) * width ..< ids.count * width]) }

    /// The ids of the next `n` rows (fewer at the end) and the key of the last, taken; nil
    /// when none is left.
    mutating func take(_ n: Int) -> (ids: ArraySlice<Int64>, lastKey: [DatabaseValue])? {
        let end = next + min(n, ids.count - next)
        guard end > next else { return nil }
        defer { next = end }
        return (ids[next..<end], Array(keys[(end - 1) * width ..< end * width]))
    }

    /// These rows (read after the last one), with what is not taken yet.
    mutating func append(_ more: [(id: Int64, key: [DatabaseValue])], complete: Bool) {
        ids = Array(ids[next...]) + more.map(\.id)
        keys = Array(keys[(next * width)...]) + more.flatMap(\.key)
        next = 0
        self.complete = complete
    }
}

/// How a front end that iterates a list in-process asks for it, instead of offset pages:
/// the next `limit` rows after a key (no totals), or only how many rows there are (after
/// a key, when given).
public enum ListRequest: Sendable, Equatable {
    case after(ListKey?, limit: Int)
    case count(after: ListKey?)
}

/// Offset pagination with GitLab's defaults (page 1, per_page 20, max 100, totals), or
/// the continuation by key of a `ListRequest` (no rows skipped, no totals unless counting).
enum Paginator {
    static func offset<R: FetchableRecord>(_ db: Database, select: String, filter: QueryFilter, order: ListOrder, params: Params,
                                           countFrom: String) throws -> ([R], PageInfo) {
        try page(db, select: select, filter: filter, order: order, params: params, countFrom: countFrom) { statement, arguments, keyColumns in
            try rowsAndLastKey(statement, arguments, keyColumns) { try R(row: $0) }
        }
    }

    /// Records read straight from the statement's columns (no GRDB `Row` per record).
    static func offset<R: FetchableRecord & ColumnDecodable>(_ db: Database, select: String, filter: QueryFilter, order: ListOrder, params: Params,
                                                             countFrom: String) throws -> ([R], PageInfo) {
        try page(db, select: select, filter: filter, order: order, params: params, countFrom: countFrom) { statement, arguments, keyColumns in
            try R.fetchAll(statement, arguments: arguments, lastKeyColumns: keyColumns)
        }
    }

    static func offset(_ db: Database, select: String, filter: QueryFilter, order: ListOrder, params: Params,
                       countFrom: String) throws -> ([Row], PageInfo) {
        try page(db, select: select, filter: filter, order: order, params: params, countFrom: countFrom) { statement, arguments, keyColumns in
            try rowsAndLastKey(statement, arguments, keyColumns) { $0.copy() }
        }
    }

    private static func rowsAndLastKey<R>(_ statement: Statement, _ arguments: SQLArguments, _ keyColumns: Range<Int>,
                                          _ make: (Row) throws -> R) throws -> ([R], [DatabaseValue]) {
        var records: [R] = []
        var key: [DatabaseValue] = []
        let rows = try Row.fetchCursor(statement, arguments: StatementArguments(arguments))
        while let row = try rows.next() {
            records.append(try make(row))
            if !keyColumns.isEmpty { key = keyColumns.map { row[$0] as DatabaseValue } }
        }
        return (records, key)
    }

    private static func page<R>(_ db: Database, select: String, filter: QueryFilter, order: ListOrder, params: Params, countFrom: String,
                                fetch: (Statement, SQLArguments, Range<Int>) throws -> ([R], [DatabaseValue])) throws -> ([R], PageInfo) {
        switch params.list {
        case .count(let key)?:
            var f = filter
            if let key { let after = order.after(key); f.add(after.sql, after.args) }
            let total = try Int64.fetchOne(db.statement(varyingSQL: "SELECT COUNT(*) " + countFrom + f.whereClause), arguments: StatementArguments(f.args)) ?? 0
            return ([], PageInfo(page: nil, perPage: 0, total: total))
        case .after(let key, let limit)?:
            if key?.ahead != nil {
                return try readingAhead(db, select: select, filter: filter, order: order, key: key, limit: limit, countFrom: countFrom, fetch: fetch)
            }
            var f = filter
            if let key { let after = order.after(key); f.add(after.sql, after.args) }
            // The order's expressions are read back as the last columns: the key of the last row.
            let sql = try selectingKey(select, order) + f.whereClause + " ORDER BY " + order.sql + " LIMIT ?"
            let arguments = order.arguments + f.args + order.arguments + [Int64(limit)]
            // The first page decides; a list that read ahead goes on doing so (above).
            if key == nil, try sortsEveryRow(db, sql, arguments) {
                return try readingAhead(db, select: select, filter: filter, order: order, key: nil, limit: limit, countFrom: countFrom, fetch: fetch)
            }
            let statement = try db.statement(varyingSQL: sql)
            let keyColumns = (statement.columnCount - order.terms.count)..<statement.columnCount
            let (rows, lastKey) = try fetch(statement, arguments, keyColumns)
            var info = PageInfo(page: nil, perPage: Int64(limit))
            if rows.count == limit, !lastKey.isEmpty { info.continuation = ListKey(values: lastKey) }
            return (rows, info)
        case nil:
            let (page, perPage) = pageAndSize(params)
            let count = try db.statement(varyingSQL: "SELECT COUNT(*) " + countFrom + filter.whereClause)
            let total = try Int64.fetchOne(count, arguments: StatementArguments(filter.args)) ?? 0
            let (rows, _) = try fetch(db.statement(varyingSQL: select + filter.whereClause + " ORDER BY " + order.sql + " LIMIT ? OFFSET ?"),
                                      filter.args + order.arguments + [perPage, rowsBefore(page: page, perPage: perPage)], 0..<0)
            let totalPages = max(1, (total + perPage - 1) / perPage)
            let info = PageInfo(page: page, perPage: perPage, total: total, totalPages: totalPages,
                                nextPage: page < totalPages ? page + 1 : nil, prevPage: page > 1 ? page - 1 : nil)
            return (rows, info)
        }
    }

    /// Whether SQLite answers `sql` by sorting every row it selects (no index gives the
    /// order): then a page costs the whole list, and the pages read ahead. The plan's text
    /// is SQLite's own, stable for years; were it to change, pages would go on without
    /// reading ahead, only slower.
    private static func sortsEveryRow(_ db: Database, _ sql: String, _ arguments: SQLArguments) throws -> Bool {
        try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments)).contains {
            ($0["parent"] as Int64?) == 0 && ($0["detail"] as String?) == "USE TEMP B-TREE FOR ORDER BY"
        }
    }

    /// The next page of `limit` rows through `ListAhead`.
    private static func readingAhead<R>(_ db: Database, select: String, filter: QueryFilter, order: ListOrder, key: ListKey?, limit: Int, countFrom: String,
                                        fetch: (Statement, SQLArguments, Range<Int>) throws -> ([R], [DatabaseValue])) throws -> ([R], PageInfo) {
        var ahead = key?.ahead ?? ListAhead(width: order.terms.count)
        var lastKey = key?.values ?? []
        var rows: [R] = []
        while rows.isEmpty {
            if ahead.count < limit, !ahead.complete {
                ahead = try readAhead(db, countFrom: countFrom, filter: filter, order: order, ahead: ahead,
                                      after: ahead.lastKey ?? lastKey, count: limit > maxReadAhead / 10 ? maxReadAhead : limit * 10)
            }
            guard let (ids, idsLastKey) = ahead.take(limit) else { break }
            // The rows of those ids still in the list, after the last key taken. The ids
            // are the outer loop, each a seek by primary key (an IN list made SQLite build
            // an index of them first, a fifth of the page's cost). Only their value is
            // visible: json_each's own columns (id, path, ...) would make the list's names
            // ambiguous. No ORDER BY: the ids are in the list's order already, and a CROSS
            // JOIN keeps its left side the outer loop, so rows come in that order; sorting
            // them again copied every row into a temporary b-tree (a tenth of the page).
            let (columns, from) = try splitAtFrom(select)
            var f = filter
            f.add("\(order.idExpression) = grove_ahead_id")
            if !lastKey.isEmpty { let after = order.after(ListKey(values: lastKey)); f.add(after.sql, after.args) }
            let sql = columns + " FROM (SELECT value AS grove_ahead_id FROM json_each(?)) CROSS JOIN "
                + from.dropFirst("FROM".count).drop(while: \.isWhitespace)
            let statement = try db.statement(varyingSQL: sql + f.whereClause)
            let idList: any DatabaseValueConvertible = JSONText.encode(.array(ids.map { .int($0) }))
            rows = try fetch(statement, [idList] + f.args, 0..<0).0
            lastKey = idsLastKey
        }
        var info = PageInfo(page: nil, perPage: Int64(limit))
        if ahead.count > 0 || !ahead.complete { info.continuation = ListKey(values: lastKey, ahead: ahead) }
        return (rows, info)
    }

    /// The most ids read ahead at once (a few hundred kilobytes).
    static let maxReadAhead = 50_000

    /// `ahead` with up to `count` more rows, after `key` (the last row read ahead, else the
    /// last returned): only the order's expressions are read, no row is built.
    private static func readAhead(_ db: Database, countFrom: String, filter: QueryFilter, order: ListOrder, ahead: ListAhead,
                                  after key: [DatabaseValue], count: Int) throws -> ListAhead {
        var f = filter
        if !key.isEmpty { let after = order.after(ListKey(values: key)); f.add(after.sql, after.args) }
        let keys = order.terms.map(\.expression).joined(separator: ", ")
        let statement = try db.statement(varyingSQL: "SELECT " + keys + " " + countFrom + f.whereClause + " ORDER BY " + order.sql + " LIMIT ?")
        var more: [(id: Int64, key: [DatabaseValue])] = []
        let rows = try Row.fetchCursor(statement, arguments: StatementArguments(order.arguments + f.args + order.arguments + [Int64(count)]))
        while let row = try rows.next() {
            guard let id = Int64.fromDatabaseValue(row[order.terms.count - 1]) else {
                throw APIError.internalError("a list's id is not an integer: \(order.idExpression)")
            }
            more.append((id, (0..<order.terms.count).map { row[$0] as DatabaseValue }))
        }
        var ahead = ahead
        ahead.append(more, complete: more.count < count)
        return ahead
    }

    /// `select` with the order's expressions added as its last result columns, and where
    /// they are. They go before the FROM of the outer query (a column may hold a subquery).
    static func selectingKey(_ select: String, _ order: ListOrder) throws -> String {
        let (columns, from) = try splitAtFrom(select)
        let keys = order.terms.enumerated().map { "\($1.expression) AS grove_key\($0)" }.joined(separator: ", ")
        return columns + ", " + keys + " " + from
    }

    /// `select` as its result columns (`SELECT ...`) and the rest from its top-level FROM
    /// on (a column may hold a subquery with a FROM of its own).
    static func splitAtFrom(_ select: String) throws -> (columns: Substring, from: Substring) {
        var depth = 0
        var i = select.startIndex
        while i < select.endIndex {
            let c = select[i]
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            else if depth == 0, c.isWhitespace, select[select.index(after: i)...].hasPrefix("FROM"),
                    select[select.index(after: i)...].dropFirst(4).first?.isWhitespace == true {
                return (select[..<i], select[select.index(after: i)...])
            }
            i = select.index(after: i)
        }
        throw APIError(status: 500, body: .message("500 Internal Server Error - list select without FROM"))
    }

    /// `page` (at least 1) and `per_page` clamped to 1...100 as GitLab does, whatever the
    /// caller passed (the parser refuses 0 and negatives for REST and Lua already).
    static func pageAndSize(_ params: Params) -> (page: Int64, perPage: Int64) {
        let page = max(1, params.int("page") ?? 1)
        let perPage = min(max(1, params.int("per_page") ?? PaginationParams.defaultPerPage), PaginationParams.maxPerPage)
        return (page, perPage)
    }

    /// How many rows come before `page`: `(page - 1) * perPage`, or Int64.max when that
    /// overflows (`page=1000000000000000000`): a page past every row is an empty page.
    static func rowsBefore(page: Int64, perPage: Int64) -> Int64 {
        let (skipped, overflow) = (max(1, page) - 1).multipliedReportingOverflow(by: perPage)
        return overflow ? Int64.max : skipped
    }

    /// A whole list in one page (unpaginated endpoints).
    static func all<R: FetchableRecord>(_ db: Database, select: String, filter: QueryFilter, orderBy: String) throws -> [R] {
        try R.fetchAll(db.statement(varyingSQL: select + filter.whereClause + " ORDER BY " + orderBy), arguments: StatementArguments(filter.args))
    }
}
