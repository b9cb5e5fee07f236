import Foundation
import Testing
@testable import GroveCore

@Suite("groups.service_accounts and tokens")
struct ServiceAccountTests {
    func setup() throws -> (Fixture, Int64) {
        try Fixture.withAlpha()
    }

    @Test func createListUpdateDelete() throws {
        let (f, a) = try setup()
        let r = try f.run("groups.service_accounts.create", ["id": .int(a)])
        #expect(r.status == 201)
        #expect(r.body?.keys == ["id", "username", "name"])
        #expect(r.body?["name"] == "Service account user")
        let username = r.body!["username"]!.stringValue!
        #expect(username.hasPrefix("service_account_group_\(a)_"))
        #expect(username.dropFirst("service_account_group_\(a)_".count).count == 32)
        let named = try f.body("groups.service_accounts.create", ["id": .int(a), "name": "CI bot", "username": "ci-bot"])
        #expect(named["username"] == "ci-bot" && named["name"] == "CI bot")
        #expect(f.error("groups.service_accounts.create", ["id": .int(a), "username": "ci-bot"]) == APIError.badRequest("Username has already been taken"))
        #expect(f.error("groups.service_accounts.create", ["id": .int(a), "username": "alpha"]) == APIError.badRequest("Username has already been taken"))
        let list = try f.run("groups.service_accounts.list", ["id": .int(a)], as: f.user("alice"))
        #expect(list.body?.ids == [named["id"]!.intValue!, r.body!["id"]!.intValue!])
        #expect(list.page?.total == 2)
        #expect(try f.body("groups.service_accounts.list", ["id": .int(a), "order_by": "username", "sort": "asc"]).arrayValue?.first?["username"] == "ci-bot")
        let renamed = try f.body("groups.service_accounts.update", ["id": .int(a), "user_id": named["id"]!, "name": "Deploy bot"], as: f.user("alice"))
        #expect(renamed["name"] == "Deploy bot")
        // Provisioned users and group users include service accounts.
        #expect(try f.body("groups.provisioned_users", ["id": .int(a)], as: f.user("alice")).arrayValue?.count == 2)
        #expect(try f.body("groups.users", ["id": .int(a), "include_service_accounts": true], as: f.user("alice")).arrayValue?.count == 2)
        #expect(try f.run("groups.service_accounts.delete", ["id": .int(a), "user_id": named["id"]!, "hard_delete": true]).status == 204)
        #expect(f.error("groups.service_accounts.delete", ["id": .int(a), "user_id": named["id"]!]) == APIError.notFound("User"))
        let bob = try f.store.userId(username: "bob")!
        #expect(f.error("groups.service_accounts.delete", ["id": .int(a), "user_id": .int(bob)]) == APIError.badRequest("User is not of type Service Account"))
        let actions = try f.store.auditEvents().map(\.action)
        #expect(actions.contains("service_account.create") && actions.contains("service_account.update") && actions.contains("service_account.destroy"))
    }

    @Test func permissions() throws {
        let (f, a) = try setup()
        let sub = try f.group("sub", parent: a, as: f.user("alice"))
        #expect(f.error("groups.service_accounts.list", ["id": .int(a)], as: f.user("erin")) == APIError.notFound("Group"))
        #expect(f.error("groups.service_accounts.list", ["id": .int(a)], as: f.user("carol")) == APIError.forbidden())
        #expect(f.error("groups.service_accounts.list", ["id": .int(a)], as: .anonymous) == APIError.unauthorized)
        #expect(f.error("groups.service_accounts.create", ["id": .int(a)], as: f.user("carol")) == APIError.forbidden())
        let denied = APIError.badRequest("User does not have permission to create a service account in this namespace.")
        #expect(f.error("groups.service_accounts.create", ["id": .int(a)], as: f.user("alice")) == denied)
        #expect(f.error("groups.service_accounts.create", ["id": .int(sub)]) == denied)
        try f.run("settings.integrations.update", ["allow_top_level_group_owners_to_create_service_accounts": true])
        #expect(try f.run("groups.service_accounts.create", ["id": .int(a)], as: f.user("alice")).status == 201)
        #expect(f.error("groups.service_accounts.create", ["id": .int(sub)], as: f.user("alice")) == denied)
        #expect(f.error("settings.integrations.update", ["allow_local_requests_from_web_hooks_and_services": true], as: f.user("alice")) == APIError.forbidden())
    }

    @Test func soleOwnershipNeedsHardDelete() throws {
        let (f, a) = try setup()
        let sa = try f.body("groups.service_accounts.create", ["id": .int(a), "username": "deployer"])["id"]!
        let owned = try f.group("owned")
        try f.run("groups.members.add", ["id": .int(owned), "user_id": sa, "access_level": 50])
        try f.run("groups.members.remove", ["id": .int(owned), "user_id": "root"])
        let refused = f.error("groups.service_accounts.delete", ["id": .int(a), "user_id": sa])
        #expect(refused?.status == 409)
        #expect(refused?.json == .object([("message", "User cannot be removed while is the sole-owner of a group")]))
        #expect(try f.run("groups.service_accounts.delete", ["id": .int(a), "user_id": sa, "hard_delete": true]).status == 204)
        #expect(f.error("groups.get", ["id": .int(owned)]) == APIError.notFound("Group"))
        #expect(try f.store.userId(username: "deployer") == nil)
    }

    /// GitLab's LastUsedService: a use records `last_used_at` only when the recorded use is
    /// at least 10 minutes old, so authenticating is a read on busy servers.
    @Test func lastUsedAtIsRecordedAtMostEveryTenMinutes() throws {
        let (f, a) = try setup()
        let sa = try f.body("groups.service_accounts.create", ["id": .int(a)])["id"]!
        let token = try f.body("groups.service_accounts.tokens.create", ["id": .int(a), "user_id": sa, "name": "ci", "scopes": ["api"]])["token"]!.stringValue!
        func lastUsed() throws -> JSONValue? {
            try f.body("groups.service_accounts.tokens.list", ["id": .int(a), "user_id": sa]).arrayValue?[0]["last_used_at"]
        }
        #expect(try lastUsed() == .null)
        let start = Date()
        f.store.now = { start }
        #expect(try f.store.authenticate(token: token) != nil)
        let first = try lastUsed()
        #expect(first == .string(Timestamp.iso8601(Timestamp.millis(start))))
        f.store.now = { start.addingTimeInterval(9 * 60) }
        #expect(try f.store.authenticate(token: token) != nil)
        #expect(try lastUsed() == first, "a use within 10 minutes leaves last_used_at alone")
        let later = start.addingTimeInterval(10 * 60)
        f.store.now = { later }
        #expect(try f.store.authenticate(token: token) != nil)
        #expect(try lastUsed() == .string(Timestamp.iso8601(Timestamp.millis(later))))
    }

    @Test func tokensCreateAuthenticateRotateRevoke() throws {
        let (f, a) = try setup()
        let sa = try f.body("groups.service_accounts.create", ["id": .int(a)])["id"]!
        let created = try f.run("groups.service_accounts.tokens.create", ["id": .int(a), "user_id": sa, "name": "ci", "scopes": ["api", "read_user"]])
        #expect(created.status == 201)
        let body = created.body!
        #expect(body.keys == ["id", "name", "revoked", "created_at", "scopes", "user_id", "last_used_at", "active", "expires_at", "token"])
        let token = body["token"]!.stringValue!
        #expect(token.hasPrefix("glpat-") && token.count == 38)
        let expected = Timestamp.day(Timestamp.millis(Date()) + 365 * 86_400_000)
        #expect(body["expires_at"] == .string(expected))
        let identity = try #require(try f.store.authenticate(token: token))
        #expect(identity.userId == sa.intValue && identity.scopes == ["api", "read_user"])
        #expect(try f.store.authenticate(token: token + "x") == nil)
        // Listing never shows the value.
        let listed = try f.body("groups.service_accounts.tokens.list", ["id": .int(a), "user_id": sa])
        #expect(listed.arrayValue?.count == 1 && listed.arrayValue?[0]["token"] == nil)
        #expect(listed.arrayValue?[0]["last_used_at"] != .null)
        // Rotation: 200, old revoked, new works.
        let rotated = try f.run("groups.service_accounts.tokens.rotate", ["id": .int(a), "user_id": sa, "token_id": body["id"]!])
        #expect(rotated.status == 200)
        let newToken = rotated.body!["token"]!.stringValue!
        #expect(newToken != token && rotated.body?["name"] == "ci" && rotated.body?["scopes"] == ["api", "read_user"])
        #expect(rotated.body?["expires_at"] == .string(Timestamp.day(Timestamp.millis(Date()) + 7 * 86_400_000)))
        #expect(try f.store.authenticate(token: token) == nil)
        #expect(try f.store.authenticate(token: newToken) != nil)
        #expect(f.error("groups.service_accounts.tokens.rotate", ["id": .int(a), "user_id": sa, "token_id": body["id"]!]) == APIError.badRequest("Token already revoked"))
        #expect(try f.run("groups.service_accounts.tokens.revoke", ["id": .int(a), "user_id": sa, "token_id": rotated.body!["id"]!]).status == 204)
        #expect(try f.store.authenticate(token: newToken) == nil)
        #expect(f.error("groups.service_accounts.tokens.revoke", ["id": .int(a), "user_id": sa, "token_id": 999]) == APIError.notFound("Personal Access Token"))
        // No token value in any audit event.
        let audit = try f.store.auditEvents().map { JSONText.encode($0.json) }.joined()
        #expect(!audit.contains(token) && !audit.contains(newToken))
        #expect(audit.contains("personal_access_token.rotate"))
    }

    @Test func tokenValidation() throws {
        let (f, a) = try setup()
        let sa = try f.body("groups.service_accounts.create", ["id": .int(a)])["id"]!
        let p: JSONObject = ["id": .int(a), "user_id": sa, "name": "ci"]
        func with(_ extra: [(String, JSONValue)]) -> JSONObject { var o = p; for (k, v) in extra { o[k] = v }; return o }
        #expect(f.error("groups.service_accounts.tokens.create", with([("scopes", ["root"])]))?.json == .object([("error", "scopes does not have a valid value")]))
        #expect(f.error("groups.service_accounts.tokens.create", p)?.json == .object([("error", "scopes is missing")]))
        #expect(f.error("groups.service_accounts.tokens.create", with([("scopes", ["api"]), ("expires_at", "2020-01-01")]))?.json == .object([("message", "Expires at must be in the future")]))
        #expect(f.error("groups.service_accounts.tokens.create", with([("scopes", ["api"]), ("expires_at", "2999-01-01")]))?.status == 422)
        try f.run("settings.integrations.update", ["service_access_tokens_expiration_enforced": false])
        let forever = try f.body("groups.service_accounts.tokens.create", with([("scopes", ["read_api"])]))
        #expect(forever["expires_at"] == .null)
        let dated = try f.body("groups.service_accounts.tokens.create", with([("scopes", ["read_api"]), ("expires_at", "2999-01-01")]))
        #expect(dated["expires_at"] == "2999-01-01")
        let bob = try f.store.userId(username: "bob")!
        #expect(f.error("groups.service_accounts.tokens.create", ["id": .int(a), "user_id": .int(bob), "name": "x", "scopes": ["api"]])?.status == 400)
    }

    @Test func expiredTokensFail() throws {
        let (f, a) = try setup()
        let sa = try f.body("groups.service_accounts.create", ["id": .int(a)])["id"]!
        let token = try f.body("groups.service_accounts.tokens.create", ["id": .int(a), "user_id": sa, "name": "ci", "scopes": ["api"], "expires_at": .string(Timestamp.day(Timestamp.millis(Date()) + 2 * 86_400_000))])["token"]!.stringValue!
        #expect(try f.store.authenticate(token: token) != nil)
        f.store.now = { Date().addingTimeInterval(3 * 86_400) }
        #expect(try f.store.authenticate(token: token) == nil)
    }

    @Test func databaseFileHoldsNoTokenValue() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-pat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("grove.sqlite").path
        var token = ""
        do {
            let store = try GroveStore.open(path: path)
            let g = try store.perform("groups.create", ["name": "Alpha", "path": "alpha"], as: .root).body!["id"]!
            let sa = try store.perform("groups.service_accounts.create", ["id": g], as: .root).body!["id"]!
            token = try store.perform("groups.service_accounts.tokens.create", ["id": g, "user_id": sa, "name": "ci", "scopes": ["api"]], as: .root).body!["token"]!.stringValue!
            #expect(try store.authenticate(token: token) != nil)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(files.contains("grove.sqlite"))
        for file in files {
            let bytes = try Data(contentsOf: dir.appendingPathComponent(file))
            #expect(bytes.range(of: Data(token.utf8)) == nil, "token found in \(file)")
            #expect(bytes.range(of: Data(token.dropFirst(6).utf8)) == nil, "token body found in \(file)")
        }
        let reopened = try GroveStore.open(path: path)
        #expect(try reopened.authenticate(token: token)?.scopes == ["api"])
    }
}
