import GroveFormats
/// The GroveCore API as a protocol: the embedded store implements it, and a remote backend
/// talking to a real GitLab can implement the same calls later. Everything goes through
/// `perform` by operation name; the typed requests below are conveniences on top of it.
public protocol GroveAPI: AnyObject {
    func perform(_ operation: String, params: JSONObject, as actor: Actor, ignoreUnknown: Bool) throws -> OperationResult
    /// Descriptions of every operation (help, argument checking, OpenAPI).
    var operations: [OperationDescriptor] { get }
}

extension GroveStore: GroveAPI {
    public var operations: [OperationDescriptor] { registry.descriptors }
}

/// A group reference as the API takes it: numeric id or full path.
public enum GroupRef: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    case id(Int64)
    case path(String)

    public init(integerLiteral value: Int64) { self = .id(value) }
    public init(stringLiteral value: String) { self = .path(value) }

    public var json: JSONValue {
        switch self {
        case .id(let id): return .int(id)
        case .path(let p): return .string(p)
        }
    }
}

/// A typed request: which operation it calls, its parameters, and how the answer decodes.
public protocol APIRequest {
    associatedtype Response
    static var operation: String { get }
    var params: JSONObject { get }
    func decode(_ result: OperationResult) throws -> Response
}

/// A page of a list answer.
public struct Page<Item> {
    public let items: [Item]
    public let page: PageInfo?
}

extension GroveAPI {
    public func send<R: APIRequest>(_ request: R, as actor: Actor) throws -> R.Response {
        try request.decode(perform(R.operation, params: request.params, as: actor, ignoreUnknown: false))
    }

    public func listGroups(_ request: ListGroupsRequest = ListGroupsRequest(), as actor: Actor) throws -> Page<GroupSummary> {
        try send(request, as: actor)
    }
    public func group(_ id: GroupRef, withProjects: Bool = true, as actor: Actor) throws -> GroupDetail {
        try send(GetGroupRequest(id: id, with_projects: withProjects), as: actor)
    }
    public func createGroup(_ request: CreateGroupRequest, as actor: Actor) throws -> GroupDetail { try send(request, as: actor) }
    public func updateGroup(_ request: UpdateGroupRequest, as actor: Actor) throws -> GroupDetail { try send(request, as: actor) }
    public func transferGroup(_ id: GroupRef, to parent: GroupRef?, as actor: Actor) throws -> GroupDetail {
        try send(TransferGroupRequest(id: id, group_id: parent), as: actor)
    }
    public func deleteGroup(_ id: GroupRef, permanentlyRemove: Bool = false, fullPath: String? = nil, as actor: Actor) throws {
        try send(DeleteGroupRequest(id: id, permanently_remove: permanentlyRemove, full_path: fullPath), as: actor)
    }
    public func restoreGroup(_ id: GroupRef, as actor: Actor) throws -> GroupDetail { try send(RestoreGroupRequest(id: id), as: actor) }
    public func shareGroup(_ id: GroupRef, with other: GroupRef, access: Int64, expiresAt: String? = nil, as actor: Actor) throws -> GroupDetail {
        try send(ShareGroupRequest(id: id, group_id: other, group_access: access, expires_at: expiresAt), as: actor)
    }
}
