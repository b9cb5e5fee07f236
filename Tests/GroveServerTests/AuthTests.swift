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
}
