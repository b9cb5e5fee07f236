import Testing
@testable import GroveCore

@Suite("groups.get and visibility")
struct GroupReadTests {
    /// public > internal > private, with alice owner of `priv`.
    func world() throws -> (Fixture, pub: Int64, int: Int64, priv: Int64) {
        let f = try Fixture()
        let pub = try f.group("pub", visibility: "public")
        let int = try f.group("int", visibility: "internal")
        let priv = try f.group("priv", visibility: "private")
        try f.add("alice", to: priv, level: AccessLevel.owner)
        try f.add("bob", to: priv, level: AccessLevel.guest)
        return (f, pub, int, priv)
    }

    @Test func anonymousSeesPublicOnly() throws {
        let (f, pub, int, priv) = try world()
        #expect(try f.run("groups.get", ["id": .int(pub)], as: .anonymous).status == 200)
        #expect(f.error("groups.get", ["id": .int(int)], as: .anonymous) == APIError.notFound("Group"))
        #expect(f.error("groups.get", ["id": .int(priv)], as: .anonymous) == APIError.notFound("Group"))
        #expect(f.error("groups.get", ["id": "nope"], as: .anonymous) == APIError.notFound("Group"))
    }

    @Test func signedInUsersSeeInternalExternalUsersDoNot() throws {
        let (f, _, int, priv) = try world()
        #expect(try f.run("groups.get", ["id": .int(int)], as: f.user("erin")).status == 200)
        #expect(f.error("groups.get", ["id": .int(int)], as: f.user("ext")) == APIError.notFound("Group"))
        #expect(f.error("groups.get", ["id": .int(priv)], as: f.user("erin")) == APIError.notFound("Group"))
    }

    @Test func membersIncludingInheritedAndAdminsSeePrivate() throws {
        let (f, _, _, priv) = try world()
        let child = try f.group("child", parent: priv)
        #expect(try f.run("groups.get", ["id": .int(child)], as: f.user("bob")).status == 200, "inherited guest")
        #expect(try f.run("groups.get", ["id": "priv/child"], as: .root).status == 200)
        // An expired membership grants nothing.
        try f.run("groups.members.update", ["id": .int(priv), "user_id": "bob", "expires_at": "2000-01-01"])
        #expect(f.error("groups.get", ["id": .int(child)], as: f.user("bob")) == APIError.notFound("Group"))
    }

    @Test func runnersTokenOnlyForOwnersAndAdmins() throws {
        let (f, _, _, priv) = try world()
        #expect(try f.body("groups.get", ["id": .int(priv)], as: f.user("alice"))["runners_token"] != nil)
        #expect(try f.body("groups.get", ["id": .int(priv)], as: .root)["enabled_git_access_protocol"] == "all")
        let guest = try f.body("groups.get", ["id": .int(priv)], as: f.user("bob"))
        #expect(guest["runners_token"] == nil)
        #expect(guest["enabled_git_access_protocol"] == nil)
    }

    @Test func detailListsProjectsSharedGroupsAndHonoursWithProjects() throws {
        let (f, pub, _, priv) = try world()
        try f.project("site", in: pub, visibility: "public")
        try f.project("secret", in: pub, visibility: "private")
        try f.run("groups.share", ["id": .int(pub), "group_id": .int(priv), "group_access": 30])
        let anon = try f.body("groups.get", ["id": .int(pub)], as: .anonymous)
        #expect(anon["projects"]?.arrayValue?.count == 1, "private project hidden from anonymous")
        #expect(anon["projects"]?.arrayValue?.first?["path_with_namespace"] == "pub/site")
        let admin = try f.body("groups.get", ["id": .int(pub)])
        #expect(admin["projects"]?.arrayValue?.count == 2)
        #expect(admin["shared_with_groups"]?.arrayValue?.first?["group_full_path"] == "priv")
        #expect(admin["shared_with_groups"]?.arrayValue?.first?["group_access_level"] == 30)
        let without = try f.body("groups.get", ["id": .int(pub), "with_projects": false])
        #expect(without["projects"] == nil && without["shared_projects"] == nil)
    }

    @Test func sharedGroupGrantsReadToInvitedMembers() throws {
        let (f, _, _, priv) = try world()
        let other = try f.group("other")
        try f.add("carol", to: other, level: AccessLevel.developer)
        #expect(f.error("groups.get", ["id": .int(priv)], as: f.user("carol")) == APIError.notFound("Group"))
        try f.run("groups.share", ["id": .int(priv), "group_id": .int(other), "group_access": 10])
        #expect(try f.run("groups.get", ["id": .int(priv)], as: f.user("carol")).status == 200)
    }

    @Test func customAttributesAreAdminOnly() throws {
        let (f, pub, _, _) = try world()
        try f.run("groups.custom_attributes.set", ["id": .int(pub), "key": "team", "value": "core"])
        #expect(f.error("groups.custom_attributes.set", ["id": .int(pub), "key": "x", "value": "y"], as: f.user("alice"))?.status == 403)
        #expect(try f.body("groups.get", ["id": .int(pub), "with_custom_attributes": true])["custom_attributes"] == [["key": "team", "value": "core"]])
        #expect(try f.body("groups.get", ["id": .int(pub), "with_custom_attributes": true], as: f.user("alice"))["custom_attributes"] == nil)
        #expect(try f.body("groups.custom_attributes.get", ["id": .int(pub), "key": "team"])["value"] == "core")
        try f.run("groups.custom_attributes.delete", ["id": .int(pub), "key": "team"])
        #expect(f.error("groups.custom_attributes.get", ["id": .int(pub), "key": "team"]) == APIError.notFound("Custom Attribute"))
    }
}
