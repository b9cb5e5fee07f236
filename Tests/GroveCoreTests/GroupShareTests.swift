import Testing
@testable import GroveCore

@Suite("groups.share and unshare")
struct GroupShareTests {
    @Test func shareAndUnshare() throws {
        let f = try Fixture()
        let a = try f.group("alpha", as: f.user("alice"))
        let b = try f.group("beta", visibility: "internal")
        let r = try f.run("groups.share", ["id": .int(a), "group_id": .int(b), "group_access": 20, "expires_at": "2099-01-01"], as: f.user("alice"))
        #expect(r.status == 201)
        #expect(r.body?["shared_with_groups"] == [["group_id": .int(b), "group_name": "Beta", "group_full_path": "beta", "group_access_level": 20, "expires_at": "2099-01-01"]])
        let again = f.error("groups.share", ["id": .int(a), "group_id": .int(b), "group_access": 20], as: f.user("alice"))
        #expect(again?.status == 409)
        #expect(again?.json == .object([("message", "Shared group The group has already been shared with this group")]))
        #expect(try f.run("groups.unshare", ["id": .int(a), "group_id": .int(b)], as: f.user("alice")).status == 204)
        #expect(f.error("groups.unshare", ["id": .int(a), "group_id": .int(b)], as: f.user("alice")) == APIError.notFound("Group Link"))
    }

    @Test func errors() throws {
        let f = try Fixture()
        let a = try f.group("alpha", as: f.user("alice"))
        let secret = try f.group("secret")
        #expect(f.error("groups.share", ["id": .int(a), "group_id": .int(secret), "group_access": 20], as: f.user("alice"))?.json == .object([("message", "Not Found")]))
        #expect(f.error("groups.share", ["id": .int(a), "group_id": .int(secret), "group_access": 25])?.json == .object([("error", "group_access does not have a valid value")]))
        #expect(f.error("groups.share", ["id": .int(a)])?.json == .object([("error", "group_id is missing, group_access is missing")]))
        try f.add("bob", to: a, level: AccessLevel.maintainer)
        let other = try f.group("other", visibility: "public")
        #expect(f.error("groups.share", ["id": .int(a), "group_id": .int(other), "group_access": 20], as: f.user("bob")) == APIError.forbidden())
        // prevent_sharing_groups_outside_hierarchy on the root.
        try f.run("groups.update", ["id": .int(a), "prevent_sharing_groups_outside_hierarchy": true])
        #expect(f.error("groups.share", ["id": .int(a), "group_id": .int(other), "group_access": 20])?.status == 404)
        let inside = try f.group("inside", parent: a)
        #expect(try f.run("groups.share", ["id": .int(a), "group_id": .int(inside), "group_access": 20]).status == 201)
    }

    @Test func unshareAnswers204EvenWhenNotAllowed() throws {
        let f = try Fixture()
        let a = try f.group("alpha", visibility: "public")
        let b = try f.group("beta", visibility: "public")
        try f.run("groups.share", ["id": .int(a), "group_id": .int(b), "group_access": 20])
        #expect(try f.run("groups.unshare", ["id": .int(a), "group_id": .int(b)], as: f.user("erin")).status == 204)
        #expect(try f.body("groups.get", ["id": .int(a)])["shared_with_groups"]?.arrayValue?.count == 1)
    }
}
