import Testing
@testable import GroveCore

@Suite("groups.create")
struct GroupCreateTests {
    @Test func createsTopLevelGroupWithSeedShape() throws {
        let f = try Fixture()
        let result = try f.run("groups.create", ["name": "Platform", "path": "platform", "visibility": "internal", "description": "Core"], as: f.user("alice"))
        #expect(result.status == 201)
        let g = result.body!
        #expect(g["full_path"] == "platform")
        #expect(g["visibility"] == "internal")
        #expect(g["parent_id"] == .null)
        #expect(g["web_url"] == "http://localhost:3000/groups/platform")
        #expect(g["runners_token"]?.stringValue?.isEmpty == false, "the creator is owner and sees the token")
        #expect(g["prevent_sharing_groups_outside_hierarchy"] == false)
        #expect(g["created_at"]?.stringValue?.hasSuffix("Z") == true)
        let keys = g.keys
        #expect(Array(keys.prefix(5)) == ["id", "name", "path", "description", "visibility"])
        #expect(keys.firstIndex(of: "full_path")! < keys.firstIndex(of: "runners_token")!)
        #expect(keys.firstIndex(of: "created_at")! < keys.firstIndex(of: "shared_with_groups")!)
        // The creator became its owner.
        let members = try f.body("groups.members.list", ["id": "platform"], as: f.user("alice"))
        #expect(members.arrayValue?.first?["access_level"] == 50)
    }

    @Test func createsSubgroupUnderParent() throws {
        let f = try Fixture()
        let parent = try f.group("platform", visibility: "public")
        let child = try f.body("groups.create", ["name": "API", "path": "api", "parent_id": .int(parent)])
        #expect(child["full_path"] == "platform/api")
        #expect(child["full_name"] == "Platform / API")
        #expect(child["parent_id"] == .int(parent))
        #expect(child.keys.contains("prevent_sharing_groups_outside_hierarchy") == false)
        // parent_id may be given as a full path too.
        let grand = try f.body("groups.create", ["name": "V1", "path": "v1", "parent_id": "platform/api"])
        #expect(grand["full_path"] == "platform/api/v1")
    }

    /// The row is inserted with its traversal ids: the id they end with is the one
    /// AUTOINCREMENT gives, never one of a removed group, and a rolled-back creation's id is
    /// given again.
    @Test func idsAndTraversalIdsOfNewGroups() throws {
        let f = try Fixture()
        let top = try f.group("platform")
        let removed = try f.group("old", parent: top)
        try f.run("groups.delete", ["id": .int(removed)])
        try f.run("groups.delete", ["id": .int(removed), "permanently_remove": true, "full_path": .string("platform/old-deletion_scheduled-\(removed)")])
        let next = try f.group("api", parent: top)
        #expect(next == removed + 1)
        let stored = try f.store.database.read { db in try GroupRecord.find(db, id: next) }
        #expect(stored?.traversalIds == "\(top)/\(next)/")
        let (rolledBack, _) = try f.store.dryRun { try f.group("web", parent: top) }
        #expect(rolledBack == next + 1)
        #expect(try f.group("web", parent: top) == rolledBack)
        #expect(try f.body("groups.descendant_groups", ["id": .int(top)]).ids == [next, rolledBack])
        // A sequence behind the largest id (a hand-edited or restored file) does not make
        // creation fail: AUTOINCREMENT takes the larger of the two.
        try f.store.database.write { db in try db.execute(sql: "UPDATE sqlite_sequence SET seq = 1 WHERE name = 'namespaces'") }
        #expect(try f.group("docs", parent: top) == rolledBack + 1)
    }

    @Test func missingParamsAreGrapeErrors() throws {
        let f = try Fixture()
        let e = f.error("groups.create", [:])
        #expect(e?.status == 400)
        #expect(e?.json == .object([("error", "name is missing, path is missing")]))
        let bad = f.error("groups.create", ["name": "A", "path": "abc", "visibility": "secret"])
        #expect(bad?.json == .object([("error", "visibility does not have a valid value")]))
        let badType = f.error("groups.create", ["name": "A", "path": "abc", "lfs_enabled": "maybe"])
        #expect(badType?.json == .object([("error", "lfs_enabled is invalid")]))
    }

    @Test func unknownParametersAreRejectedListingAcceptedNames() throws {
        let f = try Fixture()
        let e = f.error("groups.create", ["name": "A", "path": "abc", "visibilty": "public"])
        #expect(e?.status == 400)
        #expect(e?.message.contains("visibilty is not a parameter of groups.create") == true)
        #expect(e?.message.contains("visibility") == true)
        // REST may ignore unknown names.
        let ok = try f.store.perform("groups.create", params: ["name": "A", "path": "abc", "visibilty": "public"], as: .root, ignoreUnknown: true)
        #expect(ok.status == 201)
    }

    @Test func stringsAreCoercedForHTTPCallers() throws {
        let f = try Fixture()
        let g = try f.body("groups.create", ["name": "A", "path": "abc", "lfs_enabled": "false", "two_factor_grace_period": "12"])
        #expect(g["lfs_enabled"] == false)
        #expect(g["two_factor_grace_period"] == 12)
    }

    @Test func pathTakenIsFailedToSave() throws {
        let f = try Fixture()
        try f.group("platform")
        let e = f.error("groups.create", ["name": "Other", "path": "PLATFORM"])
        #expect(e?.status == 400)
        #expect(e?.json == .object([("message", #"Failed to save group {:path=>["has already been taken"]}"#)]))
        #expect(e?.fieldErrors["path"] == ["has already been taken"])
        // Usernames share the top-level namespace.
        #expect(f.error("groups.create", ["name": "Alice", "path": "alice"])?.fieldErrors["path"] == ["has already been taken"])
    }

    @Test func pathFormatAndReservedNames() throws {
        let f = try Fixture()
        let e = f.error("groups.create", ["name": "X", "path": "-bad"])
        #expect(e?.fieldErrors["path"].contains(PathRules.formatMessage) == true)
        #expect(f.error("groups.create", ["name": "X", "path": "admin"])?.fieldErrors["path"] == ["admin is a reserved name"])
        #expect(f.error("groups.create", ["name": "X", "path": "Help"])?.fieldErrors["path"] == ["Help is a reserved name"])
        #expect(f.error("groups.create", ["name": "X", "path": "a"])?.fieldErrors["path"] == ["is too short (minimum is 2 characters)"])
        #expect(f.error("groups.create", ["name": "X", "path": "foo.git"])?.fieldErrors["path"].isEmpty == false)
        // `admin` is reserved only at the top level; deeper, the wildcard routes are.
        let parent = try f.group("platform")
        #expect(try f.body("groups.create", ["name": "Admin", "path": "admin", "parent_id": .int(parent)])["full_path"] == "platform/admin")
        #expect(f.error("groups.create", ["name": "Tree", "path": "tree", "parent_id": .int(parent)])?.fieldErrors["path"] == ["tree is a reserved name"])
    }

    @Test func nameRules() throws {
        let f = try Fixture()
        #expect(f.error("groups.create", ["name": "", "path": "abc"])?.fieldErrors["name"] == ["can't be blank"])
        #expect(f.error("groups.create", ["name": "-x", "path": "abc"])?.fieldErrors["name"] == [NameRules.formatMessage])
        #expect(f.error("groups.create", ["name": "a<b>c", "path": "abc"])?.fieldErrors["name"].contains(NameRules.htmlMessage) == true)
        #expect(try f.body("groups.create", ["name": "Café (ops) 🚀", "path": "cafe"])["name"] == "Café (ops) 🚀")
        // Names repeat at the top level but not among siblings.
        let p = try f.group("one")
        try f.group("two")
        _ = try f.body("groups.create", ["name": "One", "path": "one-again"])
        try f.group("kid", parent: p)
        #expect(f.error("groups.create", ["name": "Kid", "path": "kid2", "parent_id": .int(p)])?.fieldErrors["name"] == ["has already been taken"])
    }

    @Test func subgroupCannotBeMoreVisibleThanParent() throws {
        let f = try Fixture()
        let p = try f.group("platform", visibility: "private")
        let e = f.error("groups.create", ["name": "API", "path": "api", "parent_id": .int(p), "visibility": "public"])
        #expect(e?.fieldErrors["visibility_level"] == ["public is not allowed since the parent group has a private visibility."])
    }

    @Test func permissions() throws {
        let f = try Fixture()
        // Anonymous callers cannot write at all.
        #expect(f.error("groups.create", ["name": "A", "path": "abc"], as: .anonymous)?.status == 401)
        // can_create_group = false → 403 at the top level.
        try f.run("users.update", ["id": "frank", "can_create_group": false])
        #expect(f.error("groups.create", ["name": "A", "path": "abc"], as: f.user("frank"))?.status == 403)
        // Subgroups: owner yes; maintainer only if subgroup_creation_level = maintainer.
        let p = try f.group("platform", visibility: "internal", extra: [("subgroup_creation_level", "owner")])
        try f.add("alice", to: p, level: AccessLevel.owner)
        try f.add("bob", to: p, level: AccessLevel.maintainer)
        try f.add("carol", to: p, level: AccessLevel.developer)
        try f.add("dave", to: p, level: AccessLevel.guest)
        #expect(try f.run("groups.create", ["name": "A", "path": "a1", "parent_id": .int(p)], as: f.user("alice")).status == 201)
        for user in ["bob", "carol", "dave", "erin"] {
            #expect(f.error("groups.create", ["name": "B", "path": "b1", "parent_id": .int(p)], as: f.user(user))?.status == 403, "\(user)")
        }
        try f.run("groups.update", ["id": .int(p), "subgroup_creation_level": "maintainer"])
        #expect(try f.run("groups.create", ["name": "B", "path": "b1", "parent_id": .int(p)], as: f.user("bob")).status == 201)
        // A parent the caller cannot see is 404, not 403.
        let secret = try f.group("secret")
        #expect(f.error("groups.create", ["name": "C", "path": "c1", "parent_id": .int(secret)], as: f.user("erin")) == APIError.notFound("Group"))
        #expect(f.error("groups.create", ["name": "C", "path": "c1", "parent_id": .int(secret)], as: f.user("ext")) == APIError.notFound("Group"))
    }

    @Test func adminOnlyAttributesOnCreate() throws {
        let f = try Fixture()
        #expect(f.error("groups.create", ["name": "A", "path": "abc", "shared_runners_minutes_limit": 10], as: f.user("alice"))?.status == 403)
        let g = try f.body("groups.create", ["name": "A", "path": "abc", "shared_runners_minutes_limit": 10])
        #expect(g["shared_runners_minutes_limit"] == 10)
    }

    @Test func avatarUploadAndDownload() throws {
        let f = try Fixture()
        let png: JSONValue = ["filename": "logo.png", "content": "iVBORw0KGgo="]
        let g = try f.body("groups.create", ["name": "A", "path": "abc", "avatar": png])
        #expect(g["avatar_url"] == .string("http://localhost:3000/uploads/-/system/group/avatar/\(g["id"]!.intValue!)/logo.png"))
        let download = try f.run("groups.avatar", ["id": "abc"])
        #expect(download.attachment?.contentType == "image/png")
        #expect(download.attachment?.data == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let bad = f.error("groups.create", ["name": "B", "path": "abd", "avatar": ["filename": "evil.exe", "content": "AAAA"]])
        #expect(bad?.fieldErrors["avatar"].first?.hasPrefix("file format is not supported") == true)
        // Removing it with an empty value.
        try f.run("groups.update", ["id": "abc", "avatar": ""])
        #expect(f.error("groups.avatar", ["id": "abc"]) == APIError.notFound("Avatar"))
    }
}
