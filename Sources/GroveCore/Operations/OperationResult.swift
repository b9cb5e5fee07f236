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
    /// The items of a list asked by key (`ListRequest.after`), kept with their presenter
    /// instead of `body`: a loop presents each item into a Lua table when it takes it.
    public var presented: (any PresentableItems)?
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

    /// A list's items, whichever of `body` and `presented` holds them.
    public var items: [JSONValue] { presented?.trees ?? body?.arrayValue ?? [] }

    /// The items of a list: kept with `presenter` when `params` ask by key, else presented
    /// into `body`.
    static func list<Presenter: ItemPresenter>(_ items: [Presenter.Item], page: PageInfo, _ params: Params, _ presenter: Presenter) -> OperationResult {
        let presented = PresentedPage(items: items, presenter: presenter)
        guard case .after = params.list else { return OperationResult(status: 200, body: .array(presented.trees), page: page) }
        var result = OperationResult(status: 200, body: nil, page: page)
        result.presented = presented
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

/// Presents one kind of list item. It holds no store (it is Sendable, an operation's
/// context is not): what an item shows beyond its record was read with its page, so the
/// items can be presented after the operation's transaction, each when a loop takes it.
public protocol ItemPresenter: Sendable {
    associatedtype Item: Sendable
    /// About how many fields an item has.
    var fieldCount: Int { get }
    func present(_ item: Item, into object: inout some JSONObjectBuilder)
}

extension ItemPresenter {
    /// `item` as a tree (REST, single results).
    func tree(_ item: Item) -> JSONValue {
        .object(fieldCount: fieldCount) { present(item, into: &$0) }
    }
}

/// A page of items and what presents them, for whoever takes them.
public protocol PresentableItems: Sendable {
    var count: Int { get }
    /// About how many fields an item has.
    var fieldCount: Int { get }
    /// Presents the item at `index` (0 ..< count).
    func present(_ index: Int, into object: inout some JSONObjectBuilder)
}

extension PresentableItems {
    /// Every item as a tree.
    public var trees: [JSONValue] {
        (0..<count).map { index in .object(fieldCount: fieldCount) { present(index, into: &$0) } }
    }
}

struct PresentedPage<Presenter: ItemPresenter>: PresentableItems {
    let items: [Presenter.Item]
    let presenter: Presenter
    var count: Int { items.count }
    var fieldCount: Int { presenter.fieldCount }
    func present(_ index: Int, into object: inout some JSONObjectBuilder) { presenter.present(items[index], into: &object) }
}
