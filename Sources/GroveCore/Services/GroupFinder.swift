import Foundation
import GroveFormats
import GRDB

/// `GroupsFinder` / `GroupDescendantsFinder`: the groups a caller may list, with the
/// filters, orders and pagination of `GET /groups`, `/subgroups` and `/descendant_groups`.
struct GroupFinder {
    enum Scope { case all, children(GroupRecord), descendants(GroupRecord) }

    let ctx: OperationContext
    init(_ ctx: OperationContext) { self.ctx = ctx }

    static let keysetUnavailable = "Keyset pagination is not yet available for this type of request"
    static let maxOffset: Int64 = 50_000

    func list(_ scope: Scope, _ params: Params) throws -> ([GroupRecord], PageInfo) {
        let caller = ctx.caller
        var f = QueryFilter()
        switch scope {
        case .all: break
        case .children(let g): f.add("n.parent_id = ?", [g.id])
        case .descendants(let g):
            let r = TraversalIds.range(g.traversalIds)
            f.add("n.traversal_ids > ? AND n.traversal_ids < ?", [r.lower, r.upper])
        }
        // Which groups: owned / min_access_level take precedence over all_available.
        let owned = params.bool("owned") == true
        let minAccess = params.int("min_access_level")
        if owned || minAccess != nil {
            if owned { let c = try ctx.memberAccess.subtreeCondition(alias: "n", minLevel: AccessLevel.owner, directOnly: true); f.add(c.sql, c.args) }
            if let minAccess { let c = try ctx.memberAccess.subtreeCondition(alias: "n", minLevel: max(minAccess, AccessLevel.guest)); f.add(c.sql, c.args) }
        } else if caller.isAnonymous {
            f.add("n.visibility_level = \(Visibility.public.rawValue)")
        } else if params.bool("all_available") ?? caller.isAdmin {
            let c = try ctx.access.listedCondition(alias: "n", includePublic: true); f.add(c.sql, c.args)
        } else {
            let c = try ctx.memberAccess.listedCondition(alias: "n", includePublic: false); f.add(c.sql, c.args)
        }
        let skip = params.intArray("skip_groups")
        if !skip.isEmpty { f.add("n.id NOT IN (SELECT value FROM json_each(?))", [JSONText.encode(.array(skip.map { .int($0) }))]) }
        if let search = params.presentString("search") {
            f.add("(n.name LIKE ? ESCAPE '\\' OR n.path LIKE ? ESCAPE '\\')", ["%\(Like.escape(search))%", "%\(Like.escape(search))%"])
        }
        if let v = params.string("visibility"), let vis = Visibility(name: v) { f.add("n.visibility_level = ?", [vis.rawValue]) }
        if params.bool("top_level_only") == true { f.add("n.parent_id IS NULL") }
        if let day = params.string("marked_for_deletion_on"), let start = Timestamp.parseDay(day) {
            f.add("n.marked_for_deletion_at >= ? AND n.marked_for_deletion_at < ?", [start, start + 86_400_000])
        }
        // Admin-only filters are ignored for others, as GitLab does.
        if caller.isAdmin {
            if let storage = params.string("repository_storage") {
                f.add("COALESCE(json_extract(n.settings, '$.repository_storage'), 'default') = ?", [storage])
            }
            for (key, value) in params["custom_attributes"]?.objectValue ?? JSONObject() {
                f.add("EXISTS (SELECT 1 FROM group_custom_attributes c WHERE c.group_id = n.id AND c.key = ? AND c.value = ?)",
                      [key, value.stringValue ?? value.description])
            }
        }
        let select = Self.select

        if params.list == nil, params.string("pagination") == "keyset", case .all = scope, caller.isAnonymous {
            return try keyset(select: select, filter: f, params: params)
        }
        // Continuing by key skips no row: GitLab's limit on offsets does not apply.
        if params.list == nil, case .all = scope, caller.isAnonymous {
            let (page, perPage) = Paginator.pageAndSize(params)
            if Paginator.rowsBefore(page: page, perPage: perPage) > Self.maxOffset - perPage {
                throw APIError.grape("Offset pagination has a maximum allowed offset of \(Self.maxOffset) for requests that return objects of type Group. Remaining records can be retrieved using keyset pagination.", status: 405)
            }
        }
        return try Paginator.offset(ctx.db, select: select, filter: f, order: order(params), params: params, countFrom: "FROM namespaces n")
    }

    private static let select = "SELECT \(GroupRecord.columns.split(separator: ",").map { "n." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")) FROM namespaces n"

    /// `order_groups` of lib/api/groups.rb: similarity with a search ranks by
    /// `sorted_by_similarity_and_parent_id_desc`; otherwise the order with an `id asc` tie-breaker.
    private func order(_ params: Params) -> ListOrder {
        let desc = params.string("sort") == "desc"
        switch params.string("order_by") ?? "name" {
        case "path": return ListOrder([OrderTerm("n.path", descending: desc), .asc("n.id")])
        case "id": return ListOrder([OrderTerm("n.id", descending: desc)])
        case "similarity":
            guard let s = params.presentString("search") else { return ListOrder([OrderTerm("n.name", descending: desc), .asc("n.id")]) }
            // parent_id DESC puts NULL (top-level groups) last, as NULLS LAST did.
            return ListOrder([OrderTerm("similarity_score(?, n.path, 1, n.name, 0.7)", descending: true, arguments: [s]), .desc("n.parent_id"), .desc("n.id")])
        default: return ListOrder([OrderTerm("n.name", descending: desc), .asc("n.id")])
        }
    }

    /// Keyset pagination: only `order_by=name&sort=asc`; the cursor carries the last
    /// (name, id) seen.
    private func keyset(select: String, filter: QueryFilter, params: Params) throws -> ([GroupRecord], PageInfo) {
        guard (params.string("order_by") ?? "name") == "name", (params.string("sort") ?? "asc") == "asc" else {
            throw APIError.grape(Self.keysetUnavailable, status: 405)
        }
        var f = filter
        if let cursor = params.string("cursor") {
            guard let data = Data(base64Encoded: cursor), let v = try? JSONText.decode(String(decoding: data, as: UTF8.self)),
                  let name = v["name"]?.stringValue, let id = v["id"]?.intValue else {
                throw APIError.grape("cursor is invalid")
            }
            f.add("(n.name > ? OR (n.name = ? AND n.id > ?))", [name, name, id])
        }
        let perPage = params.int("per_page") ?? PaginationParams.defaultPerPage
        var rows = try GroupRecord.fetchAll(ctx.db.statement(varyingSQL: select + f.whereClause + " ORDER BY n.name ASC, n.id ASC LIMIT ?"),
                                            arguments: StatementArguments(f.args + [perPage + 1]))
        var next: String?
        // One row more than a page was read: there is a next page, after this page's last row.
        let hasMore = rows.count > perPage
        if hasMore { rows.removeLast() }
        if hasMore, let last = rows.last {
            next = Data(JSONText.encode(.object([("name", .string(last.name)), ("id", .int(last.id))])).utf8).base64EncodedString()
        }
        return (rows, PageInfo(page: nil, perPage: perPage, nextCursor: next))
    }
}
