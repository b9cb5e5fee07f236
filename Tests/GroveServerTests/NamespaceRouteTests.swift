import Foundation
import GroveCore
import Testing

/// `GET /namespaces`, `/namespaces/:id` and `/namespaces/:id/exists` over HTTP, with
/// GitLab's statuses and bodies (`lib/api/namespaces.rb`, `Entities::Namespace`).
@Suite("Namespaces API")
struct NamespaceRouteTests {
    /// platform (alice Owner), platform/api (bob Developer), open (public, no members but root).
    func seed(_ server: TestServer) async throws -> (root: String, alice: String, bob: String, ids: [String: Int64]) {
        let root = try server.token()
        var ids: [String: Int64] = [:]
        for name in ["alice", "bob"] {
            let user = try server.store.perform("users.create", params: ["username": .string(name), "email": .string("\(name)@example.com"),
                                                                        "name": .string(name.capitalized)], as: .root)
            ids[name] = user.body?["id"]?.intValue
        }
        let platform = try await server.request("POST", "/api/v4/groups", token: root, body: .json(["name": "Platform", "path": "platform"]))
        ids["platform"] = platform.json?["id"]?.intValue
        let api = try await server.request("POST", "/api/v4/groups", token: root, body: .json(["name": "API", "path": "api", "parent_id": .int(ids["platform"] ?? 0)]))
        ids["api"] = api.json?["id"]?.intValue
        let open = try await server.request("POST", "/api/v4/groups", token: root, body: .json(["name": "Open", "path": "open", "visibility": "public"]))
        ids["open"] = open.json?["id"]?.intValue
        _ = try await server.request("POST", "/api/v4/groups/platform/members", token: root, body: .json(["user_id": .int(ids["alice"] ?? 0), "access_level": 50]))
        _ = try await server.request("POST", "/api/v4/groups/platform%2Fapi/members", token: root, body: .json(["user_id": .int(ids["bob"] ?? 0), "access_level": 30]))
        return (root, try server.token(user: "alice"), try server.token(user: "bob"), ids)
    }

    func paths(_ reply: TestServer.Reply) -> [String] { reply.json?.arrayValue?.compactMap { $0["full_path"]?.stringValue } ?? [] }

    @Test("GET /namespaces: administrators see every namespace, users theirs and their direct groups; owned_only, top_level_only, search, pages")
    func list() async throws {
        try await withServer { server in
            let s = try await seed(server)
            let all = try await server.request("GET", "/api/v4/namespaces", token: s.root)
            #expect(all.status == 200, "\(all)")
            #expect(paths(all) == ["root", "alice", "bob", "platform", "platform/api", "open"], "ids in order, users' namespaces first: \(all)")
            #expect(all.header("X-Total") == "6")
            let first = try #require(all.json?.arrayValue?.first)
            #expect(first["kind"] == "user")
            #expect(first["web_url"]?.stringValue?.hasSuffix("/root") == true)

            #expect(paths(try await server.request("GET", "/api/v4/namespaces", token: s.alice)) == ["alice", "platform"])
            #expect(paths(try await server.request("GET", "/api/v4/namespaces", token: s.bob)) == ["bob", "platform/api"],
                    "a direct membership only: bob's inherited nothing")
            #expect(paths(try await server.request("GET", "/api/v4/namespaces?owned_only=true", token: s.bob)) == ["bob"])
            #expect(paths(try await server.request("GET", "/api/v4/namespaces?owned_only=true", token: s.alice)) == ["alice", "platform"])
            #expect(paths(try await server.request("GET", "/api/v4/namespaces?top_level_only=true", token: s.root)) == ["root", "alice", "bob", "platform", "open"])
            #expect(paths(try await server.request("GET", "/api/v4/namespaces?search=pi", token: s.root)) == ["platform/api"])
            #expect(paths(try await server.request("GET", "/api/v4/namespaces?search=ALI", token: s.root)) == ["alice"], "name or path, any case")
            #expect(paths(try await server.request("GET", "/api/v4/namespaces?search=platform/a&full_path_search=true", token: s.root)) == ["platform/api"])
            #expect(paths(try await server.request("GET", "/api/v4/namespaces?search=platform/a", token: s.root)) == [], "name or path only")
            let page = try await server.request("GET", "/api/v4/namespaces?per_page=2&page=2", token: s.root)
            #expect(paths(page) == ["bob", "platform"])
            #expect(page.header("X-Next-Page") == "3" && page.header("Link")?.contains("rel=\"next\"") == true)

            let anonymous = try await server.request("GET", "/api/v4/namespaces")
            #expect(anonymous.status == 401)
            #expect(anonymous.text == #"{"message":"401 Unauthorized"}"#)
            let bad = try await server.request("GET", "/api/v4/namespaces?owned_only=maybe", token: s.root)
            #expect(bad.status == 400)
            #expect(bad.text == #"{"error":"owned_only is invalid"}"#)
        }
    }

    @Test("GET /namespaces/:id: by id or encoded full path, user namespaces by username; 404 Namespace Not Found without membership, public groups too")
    func show() async throws {
        try await withServer { server in
            let s = try await seed(server)
            let byPath = try await server.request("GET", "/api/v4/namespaces/platform%2Fapi", token: s.root)
            #expect(byPath.status == 200, "\(byPath)")
            #expect(byPath.json?["id"]?.intValue == s.ids["api"])
            #expect(byPath.json?["parent_id"]?.intValue == s.ids["platform"])
            #expect(byPath.json?["kind"] == "group")
            #expect(byPath.json?["web_url"]?.stringValue?.hasSuffix("/groups/platform/api") == true)
            let byId = try await server.request("GET", "/api/v4/namespaces/\(s.ids["platform"] ?? 0)", token: s.alice)
            #expect(byId.json?["full_path"] == "platform")
            #expect(byId.json?["members_count_with_descendants"]?.intValue == 3, "root, alice and bob: \(byId)")
            #expect(byId.json?["projects_count"]?.intValue == 0)
            #expect(byId.json?["plan"] == "default")

            // bob is a Developer of platform/api: a member, but not its administrator.
            let asDeveloper = try await server.request("GET", "/api/v4/namespaces/platform%2Fapi", token: s.bob)
            #expect(asDeveloper.status == 200)
            #expect(asDeveloper.json?["members_count_with_descendants"] == nil)
            #expect(asDeveloper.json?["plan"] == nil)
            #expect(asDeveloper.json?["billable_members_count"] == .null)
            // Inherited membership is membership: alice reads the subgroup.
            #expect(try await server.request("GET", "/api/v4/namespaces/platform%2Fapi", token: s.alice).status == 200)

            let mine = try await server.request("GET", "/api/v4/namespaces/alice", token: s.alice)
            #expect(mine.status == 200, "\(mine)")
            #expect(mine.json?["kind"] == "user")
            #expect(mine.json?["name"] == "Alice")
            let mineById = try await server.request("GET", "/api/v4/namespaces/\(mine.json?["id"]?.intValue ?? 0)", token: s.root)
            #expect(mineById.json?["full_path"] == "alice")

            for (path, token) in [("alice", s.bob), ("open", s.bob), ("platform", s.bob), ("nowhere", s.root), ("999999", s.root)] {
                let refused = try await server.request("GET", "/api/v4/namespaces/\(path)", token: token)
                #expect(refused.status == 404, "\(path): \(refused)")
                #expect(refused.text == #"{"message":"404 Namespace Not Found"}"#)
            }
            #expect(try await server.request("GET", "/api/v4/namespaces/platform").status == 401)
        }
    }

    @Test("GET /namespaces/:id/exists: at the top level or under parent_id, case-insensitive, with a free suggestion")
    func exists() async throws {
        try await withServer { server in
            let s = try await seed(server)
            let taken = try await server.request("GET", "/api/v4/namespaces/platform/exists", token: s.bob)
            #expect(taken.status == 200)
            #expect(taken.text == #"{"exists":true,"suggests":["platform1"]}"#)
            #expect(try await server.request("GET", "/api/v4/namespaces/ALICE/exists", token: s.bob).text == #"{"exists":true,"suggests":["ALICE1"]}"#,
                    "user namespaces count at the top level")
            #expect(try await server.request("GET", "/api/v4/namespaces/api/exists", token: s.bob).text == #"{"exists":false,"suggests":[]}"#)
            let under = try await server.request("GET", "/api/v4/namespaces/api/exists?parent_id=\(s.ids["platform"] ?? 0)", token: s.bob)
            #expect(under.text == #"{"exists":true,"suggests":["api1"]}"#)
            _ = try await server.request("POST", "/api/v4/groups", token: s.root, body: .json(["name": "api1", "path": "api-one", "parent_id": .int(s.ids["platform"] ?? 0)]))
            let skipping = try await server.request("GET", "/api/v4/namespaces/api/exists?parent_id=\(s.ids["platform"] ?? 0)", token: s.bob)
            #expect(skipping.text == #"{"exists":true,"suggests":["api2"]}"#, "a suggestion is free of names too")
            let bad = try await server.request("GET", "/api/v4/namespaces/api/exists?parent_id=x", token: s.bob)
            #expect(bad.status == 400)
            #expect(bad.text == #"{"error":"parent_id is invalid"}"#)
            #expect(try await server.request("GET", "/api/v4/namespaces/api/exists").status == 401)
        }
    }
}
