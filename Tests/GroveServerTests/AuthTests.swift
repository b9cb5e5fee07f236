import Foundation
import GroveCore
import Testing

@Suite("Authentication and scopes")
struct AuthTests {
    @Test("PRIVATE-TOKEN, Authorization: Bearer and ?private_token= authenticate; anonymous reads public groups only")
    func tokenSources() async throws {
        try await withServer { server in
            let token = try server.token()
            _ = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Secret", "path": "secret"]))
            _ = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Open", "path": "open", "visibility": "public"]))

            let header = try await server.request("GET", "/api/v4/groups/secret", token: token)
            #expect(header.status == 200)
            let bearer = try await server.request("GET", "/api/v4/groups/secret", headers: [("Authorization", "Bearer \(token)")])
            #expect(bearer.status == 200)
            let query = try await server.request("GET", "/api/v4/groups/secret?private_token=\(token)")
            #expect(query.status == 200)

            let anonymous = try await server.request("GET", "/api/v4/groups/secret")
            #expect(anonymous.status == 404)
            let anonymousList = try await server.request("GET", "/api/v4/groups")
            #expect(anonymousList.json?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["open"])
            let anonymousWrite = try await server.request("POST", "/api/v4/groups", body: .json(["name": "X", "path": "x"]))
            #expect(anonymousWrite.status == 401)
            #expect(anonymousWrite.text == #"{"message":"401 Unauthorized"}"#)
        }
    }

    @Test("bad, revoked and expired tokens answer 401")
    func badTokens() async throws {
        try await withServer { server in
            let bad = try await server.request("GET", "/api/v4/groups", token: "glpat-not-a-token")
            #expect(bad.status == 401)
            #expect(bad.text == #"{"message":"401 Unauthorized"}"#)
            let badBearer = try await server.request("GET", "/api/v4/groups", headers: [("Authorization", "Bearer nope")])
            #expect(badBearer.status == 401)

            // A service account's token, revoked through the API.
            let root = try server.token()
            _ = try await server.request("POST", "/api/v4/groups", token: root, body: .json(["name": "Top", "path": "top"]))
            let account = try await server.request("POST", "/api/v4/groups/top/service_accounts", token: root, body: .json(["name": "Bot"]))
            #expect(account.status == 201, "\(account)")
            let userId = try #require(account.json?["id"]?.intValue)
            let issued = try await server.request("POST", "/api/v4/groups/top/service_accounts/\(userId)/personal_access_tokens", token: root,
                                                  body: .json(["name": "ci", "scopes": ["api"]]))
            #expect(issued.status == 201, "\(issued)")
            let botToken = try #require(issued.json?["token"]?.stringValue)
            let tokenId = try #require(issued.json?["id"]?.intValue)
            #expect(try await server.request("GET", "/api/v4/user", token: botToken).status == 200)
            let revoke = try await server.request("DELETE", "/api/v4/groups/top/service_accounts/\(userId)/personal_access_tokens/\(tokenId)", token: root)
            #expect(revoke.status == 204, "\(revoke)")
            #expect(try await server.request("GET", "/api/v4/user", token: botToken).status == 401)

            // Expired: created with a date, then the clock moves past it.
            let expiring = try server.store.createPersonalAccessToken(username: "root", name: "short", scopes: ["api"],
                                                                      expiresAt: Timestamp.day(Timestamp.millis(Date().addingTimeInterval(2 * 86_400)))).token
            #expect(try await server.request("GET", "/api/v4/user", token: expiring).status == 200)
            server.store.now = { Date().addingTimeInterval(3 * 86_400) }
            #expect(try await server.request("GET", "/api/v4/user", token: expiring).status == 401)
        }
    }

    @Test("scopes: read_api reads but cannot write (403 insufficient_scope); read_user only reaches /user")
    func scopes() async throws {
        try await withServer { server in
            let readAPI = try server.token(scopes: ["read_api"])
            let list = try await server.request("GET", "/api/v4/groups", token: readAPI)
            #expect(list.status == 200)
            let write = try await server.request("POST", "/api/v4/groups", token: readAPI, body: .json(["name": "X", "path": "x"]))
            #expect(write.status == 403)
            #expect(write.json?["error"] == "insufficient_scope")
            #expect(write.json?["scope"] == "api")

            let readUser = try server.token(scopes: ["read_user"])
            #expect(try await server.request("GET", "/api/v4/user", token: readUser).status == 200)
            #expect(try await server.request("GET", "/api/v4/groups", token: readUser).status == 403)
        }
    }

    @Test("Sudo header and sudo parameter: an admin's sudo-scoped token runs the request as another user, by id or username")
    func sudoRunsAsAnotherUser() async throws {
        try await withServer { server in
            let admin = try server.token(scopes: ["api", "sudo"])
            let alice = try server.store.perform("users.create", params: ["username": "alice", "email": "alice@example.com"], as: .root)
            let aliceId = try #require(alice.body?["id"]?.intValue)
            _ = try await server.request("POST", "/api/v4/groups", token: admin, body: .json(["name": "Secret", "path": "secret"]))

            let byName = try await server.request("GET", "/api/v4/user", token: admin, headers: [("Sudo", "ALICE")])
            #expect(byName.status == 200, "\(byName)")
            #expect(byName.json?["username"] == "alice", "usernames are case-insensitive")
            let byId = try await server.request("GET", "/api/v4/user?sudo=\(aliceId)", token: admin)
            #expect(byId.json?["id"]?.intValue == aliceId, "\(byId)")
            let inBody = try await server.request("POST", "/api/v4/groups", token: admin, body: .json(["name": "Mine", "path": "mine", "sudo": .int(aliceId)]))
            #expect(inBody.status == 201, "\(inBody)")
            let owners = try await server.request("GET", "/api/v4/groups/mine/members", token: admin)
            #expect(owners.json?.arrayValue?.compactMap { $0["username"]?.stringValue } == ["alice"], "the group was created by alice: \(owners)")
            // As alice, root's private group is not there.
            let hidden = try await server.request("GET", "/api/v4/groups/secret", token: admin, headers: [("Sudo", "alice")])
            #expect(hidden.status == 404, "\(hidden)")
            // The parameter wins over the header.
            let both = try await server.request("GET", "/api/v4/user?sudo=root", token: admin, headers: [("Sudo", "alice")])
            #expect(both.json?["username"] == "root", "\(both)")
            // During sudo the endpoint's own scope is not checked: a sudo-only token writes.
            let sudoOnly = try server.token(scopes: ["sudo"])
            let write = try await server.request("POST", "/api/v4/groups", token: sudoOnly, body: .json(["name": "Other", "path": "other"]),
                                                 headers: [("Sudo", "alice")])
            #expect(write.status == 201, "\(write)")
            #expect(try await server.request("GET", "/api/v4/groups", token: sudoOnly).status == 403, "without sudo the scope applies")
        }
    }

    @Test("Sudo refusals in GitLab's order: 401 without a user, 403 for non-admins, 403 insufficient_scope without sudo scope, 404 unknown user")
    func sudoRefusals() async throws {
        try await withServer { server in
            _ = try server.store.perform("users.create", params: ["username": "bob", "email": "bob@example.com"], as: .root)
            let anonymous = try await server.request("GET", "/api/v4/groups", headers: [("Sudo", "bob")])
            #expect(anonymous.status == 401)
            #expect(anonymous.text == #"{"message":"401 Unauthorized"}"#)

            let bobToken = try server.token(user: "bob", scopes: ["api", "sudo"])
            let notAdmin = try await server.request("GET", "/api/v4/groups", token: bobToken, headers: [("Sudo", "root")])
            #expect(notAdmin.status == 403)
            #expect(notAdmin.text == #"{"message":"403 Forbidden - Must be admin to use sudo"}"#)

            let apiOnly = try server.token(scopes: ["api"])
            let noScope = try await server.request("GET", "/api/v4/groups?sudo=bob", token: apiOnly)
            #expect(noScope.status == 403)
            #expect(noScope.text == #"{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"sudo"}"#)

            let admin = try server.token(scopes: ["api", "sudo"])
            let unknown = try await server.request("GET", "/api/v4/groups", token: admin, headers: [("Sudo", "nobody")])
            #expect(unknown.status == 404)
            #expect(unknown.text == #"{"message":"404 User with ID or username 'nobody' Not Found"}"#)
            let unknownId = try await server.request("GET", "/api/v4/groups?sudo=99999999999999999999999", token: admin)
            #expect(unknownId.text == #"{"message":"404 User with ID or username '99999999999999999999999' Not Found"}"#, "an id past Int64 is no user, not a trap")
            let empty = try await server.request("GET", "/api/v4/groups?sudo=", token: admin)
            #expect(empty.text == #"{"message":"404 User with ID or username '' Not Found"}"#, "an empty identifier still asks for sudo, as in GitLab")
        }
    }
}
