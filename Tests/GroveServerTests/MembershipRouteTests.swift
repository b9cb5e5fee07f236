import Foundation
import GroveCore
import Testing

/// `GET /users/:id/memberships` and `GET /groups/:id/members/all(/:user_id)` over HTTP.
@Suite("Memberships and inherited members")
struct MembershipRouteTests {
    @Test("members/all: direct, inherited and shared members, one each with the highest role (a share caps it); /members/all/:user_id")
    func allMembers() async throws {
        try await withServer { server in
            let root = try server.token()
            var ids: [String: Int64] = [:]
            for name in ["alice", "bob", "carol"] {
                ids[name] = try server.store.perform("users.create", params: ["username": .string(name), "email": .string("\(name)@example.com")], as: .root).body?["id"]?.intValue
            }
            func post(_ path: String, _ body: JSONValue) async throws -> TestServer.Reply {
                try await server.request("POST", "/api/v4" + path, token: root, body: .json(body))
            }
            let platform = try #require(try await post("/groups", ["name": "Platform", "path": "platform"]).json?["id"]?.intValue)
            _ = try await post("/groups", ["name": "API", "path": "api", "parent_id": .int(platform)])
            _ = try await post("/groups", ["name": "Ops", "path": "ops"])
            _ = try await post("/groups/platform/members", ["user_id": .int(ids["alice"] ?? 0), "access_level": 30])
            _ = try await post("/groups/platform%2Fapi/members", ["user_id": .int(ids["alice"] ?? 0), "access_level": 40])
            _ = try await post("/groups/ops/members", ["user_id": .int(ids["bob"] ?? 0), "access_level": 50])
            _ = try await post("/groups/ops/members", ["user_id": .int(ids["carol"] ?? 0), "access_level": 10])
            let share = try await post("/groups/platform/share", ["group_id": "ops", "group_access": 20])
            #expect(share.status == 201, "\(share)")

            let all = try await server.request("GET", "/api/v4/groups/platform%2Fapi/members/all", token: root)
            #expect(all.status == 200, "\(all)")
            let levels = all.json?.arrayValue?.map { "\($0["username"]?.stringValue ?? "?")=\($0["access_level"]?.intValue ?? 0)" }
            #expect(levels == ["root=50", "alice=40", "bob=20", "carol=10"], "ops's owner is a Reporter through the share: \(all)")
            #expect(all.header("X-Total") == "4")
            #expect(all.json?.arrayValue?.first?.objectValue?.keys == ["id", "username", "name", "state", "locked", "avatar_url", "web_url", "access_level", "created_at", "expires_at", "membership_state"])
            let direct = try await server.request("GET", "/api/v4/groups/platform%2Fapi/members", token: root)
            #expect(direct.json?.arrayValue?.count == 2, "members/ lists the direct ones only: \(direct)")

            let one = try await server.request("GET", "/api/v4/groups/platform%2Fapi/members/all/\(ids["bob"] ?? 0)", token: root)
            #expect(one.status == 200)
            #expect(one.json?["access_level"]?.intValue == 20)
            let none = try await server.request("GET", "/api/v4/groups/platform/members/all/999999", token: root)
            #expect(none.status == 404)
            #expect(none.text == #"{"message":"404 Not found"}"#)
            let bad = try await server.request("GET", "/api/v4/groups/platform/members/all/bob", token: root)
            #expect(bad.status == 400)
            #expect(bad.text == #"{"error":"user_id is invalid"}"#)
            let hidden = try await server.request("GET", "/api/v4/groups/platform/members/all", token: try server.token(user: "carol"))
            #expect(hidden.status == 200, "a share makes the group readable to carol: \(hidden)")
            #expect(try await server.request("GET", "/api/v4/groups/nope/members/all", token: root).text == #"{"message":"404 Group Not Found"}"#)
        }
    }

    @Test("users/:id/memberships: administrators only, type Project or Namespace, 400 for another type, 404 for an unknown user")
    func memberships() async throws {
        try await withServer { server in
            let root = try server.token()
            let alice = try #require(try server.store.perform("users.create", params: ["username": "alice", "email": "alice@example.com"], as: .root).body?["id"]?.intValue)
            let platform = try #require(try await server.request("POST", "/api/v4/groups", token: root, body: .json(["name": "Platform", "path": "platform"])).json?["id"]?.intValue)
            _ = try await server.request("POST", "/api/v4/groups/platform/members", token: root, body: .json(["user_id": .int(alice), "access_level": 30]))

            let held = try await server.request("GET", "/api/v4/users/\(alice)/memberships", token: root)
            #expect(held.status == 200, "\(held)")
            #expect(held.text == #"[{"source_id":\#(platform),"source_name":"Platform","source_type":"Namespace","access_level":30}]"#)
            #expect(held.header("X-Total") == "1")
            #expect(try await server.request("GET", "/api/v4/users/\(alice)/memberships?type=Namespace", token: root).json?.arrayValue?.count == 1)
            #expect(try await server.request("GET", "/api/v4/users/\(alice)/memberships?type=Project", token: root).text == "[]")
            let badType = try await server.request("GET", "/api/v4/users/\(alice)/memberships?type=Group", token: root)
            #expect(badType.status == 400)
            #expect(badType.text == #"{"error":"type does not have a valid value"}"#)
            let notAdmin = try await server.request("GET", "/api/v4/users/\(alice)/memberships", token: try server.token(user: "alice"))
            #expect(notAdmin.status == 403)
            #expect(notAdmin.text == #"{"message":"403 Forbidden"}"#)
            let unknown = try await server.request("GET", "/api/v4/users/999999/memberships", token: root)
            #expect(unknown.status == 404)
            #expect(unknown.text == #"{"message":"404 User Not Found"}"#)
            #expect(try await server.request("GET", "/api/v4/users/\(alice)/memberships").status == 401)
        }
    }
}
