import GroveFormats
import GRDB

/// A namespace as GitLab's Namespaces API sees it: a group, or a user's personal namespace.
enum Namespace {
    case group(GroupRecord)
    case user(id: Int64, UserRecord)

    var id: Int64 {
        switch self {
        case .group(let g): g.id
        case .user(let id, _): id
        }
    }

    static func personal(_ db: Database, id: Int64) throws -> Namespace? {
        guard let userId = try Int64.fetchOne(db, cachedSQL: "SELECT user_id FROM user_namespaces WHERE id = ?", arguments: [id]),
              let user = try UserRecord.find(db, id: userId) else { return nil }
        return .user(id: id, user)
    }

    static func personal(_ db: Database, of user: UserRecord) throws -> Namespace? {
        try Int64.fetchOne(db, cachedSQL: "SELECT id FROM user_namespaces WHERE user_id = ?", arguments: [user.id]).map { .user(id: $0, user) }
    }

    /// By id, or by full path (a group's, or a username): GitLab's `find_namespace`.
    static func find(_ db: Database, _ ref: JSONValue) throws -> Namespace? {
        let text = ref.stringValue.map(PercentEncoding.decode)
        if let id = ref.intValue ?? text.flatMap({ Int64($0) }) {
            if let group = try GroupRecord.find(db, id: id) { return .group(group) }
            return try personal(db, id: id)
        }
        guard let path = text else { return nil }
        if let group = try GroupRecord.find(db, fullPath: path) { return .group(group) }
        guard let user = try UserRecord.find(db, username: path) else { return nil }
        return try personal(db, of: user)
    }
}

/// `lib/api/namespaces.rb`: listing, showing and checking namespace paths.
struct NamespaceService {
    let ctx: OperationContext

    /// Groups and personal namespaces as one relation: kind, id, name, path, full path, parent, and
    /// the group or user id each stands for.
    static let relation = """
        (SELECT 'group' AS kind, n.id, n.name, n.path, n.full_path, n.parent_id, n.id AS ref_id FROM namespaces n
         UNION ALL
         SELECT 'user', un.id, u.name, u.username, u.username, NULL, u.id FROM user_namespaces un JOIN users u ON u.id = un.user_id) ns
        """

    /// `GET /namespaces`: administrators see every namespace; others the groups they are
    /// direct members of (`owned_only`: owners of) and their own namespace.
    func list(_ p: Params) throws -> ([Namespace], PageInfo) {
        var f = QueryFilter()
        if !ctx.caller.isAdmin {
            let userId = ctx.caller.id ?? 0
            let level = p.bool("owned_only") == true ? AccessLevel.owner : AccessLevel.guest
            f.add("""
                ((ns.kind = 'user' AND ns.ref_id = ?) OR (ns.kind = 'group' AND ns.id IN (SELECT group_id FROM members
                  WHERE user_id = ? AND access_level >= ? AND (expires_at IS NULL OR expires_at > ?))))
                """, [userId, userId, level, ctx.today])
        }
        if p.bool("top_level_only") == true { f.add("ns.parent_id IS NULL") }
        if let search = p.presentString("search") {
            let like = "%\(Like.escape(search))%"
            if p.bool("full_path_search") == true {
                f.add("ns.full_path LIKE ? ESCAPE '\\'", [like])
            } else {
                f.add("(ns.name LIKE ? ESCAPE '\\' OR ns.path LIKE ? ESCAPE '\\')", [like, like])
            }
        }
        let (rows, page): ([Row], PageInfo) = try Paginator.offset(ctx.db, select: "SELECT ns.kind, ns.id, ns.ref_id FROM \(Self.relation)", filter: f,
                                                                   order: ListOrder([.asc("ns.id")]), params: p, countFrom: "FROM \(Self.relation)")
        let namespaces: [Namespace] = try rows.compactMap { row in
            let refId: Int64 = try row.column(2)
            if (try row.column(0) as String) == "group" { return try GroupRecord.find(ctx.db, id: refId).map { .group($0) } }
            return try UserRecord.find(ctx.db, id: refId).map { .user(id: try row.column(1), $0) }
        }
        return (namespaces, page)
    }

    /// `find_namespace!`: readable through membership (`read_namespace_via_membership`),
    /// its owner's, or any for administrators; otherwise 404, public groups included.
    func find(_ ref: JSONValue?) throws -> Namespace {
        guard let ref, let namespace = try Namespace.find(ctx.db, ref), try canRead(namespace) else { throw APIError.notFound("Namespace") }
        return namespace
    }

    func canRead(_ namespace: Namespace) throws -> Bool {
        switch namespace {
        case .group(let group): return try ctx.access.level(group) >= AccessLevel.guest
        case .user(_, let user): return ctx.caller.isAdmin || ctx.caller.id == user.id
        }
    }

    /// `GET /namespaces/:id/exists`: whether a group or user namespace under `parentId`
    /// (top level when nil) has the path, case-insensitively; when taken, the first free
    /// suggestion (`Namespace.clean_path`: the slug with 1, 2 ... appended, free of the
    /// paths and names there).
    func exists(path: String, parentId: Int64?) throws -> (exists: Bool, suggests: [String]) {
        let taken = try isTaken(path, parentId: parentId, nameToo: false)
        guard taken else { return (false, []) }
        let slug = Self.slug(path)
        var candidate = slug
        var counter: Int64 = 0
        while try isTaken(candidate, parentId: parentId, nameToo: true) {
            guard counter < 10_000 else { break }
            counter += 1
            candidate = slug + String(counter)
        }
        return (true, [candidate])
    }

    /// `filter_by_path` (path only) or `find_by_path_or_name`, among the namespaces under
    /// the parent.
    private func isTaken(_ text: String, parentId: Int64?, nameToo: Bool) throws -> Bool {
        var args: [any DatabaseValueConvertible] = [text]
        var sql = "SELECT EXISTS (SELECT 1 FROM \(Self.relation) WHERE (ns.path = ? COLLATE NOCASE"
        if nameToo { sql += " OR ns.name = ? COLLATE NOCASE"; args.append(text) }
        sql += ") AND " + (parentId == nil ? "ns.parent_id IS NULL)" : "ns.parent_id = ?)")
        if let parentId { args.append(parentId) }
        return try Bool.fetchOne(ctx.db, sql: sql, arguments: StatementArguments(args)) ?? false
    }

    /// `Gitlab::Slug::Path#generate`: the local part of an e-mail, without characters a
    /// path may not hold, trailing `.git`, `.atom` and `.`, and leading dashes; `blank`
    /// when nothing is left.
    static func slug(_ input: String) -> String {
        var slug = input.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        slug = String(slug.unicodeScalars.filter { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "_-.".unicodeScalars.contains($0) })
        var trimmed = true
        while trimmed {
            trimmed = false
            for suffix in [".git", ".atom", "."] where slug.hasSuffix(suffix) {
                slug.removeLast(suffix.count)
                trimmed = true
            }
        }
        while slug.hasPrefix("-") { slug.removeFirst() }
        return slug.isEmpty ? "blank" : slug
    }
}
