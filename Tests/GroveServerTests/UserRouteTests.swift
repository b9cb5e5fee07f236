import Foundation
import GroveCore
import Testing

/// `GET /users?username=` and `GET /users/:id`: GitLab's user entities for administrators
/// (`UserWithAdmin`/`UserDetailsWithAdmin`) and for others (`UserBasic`/`User`).
@Suite("Users API entities")
struct UserRouteTests {
    @Test("GET /users?username= (any case) and GET /users/:id: UserBasic and User for users, the admin entities with namespace_id for administrators")
    func entities() async throws {
        try await withServer { server in
            let root = try server.token()
            let alice = try #require(try server.store.perform("users.create", params: ["username": "alice", "email": "alice@example.com", "name": "Alice"],
                                                              as: .root).body?["id"]?.intValue)
            _ = try server.store.perform("users.create", params: ["username": "bob", "email": "bob@example.com"], as: .root)
            let bob = try server.token(user: "bob")

            let basic = try await server.request("GET", "/api/v4/users?username=ALICE", token: bob)
            #expect(basic.status == 200)
            let basicUser = try #require(basic.json?.arrayValue?.first?.objectValue, "\(basic)")
            #expect(basic.json?.arrayValue?.count == 1)
            let documented = try EntityShapeTests.example("entities/users.json")["user_basic"]?.objectValue
            #expect(basicUser.keys == documented?.keys, "UserBasic, in the documented order")
            #expect(basicUser["email"] == nil)

            let profile = try #require(try await server.request("GET", "/api/v4/users/\(alice)", token: bob).json?.objectValue)
            #expect(Array(profile.keys.prefix(7)) == documented?.keys, "User starts with UserBasic")
            for key in ["created_at", "bio", "location", "public_email", "linkedin", "twitter", "discord", "website_url", "organization",
                        "job_title", "pronouns", "bot", "work_information", "followers", "following", "is_followed", "local_time"] {
                #expect(profile[key] != nil, "User.\(key)")
            }
            #expect(profile["email"] == nil && profile["is_admin"] == nil, "no admin fields for others")

            let asAdmin = try #require(try await server.request("GET", "/api/v4/users?username=alice", token: root).json?.arrayValue?.first?.objectValue)
            let namespace = try await server.request("GET", "/api/v4/namespaces/alice", token: root)
            #expect(asAdmin["namespace_id"]?.intValue == namespace.json?["id"]?.intValue, "the personal namespace's id")
            #expect(asAdmin["email"] == "alice@example.com" && asAdmin["is_admin"] == false && asAdmin["commit_email"] == "alice@example.com")
            #expect(Set(profile.keys).isSubset(of: Set(asAdmin.keys)))
            let single = try #require(try await server.request("GET", "/api/v4/users/alice", token: root).json?.objectValue)
            #expect(single.keys == asAdmin.keys)

            // GET /user: UserPublic for oneself (e-mail, no admin fields), the admin entity for administrators.
            let me = try #require(try await server.request("GET", "/api/v4/user", token: bob).json?.objectValue)
            #expect(me["username"] == "bob" && me["email"] == "bob@example.com" && me["is_admin"] == nil)
            #expect(Set(profile.keys).isSubset(of: Set(me.keys)) && Set(me.keys).isSubset(of: Set(asAdmin.keys)))
            let rootSelf = try #require(try await server.request("GET", "/api/v4/user", token: root).json?.objectValue)
            #expect(rootSelf.keys == asAdmin.keys && rootSelf["is_admin"] == true)
            let sudo = try server.token(scopes: ["api", "sudo"])
            let asBob = try await server.request("GET", "/api/v4/user", token: sudo, headers: [("Sudo", "bob")])
            #expect(asBob.json?.objectValue?.keys == me.keys, "during sudo, bob's own view: \(asBob)")
            #expect(try await server.request("GET", "/api/v4/user").status == 401)

            #expect(try await server.request("GET", "/api/v4/users?username=nobody", token: bob).text == "[]")
            let missing = try await server.request("GET", "/api/v4/users/999999", token: bob)
            #expect(missing.status == 404)
            #expect(missing.text == #"{"message":"404 User Not Found"}"#)
        }
    }
}
