import GroveFormats
/// Where a list answer sits among its pages: GitLab's X-Page, X-Total, ... headers, and the
/// keyset cursor when one was asked for.
public struct PageInfo: Sendable, Equatable, JSONRepresentable {
    public var page: Int64?
    public var perPage: Int64
    public var total: Int64?
    public var totalPages: Int64?
    public var nextPage: Int64?
    public var prevPage: Int64?
    public var nextCursor: String?
    /// Where an in-process iteration by key continues (`ListRequest.after`); nil on the last page.
    public var continuation: ListKey?

    public var json: JSONValue {
        .object([
            ("page", page.json), ("per_page", .int(perPage)), ("total", total.json), ("total_pages", totalPages.json),
            ("next_page", nextPage.json), ("prev_page", prevPage.json), ("next_cursor", nextCursor.json),
        ])
    }

    /// The HTTP headers GitLab sends for this page (without `Link`, which needs the URL).
    public var headers: [(String, String)] {
        var h: [(String, String)] = [("X-Per-Page", String(perPage))]
        if let page { h.append(("X-Page", String(page))) }
        if page != nil {
            h.append(("X-Next-Page", nextPage.map(String.init) ?? ""))
            h.append(("X-Prev-Page", prevPage.map(String.init) ?? ""))
        }
        if let total { h.append(("X-Total", String(total))) }
        if let totalPages { h.append(("X-Total-Pages", String(totalPages))) }
        if let nextCursor { h.append(("X-Next-Cursor", nextCursor)) }
        return h
    }
}

/// What an operation answers: the success status, a JSON body (nil for 204), page info
/// for lists and a file for downloads.
public struct OperationResult: Sendable {
    public var status: Int
    public var body: JSONValue?
    public var page: PageInfo?
    public var attachment: Attachment?
    /// The items of a list asked by key (`ListRequest.after`), written into a tape instead
    /// of `body` where the operation's presenter can (a loop pushes them to Lua from it).
    public var tape: JSONTape?
    /// Work left for after the operation's transaction, outside it: a hook test delivery
    /// waits up to the hook timeout for its receiver and must not hold the store's one
    /// writer meanwhile. It records what it did in a write of its own and gives the answer.
    public var afterTransaction: (@Sendable (GroveStore) throws -> OperationResult)?

    public struct Attachment: Sendable, Equatable {
        public let filename: String
        public let contentType: String
        public let data: [UInt8]
    }

    public init(status: Int, body: JSONValue?, page: PageInfo? = nil, attachment: Attachment? = nil) {
        self.status = status
        self.body = body
        self.page = page
        self.attachment = attachment
    }

    /// A list's items, whichever of `body` and `tape` holds them.
    public var items: [JSONValue] { tape?.values ?? body?.arrayValue ?? [] }

    /// The items of a list, in `tape` when `params` ask by key, else as `body`: `present`
    /// writes one item's fields into either.
    static func list<Item>(_ items: [Item], page: PageInfo, _ params: Params,
                           present: (Item, inout JSONTapeWriter) throws -> Void, _ tree: (Item) throws -> JSONValue) rethrows -> OperationResult {
        guard case .after = params.list else { return OperationResult(status: 200, body: .array(try items.map(tree)), page: page) }
        let tape = JSONTapeWriter()
        for item in items { try tape.appendObject { try present(item, &$0) } }
        var result = OperationResult(status: 200, body: nil, page: page)
        result.tape = tape.finish()
        return result
    }

    public static func ok(_ body: JSONValue, status: Int = 200) -> OperationResult { OperationResult(status: status, body: body) }
    public static func afterTransaction(_ work: @escaping @Sendable (GroveStore) throws -> OperationResult) -> OperationResult {
        // Never answered as it is: GroveStore.perform, the one caller of operations,
        // answers with what `work` returns.
        var result = OperationResult(status: 202, body: nil)
        result.afterTransaction = work
        return result
    }

    public static let noContent = OperationResult(status: 204, body: nil)
    public static let accepted = OperationResult(status: 202, body: .object([("message", "202 Accepted")]))
}
