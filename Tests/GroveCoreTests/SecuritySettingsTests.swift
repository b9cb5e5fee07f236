import Testing
@testable import GroveCore

@Suite("groups.security_settings")
struct SecuritySettingsTests {
    @Test func appliesToSubtreeMinusExcluded() throws {
        let f = try Fixture()
        let a = try f.group("alpha", as: f.user("alice"))
        let sub = try f.group("sub", parent: a, as: f.user("alice"))
        let other = try f.group("other")
        let p1 = try f.project("one", in: a, as: f.user("alice"))
        let p2 = try f.project("two", in: sub, as: f.user("alice"))
        let p3 = try f.project("three", in: sub, as: f.user("alice"))
        let outside = try f.project("out", in: other)
        try f.add("carol", to: a, level: AccessLevel.maintainer)
        let r = try f.run("groups.security_settings.update", ["id": .int(a), "secret_push_protection_enabled": true, "projects_to_exclude": [.int(p3), .int(outside)]], as: f.user("carol"))
        #expect(r.status == 200)
        #expect(r.body?.keys == ["secret_push_protection_enabled", "errors"])
        #expect(r.body?["secret_push_protection_enabled"] == true)
        #expect(r.body?["errors"] == [.string("Project with id \(outside) does not belong to group alpha")])
        func enabled(_ p: Int64) throws -> JSONValue? { try f.body("projects.security_settings.get", ["id": .int(p)])["secret_push_protection_enabled"] }
        #expect(try enabled(p1) == true && enabled(p2) == true && enabled(p3) == false && enabled(outside) == false)
        try f.run("groups.security_settings.update", ["id": .int(sub), "secret_push_protection_enabled": false], as: f.user("carol"))
        #expect(try enabled(p1) == true && enabled(p2) == false)
        #expect(try f.store.auditEvents().contains { $0.action == "security_settings.update" })
    }

    @Test func permissions() throws {
        let f = try Fixture()
        let a = try f.group("alpha", as: f.user("alice"))
        try f.add("bob", to: a, level: AccessLevel.developer)
        #expect(f.error("groups.security_settings.update", ["id": .int(a), "secret_push_protection_enabled": true], as: f.user("erin")) == APIError.notFound("Group"))
        #expect(f.error("groups.security_settings.update", ["id": .int(a), "secret_push_protection_enabled": true], as: f.user("bob")) == APIError.unauthorized)
        #expect(f.error("groups.security_settings.update", ["id": .int(a)], as: f.user("alice"))?.json == .object([("error", "secret_push_protection_enabled is missing")]))
        #expect(try f.run("groups.security_settings.update", ["id": .int(a), "secret_push_protection_enabled": true], as: f.user("alice")).body?["errors"] == [])
    }
}
