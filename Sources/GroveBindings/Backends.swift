import Foundation
import GroveCore
import GroveLua
import GroveRemote

/// Who a session's calls act as: a user of the embedded store (its actor) or, on a
/// remote connection, the username GitLab's `Sudo` header names.
public struct ActingUser: Sendable, Equatable {
    public let username: String
    let actor: Actor
}

/// Where the bindings send an operation. The embedded store runs it in process; a remote
/// GitLab gets the same operation as an HTTP request built from its descriptor. Both
/// answer with GitLab's JSON and GitLab's errors (`APIError`), so scripts cannot tell
/// them apart.
public protocol GroveBackend: AnyObject {
    /// `"embedded"` or the instance's URL (`grove.backend()`).
    var name: String { get }
    func perform(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?) throws -> JSONValue?
    /// A lazy list: pages are fetched as the loop reaches them.
    func list(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?) throws -> LuaIterator
    /// The user `grove.as(username, fn)` acts as; 404 when there is none.
    func user(named username: String, as current: ActingUser?) throws -> ActingUser
    func transaction<T>(_ body: () throws -> T) throws -> T
    func dryRun<T>(_ body: () throws -> T) throws -> (T, [AuditEvent])
}

/// Grove's own store: one SQLite file, opened on first use so a script that never
/// touches it starts fast.
public final class EmbeddedBackend: GroveBackend {
    private let openStore: () throws -> GroveStore
    private var opened: GroveStore?
    /// Who acts when no `grove.as` is in force (root, or `--as`).
    let defaultActor: Actor

    public init(actor: Actor = .root, open: @escaping () throws -> GroveStore) {
        self.openStore = open
        self.defaultActor = actor
    }

    public var name: String { "embedded" }

    public func store() throws -> GroveStore {
        if let opened { return opened }
        let store = try openStore()
        opened = store
        return store
    }

    public func perform(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?) throws -> JSONValue? {
        try store().perform(operation.name, params: params, as: user?.actor ?? defaultActor).body
    }

    public func list(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?) throws -> LuaIterator {
        CoreBindings.pages(of: operation.name, params: params, store: try store(), actor: user?.actor ?? defaultActor)
    }

    public func user(named username: String, as current: ActingUser?) throws -> ActingUser {
        let store = try store()
        // The name is checked as `users.list` checks it, which is how the remote backend asks.
        try store.registry["users.list"]?.descriptor.checkArguments(JSONObject([("username", .string(username))]))
        guard let id = try store.userId(username: username) else { throw APIError.notFound("User") }
        return ActingUser(username: username, actor: .user(id: id))
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T { try store().transaction(body) }
    public func dryRun<T>(_ body: () throws -> T) throws -> (T, [AuditEvent]) { try store().dryRun(body) }
}

/// A GitLab over HTTP: each operation's descriptor becomes a request (`RemoteRequest`),
/// GitLab's answer the same value or error the embedded store gives. `grove.as` sends
/// `Sudo` (administrator tokens with the `sudo` scope).
public final class RemoteBackend: GroveBackend {
    public let client: RemoteClient
    let registry: OperationRegistry

    public init(_ client: RemoteClient, registry: OperationRegistry = .standard()) {
        self.client = client
        self.registry = registry
    }

    public var name: String { client.configuration.url }

    public func perform(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?) throws -> JSONValue? {
        let answer = try send(RemoteRequest(operation, params: params), as: user)
        if answer.status == 304, answer.bytes.isEmpty, let reading = operation.notModifiedAnswer.flatMap({ registry[$0]?.descriptor }) {
            let key = JSONObject(operation.pathParams.compactMap { spec in params[spec.name].map { (spec.name, $0) } })
            return try perform(reading, params: key, as: user)
        }
        return try answer.value()
    }

    /// `perform` without waiting: `completion` gets the answer on an event loop;
    /// `value(of:)` then reads it as `perform` would have.
    func start(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?,
               completion: @escaping @Sendable (Result<RemoteAnswer, Error>) -> Void) throws {
        client.start(try RemoteRequest(operation, params: params), sudo: user?.username, completion: completion)
    }

    func value(of outcome: Result<RemoteAnswer, Error>) throws -> JSONValue? {
        do {
            return try Self.checked(try outcome.get()).value()
        } catch let failure as RemoteFailure {
            throw unreachable(failure)
        }
    }

    func send(_ request: RemoteRequest, as user: ActingUser?) throws -> RemoteAnswer {
        do {
            return try Self.checked(try client.send(request, sudo: user?.username))
        } catch let failure as RemoteFailure {
            throw unreachable(failure)
        }
    }

    func unreachable(_ failure: RemoteFailure) -> Unreachable {
        Unreachable(message: "cannot reach \(client.configuration.url): \(failure)")
    }

    /// No answer at all after every try: an error value without a status.
    struct Unreachable: Error, LuaErrorConvertible, CustomStringConvertible {
        let message: String
        var description: String { message }
        func structuredError(function: String) -> StructuredError { StructuredError(message: message, function: function) }
    }

    /// A success as it is; anything else as GitLab's error, saying how often it was tried.
    static func checked(_ answer: RemoteAnswer) throws -> RemoteAnswer {
        guard answer.status >= 400 else { return answer }
        let error = answer.error
        guard answer.tries > 1 else { throw error }
        throw APIError(status: error.status, body: .message(error.message + " (after \(answer.tries) tries)"), fieldErrors: error.fieldErrors)
    }

    public func list(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?) throws -> LuaIterator {
        var params = params
        let onePage = params["page"] != nil
        if params["per_page"] == nil { params["per_page"] = .int(client.configuration.perPage) }
        // GitLab caps offset pages for anonymous callers (50,000 rows) and offers keyset
        // there, in its default order: walk by keyset then, so a long list is never cut.
        if operation.pagination == .offsetOrKeyset, client.configuration.credential == nil, !onePage,
           params["pagination"] == nil, params["order_by"] == nil || params["order_by"]?.stringValue == "name",
           params["sort"] == nil || params["sort"]?.stringValue == "asc" {
            params["pagination"] = "keyset"
        }
        let first = try RemoteRequest(operation, params: params)
        var buffer: [JSONValue] = []
        var index = 0
        let keys = LuaKeyCache()
        var next: String?
        var started = false
        /// Items of the pages read so far, and X-Total when GitLab sent it.
        var read = 0
        var total: Int?
        func load(_ answer: RemoteAnswer) throws {
            let answer = try Self.checked(answer)
            buffer = try answer.value()?.arrayValue ?? []
            index = 0
            read += buffer.count
            total = answer.header("x-total").flatMap(Int.init)
            next = onePage ? nil : answer.nextLink
        }
        func fetch() throws -> Bool {
            if !started {
                started = true
                try load(send(first, as: user))
                return true
            }
            guard let url = next else { return false }
            do {
                try load(try Self.checked(try client.get(url: url, sudo: user?.username).wait()))
            } catch let failure as RemoteFailure {
                throw unreachable(failure)
            }
            return true
        }
        func item() throws -> LuaValue? {
            while index >= buffer.count {
                guard try fetch() else { return nil }
            }
            defer { index += 1 }
            return buffer[index].luaResult(reusingKeys: keys)
        }
        /// What is left: X-Total less what was taken when GitLab counts, else every page read.
        func count() throws -> Int {
            if !started { _ = try fetch() }
            if let total, !onePage { return max(total - (read - (buffer.count - index)), 0) }
            // No X-Total (GitLab omits it past 10,000 rows): read the rest, keeping it for the loop.
            var left = Array(buffer[index...])
            while next != nil, try fetch() { left += buffer }
            buffer = left
            index = 0
            return left.count
        }
        return LuaIterator(next: item, count: count)
    }

    public func user(named username: String, as current: ActingUser?) throws -> ActingUser {
        guard let usersList = registry["users.list"]?.descriptor else { throw APIError.notFound("User") }
        let found = try perform(usersList, params: JSONObject([("username", .string(username))]), as: current)?.arrayValue?.first
        guard let found, let id = found["id"]?.intValue else { throw APIError.notFound("User") }
        return ActingUser(username: found["username"]?.stringValue ?? username, actor: .user(id: id))
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T { throw Self.noTransactions(name) }
    public func dryRun<T>(_ body: () throws -> T) throws -> (T, [AuditEvent]) { throw Self.noDryRuns(name) }

    static func noTransactions(_ name: String) -> APIError {
        APIError.badRequest("transactions need the embedded store: GitLab's API has no transactions (\(name))")
    }

    static func noDryRuns(_ name: String) -> APIError {
        APIError.badRequest("dry runs need the embedded store: a rehearsal against a GitLab is grove plan (\(name))")
    }
}

/// `grove plan`: a script runs on an embedded mirror of a GitLab as it would on that
/// GitLab. `grove.backend()` names the GitLab, transactions and dry runs are refused as
/// the remote backend refuses them (so the script takes the path it will take on apply),
/// and the last change the core refused is kept: an error that ends the script is then
/// shown as that refused change.
public final class RehearsalBackend: GroveBackend {
    public struct Refusal {
        /// The Lua function (`groups.update`).
        public let function: String
        public let params: JSONObject
        public let error: APIError
    }

    let mirror: EmbeddedBackend
    public let name: String
    public private(set) var lastRefusal: Refusal?
    /// Called with a username a script looks up (`users.list{username = ...}`, `grove.as`)
    /// before the mirror answers: the mirror holds the members of the mirrored groups,
    /// and this may bring in another user from the GitLab.
    public var lookUpUser: ((String) throws -> Void)?
    /// The same for a user named by id (`user_id` of an operation, `users.get`).
    public var lookUpUserId: ((Int64) throws -> Void)?

    /// `name`: the GitLab's URL; `actor`: the token's user in the mirror.
    public init(rehearsing name: String, as actor: Actor, mirror: @escaping () throws -> GroveStore) {
        self.name = name
        self.mirror = EmbeddedBackend(actor: actor, open: mirror)
    }

    public func perform(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?) throws -> JSONValue? {
        let userId = operation.name == "users.get" ? params["id"] : params["user_id"]
        if let id = userId?.intValue ?? userId?.stringValue.flatMap({ Int64($0) }) { try lookUpUserId?(id) }
        do {
            return try mirror.perform(operation, params: params, as: user)
        } catch let error as APIError where operation.isMutation {
            lastRefusal = Refusal(function: operation.luaName, params: params, error: error)
            throw error
        }
    }

    public func list(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?) throws -> LuaIterator {
        if operation.name == "users.list", let username = params["username"]?.stringValue { try lookUpUser?(username) }
        return try mirror.list(operation, params: params, as: user)
    }

    public func user(named username: String, as current: ActingUser?) throws -> ActingUser {
        try lookUpUser?(username)
        return try mirror.user(named: username, as: current)
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T { throw RemoteBackend.noTransactions(name) }
    public func dryRun<T>(_ body: () throws -> T) throws -> (T, [AuditEvent]) { throw RemoteBackend.noDryRuns(name) }
}

/// Another connection opened during a plan (`grove.connect`): it reads, but a change
/// through it would be made for real, so it is refused.
public final class ReadOnlyBackend: GroveBackend {
    let backend: any GroveBackend
    public init(_ backend: any GroveBackend) { self.backend = backend }

    public var name: String { backend.name }

    public func perform(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?) throws -> JSONValue? {
        guard !operation.isMutation else {
            throw APIError.badRequest("grove plan rehearses changes on its own connection only; \(operation.luaName) on \(name) would change it for real")
        }
        return try backend.perform(operation, params: params, as: user)
    }

    public func list(_ operation: OperationDescriptor, params: JSONObject, as user: ActingUser?) throws -> LuaIterator {
        try backend.list(operation, params: params, as: user)
    }

    public func user(named username: String, as current: ActingUser?) throws -> ActingUser { try backend.user(named: username, as: current) }
    public func transaction<T>(_ body: () throws -> T) throws -> T { throw RemoteBackend.noTransactions(name) }
    public func dryRun<T>(_ body: () throws -> T) throws -> (T, [AuditEvent]) { throw RemoteBackend.noDryRuns(name) }
}
