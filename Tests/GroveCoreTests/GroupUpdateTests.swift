import Testing
@testable import GroveCore

@Suite("groups.update")
struct GroupUpdateTests {
    @Test func ownerUpdatesAttributesAndAuditRecordsOldToNew() throws {
        let f = try Fixture()
        let g = try f.group("platform", as: f.user("alice"))
        let before = try f.store.auditEvents().last!.id
        let body = try f.body("groups.update", ["id": "platform", "description": "Core team", "lfs_enabled": false, "visibility": "internal"], as: f.user("alice"))
        #expect(body["description"] == "Core team")
        #expect(body["lfs_enabled"] == false)
        #expect(body["visibility"] == "internal")
        let event = try f.store.auditEvents(afterId: before).last!
        #expect(event.action == "group.update")
        #expect(event.targetId == g)
        #expect(event.changes.contains(.init(attribute: "visibility", old: "private", new: "internal")))
        #expect(event.description.contains("visibility \"private\" → \"internal\""))
    }

    @Test func permissionLevels() throws {
        let f = try Fixture()
        let g = try f.group("platform", visibility: "internal")
        try f.add("alice", to: g, level: AccessLevel.owner)
        try f.add("bob", to: g, level: AccessLevel.maintainer)
        try f.add("carol", to: g, level: AccessLevel.developer)
        try f.add("dave", to: g, level: AccessLevel.reporter)
        try f.add("frank", to: g, level: AccessLevel.guest)
        for user in ["bob", "carol", "dave", "frank", "erin"] {
            #expect(f.error("groups.update", ["id": .int(g), "description": "x"], as: f.user(user)) == APIError.forbidden(), "\(user)")
        }
        #expect(f.error("groups.update", ["id": .int(g), "description": "x"], as: f.user("ext")) == APIError.notFound("Group"))
        #expect(f.error("groups.update", ["id": .int(g), "description": "x"], as: .anonymous)?.status == 401)
        #expect(try f.run("groups.update", ["id": .int(g), "description": "x"], as: f.user("alice")).status == 200)
        #expect(try f.run("groups.update", ["id": .int(g), "description": "y"], as: .root).status == 200)
    }

    @Test func pathChangeRewritesDescendants() throws {
        let f = try Fixture()
        let p = try f.group("platform")
        let c = try f.group("api", parent: p)
        try f.group("v1", parent: c)
        try f.project("svc", in: c)
        try f.run("groups.update", ["id": .int(p), "path": "core", "name": "Core"])
        #expect(try f.body("groups.get", ["id": "core/api/v1"])["full_name"] == "Core / Api / V1")
        #expect(try f.body("projects.get", ["id": "core/api/svc"])["path_with_namespace"] == "core/api/svc")
        #expect(f.error("groups.get", ["id": "platform/api"]) == APIError.notFound("Group"))
    }

    @Test func validationErrorsNameTheField() throws {
        let f = try Fixture()
        try f.group("taken")
        let g = try f.group("platform", visibility: "public")
        let e = f.error("groups.update", ["id": .int(g), "path": "taken"])
        #expect(e?.json == .object([("message", .object([("path", ["has already been taken"])]))]))
        try f.group("api", parent: g, visibility: "public")
        let lower = f.error("groups.update", ["id": .int(g), "visibility": "private"])
        #expect(lower?.fieldErrors["visibility_level"] == ["private is not allowed since there are sub-groups with higher visibility."])
        let other = try f.group("other", visibility: "internal")
        try f.project("web", in: other, visibility: "internal")
        #expect(f.error("groups.update", ["id": .int(other), "visibility": "private"])?.fieldErrors["visibility_level"] == ["private is not allowed since this group contains projects with higher visibility."])
        let child = try f.group("kid", parent: other, visibility: "private")
        #expect(f.error("groups.update", ["id": .int(child), "visibility": "public"])?.fieldErrors["visibility_level"] == ["public is not allowed since the parent group has a internal visibility."])
        #expect(f.error("groups.update", ["id": .int(g), "default_branch_protection": 9])?.json == .object([("error", "default_branch_protection does not have a valid value")]))
    }

    @Test func adminOnlyAndTopLevelOnlyAttributesAreDropped() throws {
        let f = try Fixture()
        let g = try f.group("platform", as: f.user("alice"))
        let body = try f.body("groups.update", ["id": .int(g), "shared_runners_minutes_limit": 99, "prevent_sharing_groups_outside_hierarchy": true], as: f.user("alice"))
        #expect(body["shared_runners_minutes_limit"] == .null)
        #expect(body["prevent_sharing_groups_outside_hierarchy"] == true)
        #expect(try f.body("groups.update", ["id": .int(g), "shared_runners_minutes_limit": 99])["shared_runners_minutes_limit"] == 99)
        let sub = try f.group("sub", parent: g, as: f.user("alice"))
        let subBody = try f.body("groups.update", ["id": .int(sub), "prevent_sharing_groups_outside_hierarchy": true], as: f.user("alice"))
        #expect(subBody["prevent_sharing_groups_outside_hierarchy"] == nil)
    }

    @Test func restrictedVisibilityForNonAdmins() throws {
        let f = try Fixture()
        try f.run("settings.update", ["restricted_visibility_levels": ["public"]])
        let g = try f.group("platform", as: f.user("alice"))
        #expect(f.error("groups.update", ["id": .int(g), "visibility": "public"], as: f.user("alice"))?.fieldErrors["visibility_level"] == ["public has been restricted by your GitLab administrator"])
        #expect(try f.run("groups.update", ["id": .int(g), "visibility": "public"]).status == 200)
    }

    @Test func emailsEnabledKeepsDeprecatedInverseInStep() throws {
        let f = try Fixture()
        let g = try f.group("platform")
        let body = try f.body("groups.update", ["id": .int(g), "emails_enabled": false])
        #expect(body["emails_enabled"] == false && body["emails_disabled"] == true)
    }
}
