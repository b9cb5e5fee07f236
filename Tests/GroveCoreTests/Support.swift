import Foundation
import Testing
@testable import GroveCore
import GroveHookDelivery

/// A fresh in-memory store with a few users: alice, bob, carol, dave, erin, frank (plain
/// users) and ext (external).
struct Fixture {
    let store: GroveStore
    let root = Actor.root

    init() throws {
        store = try GroveStore.inMemory(hookTransport: HTTPHookTransport())
        for name in ["alice", "bob", "carol", "dave", "erin", "frank"] {
            _ = try store.perform("users.create", ["username": .string(name), "email": .string("\(name)@example.com")], as: .root)
        }
        _ = try store.perform("users.create", ["username": "ext", "email": "ext@example.com", "external": true], as: .root)
    }

    func user(_ name: String) -> Actor { .username(name) }

    @discardableResult
    func run(_ op: String, _ params: JSONObject = JSONObject(), as actor: Actor = .root) throws -> OperationResult {
        try store.perform(op, params: params, as: actor)
    }

    @discardableResult
    func body(_ op: String, _ params: JSONObject = JSONObject(), as actor: Actor = .root) throws -> JSONValue {
        try run(op, params, as: actor).body ?? .null
    }

    /// Creates a group as `actor` and answers its id.
    @discardableResult
    func group(_ path: String, parent: Int64? = nil, visibility: String = "private", as actor: Actor = .root, extra: [(String, JSONValue)] = []) throws -> Int64 {
        var params = JSONObject([("name", .string(path.capitalized)), ("path", .string(path)), ("visibility", .string(visibility))] + extra)
        if let parent { params["parent_id"] = .int(parent) }
        return try body("groups.create", params, as: actor)["id"]!.intValue!
    }

    func add(_ user: String, to group: Int64, level: Int64) throws {
        try run("groups.members.add", ["id": .int(group), "user_id": .string(user), "access_level": .int(level)])
    }

    @discardableResult
    func project(_ path: String, in group: Int64, visibility: String = "private", as actor: Actor = .root, extra: [(String, JSONValue)] = []) throws -> Int64 {
        let params = JSONObject([("name", .string(path)), ("path", .string(path)), ("namespace_id", .int(group)), ("visibility", .string(visibility))] + extra)
        return try body("projects.create", params, as: actor)["id"]!.intValue!
    }

    /// The error an operation throws (fails the test if it succeeds).
    func error(_ op: String, _ params: JSONObject = JSONObject(), as actor: Actor = .root, sourceLocation: SourceLocation = #_sourceLocation) -> APIError? {
        do {
            _ = try store.perform(op, params: params, as: actor)
            Issue.record("\(op) succeeded, expected an error", sourceLocation: sourceLocation)
            return nil
        } catch let e as APIError {
            return e
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    func groupCount() throws -> Int {
        try body("groups.list", ["per_page": 100, "all_available": true]).arrayValue!.count
    }
}

extension JSONValue {
    var ids: [Int64] { arrayValue?.compactMap { $0["id"]?.intValue } ?? [] }
    var keys: [String] { objectValue?.keys ?? [] }
}
