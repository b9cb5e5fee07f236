import Testing
@testable import GroveCore

@Suite("groups.provisioned_users and groups.users")
struct GroupUsersTests {
    @Test func provisionedUsers() throws {
        let f = try Fixture()
        let g = try f.group("alpha")
        try f.run("users.create", ["username": "prov1", "email": "p1@example.com", "name": "Pat One", "provisioned_by_group_id": .int(g)])
        try f.run("users.create", ["username": "prov2", "email": "p2@example.com", "provisioned_by_group_id": "alpha", "state": "blocked"])
        let all = try f.body("groups.provisioned_users", ["id": .int(g)])
        #expect(all.arrayValue?.map { $0["username"]! } == ["prov1", "prov2"])
        #expect(all.arrayValue?.first?.keys.prefix(4) == ["id", "username", "name", "state"])
        #expect(try f.body("groups.provisioned_users", ["id": .int(g), "blocked": true]).arrayValue?.count == 1)
        #expect(try f.body("groups.provisioned_users", ["id": .int(g), "search": "pat"]).arrayValue?.count == 1)
        #expect(try f.body("groups.provisioned_users", ["id": .int(g), "created_after": "2000-01-01T00:00:00Z"]).arrayValue?.count == 2)
        try f.add("bob", to: g, level: AccessLevel.maintainer)
        try f.add("carol", to: g, level: AccessLevel.developer)
        #expect(try f.run("groups.provisioned_users", ["id": .int(g)], as: f.user("bob")).status == 200)
        #expect(f.error("groups.provisioned_users", ["id": .int(g)], as: f.user("carol")) == APIError.forbidden())
        #expect(f.error("groups.provisioned_users", ["id": .int(g)], as: f.user("erin")) == APIError.notFound("Group"))
    }

    @Test func groupUsersNeedOwnerAndAKind() throws {
        let f = try Fixture()
        let g = try f.group("alpha", as: f.user("alice"))
        let sub = try f.group("sub", parent: g, as: f.user("alice"))
        try f.run("users.create", ["username": "saml1", "email": "s1@example.com", "saml_group_id": .int(g)])
        try f.run("users.create", ["username": "svc1", "email": "v1@example.com", "service_account": true, "provisioned_by_group_id": .int(sub)])
        #expect(try f.body("groups.users", ["id": .int(g), "include_saml_users": true], as: f.user("alice")).arrayValue?.map { $0["username"]! } == ["saml1"])
        #expect(try f.body("groups.users", ["id": .int(g), "include_service_accounts": true], as: f.user("alice")).arrayValue?.map { $0["username"]! } == ["svc1"])
        #expect(try f.body("groups.users", ["id": .int(g), "include_saml_users": true, "include_service_accounts": true], as: f.user("alice")).arrayValue?.count == 2)
        #expect(f.error("groups.users", ["id": .int(g)], as: f.user("alice"))?.status == 400)
        try f.add("bob", to: g, level: AccessLevel.maintainer)
        #expect(f.error("groups.users", ["id": .int(g), "include_saml_users": true], as: f.user("bob")) == APIError.forbidden())
    }

    @Test func membersManagement() throws {
        let f = try Fixture()
        let g = try f.group("alpha", as: f.user("alice"))
        try f.add("bob", to: g, level: AccessLevel.developer)
        #expect(f.error("groups.members.add", ["id": .int(g), "user_id": "carol", "access_level": 30], as: f.user("bob")) == APIError.forbidden())
        #expect(f.error("groups.members.add", ["id": .int(g), "user_id": "bob", "access_level": 30])?.status == 409)
        #expect(f.error("groups.members.add", ["id": .int(g), "user_id": "nobody", "access_level": 30]) == APIError.notFound("User"))
        let updated = try f.body("groups.members.update", ["id": .int(g), "user_id": "bob", "access_level": 40, "expires_at": "2099-12-31"], as: f.user("alice"))
        #expect(updated["access_level"] == 40 && updated["expires_at"] == "2099-12-31")
        #expect(try f.run("groups.members.remove", ["id": .int(g), "user_id": "bob"], as: f.user("bob")).status == 204)
        #expect(f.error("groups.get", ["id": .int(g)], as: f.user("bob")) == APIError.notFound("Group"))
    }
}
