import GRDB

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

/// Offset pagination with GitLab's defaults (page 1, per_page 20, max 100, totals).
enum Paginator {
    static func offset<R: FetchableRecord>(_ db: Database, select: String, filter: QueryFilter, orderBy: String, orderArguments: [any DatabaseValueConvertible] = [], params: Params,
                                           countFrom: String) throws -> ([R], PageInfo) {
        try offset(db, select: select, filter: filter, orderBy: orderBy, orderArguments: orderArguments, params: params, countFrom: countFrom) { try R.fetchAll($0, arguments: StatementArguments($1)) }
    }

    /// Records read straight from the statement's columns (no GRDB `Row` per record).
    static func offset<R: FetchableRecord & ColumnDecodable>(_ db: Database, select: String, filter: QueryFilter, orderBy: String, orderArguments: [any DatabaseValueConvertible] = [], params: Params,
                                                             countFrom: String) throws -> ([R], PageInfo) {
        try offset(db, select: select, filter: filter, orderBy: orderBy, orderArguments: orderArguments, params: params, countFrom: countFrom) { try R.fetchAll($0, arguments: $1.map { $0 }) }
    }

    static func offset(_ db: Database, select: String, filter: QueryFilter, orderBy: String, orderArguments: [any DatabaseValueConvertible] = [], params: Params,
                       countFrom: String) throws -> ([Row], PageInfo) {
        try offset(db, select: select, filter: filter, orderBy: orderBy, orderArguments: orderArguments, params: params, countFrom: countFrom) { try Row.fetchAll($0, arguments: StatementArguments($1)) }
    }

    private static func offset<R>(_ db: Database, select: String, filter: QueryFilter, orderBy: String, orderArguments: [any DatabaseValueConvertible], params: Params, countFrom: String,
                                  fetch: (Statement, [any DatabaseValueConvertible]) throws -> [R]) throws -> ([R], PageInfo) {
        let (page, perPage) = pageAndSize(params)
        let count = try db.statement(varyingSQL: "SELECT COUNT(*) " + countFrom + filter.whereClause)
        let total = try Int64.fetchOne(count, arguments: StatementArguments(filter.args)) ?? 0
        let rows = try fetch(db.statement(varyingSQL: select + filter.whereClause + " ORDER BY " + orderBy + " LIMIT ? OFFSET ?"),
                             filter.args + orderArguments + [perPage, rowsBefore(page: page, perPage: perPage)])
        let totalPages = max(1, (total + perPage - 1) / perPage)
        let info = PageInfo(page: page, perPage: perPage, total: total, totalPages: totalPages,
                            nextPage: page < totalPages ? page + 1 : nil, prevPage: page > 1 ? page - 1 : nil)
        return (rows, info)
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
