import Testing
@testable import GroveCore

@Suite("groups.protected_branches")
struct ProtectedBranchTests {
    /// alpha (owned by alice) with bob as developer and carol as maintainer.
    func setup() throws -> (Fixture, Int64) {
        try Fixture.withAlpha([("bob", AccessLevel.developer), ("carol", AccessLevel.maintainer)])
    }

    @Test func protectWithDefaultsAndSeedShape() throws {
        let (f, a) = try setup()
        let r = try f.run("groups.protected_branches.create", ["id": .int(a), "name": "main"], as: f.user("alice"))
        #expect(r.status == 201)
        let body = r.body!
        #expect(body.keys == ["id", "name", "push_access_levels", "merge_access_levels", "unprotect_access_levels", "allow_force_push", "code_owner_approval_required"])
        let push = body["push_access_levels"]!.arrayValue!
        #expect(push.count == 1)
        #expect(push[0].keys == ["id", "access_level", "user_id", "group_id", "access_level_description"])
        #expect(push[0]["access_level"] == 40)
        #expect(push[0]["access_level_description"] == "Maintainers")
        #expect(body["allow_force_push"] == false)
        #expect(try f.body("groups.protected_branches.get", ["id": .int(a), "name": "main"], as: f.user("alice")) == body)
    }

    @Test func levelsUsersAndGroups() throws {
        let (f, a) = try setup()
        let team = try f.group("team", as: f.user("alice"))
        try f.run("groups.share", ["id": .int(a), "group_id": .int(team), "group_access": 30], as: f.user("alice"))
        let bob = try f.store.userId(username: "bob")!
        let body = try f.body("groups.protected_branches.create", [
            "id": .int(a), "name": "*-stable", "push_access_level": 30, "merge_access_level": 0, "unprotect_access_level": 60,
            "allowed_to_push": [["user_id": .int(bob)], ["group_id": .int(team)]], "allow_force_push": true,
        ], as: f.user("alice"))
        let push = body["push_access_levels"]!.arrayValue!
        #expect(push.map { $0["access_level_description"]! } == ["Developers + Maintainers", "bob", "Team"])
        #expect(push[1]["access_level"] == .null && push[1]["user_id"] == .int(bob))
        #expect(body["merge_access_levels"]!.arrayValue![0]["access_level_description"] == "No one")
        #expect(body["unprotect_access_levels"]!.arrayValue![0]["access_level_description"] == "Instance admins")
    }

    @Test func validationErrors() throws {
        let (f, a) = try setup()
        let dave = try f.store.userId(username: "dave")!
        let stranger = try f.group("stranger")
        let e1 = f.error("groups.protected_branches.create", ["id": .int(a), "name": "x", "allowed_to_push": [["access_level": 20]]], as: f.user("alice"))
        #expect(e1?.status == 400)
        #expect(e1?.json == .object([("error", "allowed_to_push[0][access_level] does not have a valid value (allowed values: 0, 30, 40, 60)")]))
        #expect(f.error("groups.protected_branches.create", ["id": .int(a), "name": "x", "push_access_level": 20], as: f.user("alice"))?.json
                == .object([("error", "push_access_level does not have a valid value")]))
        let e2 = f.error("groups.protected_branches.create", ["id": .int(a), "name": "x",
                                                             "allowed_to_push": [["user_id": .int(dave)], ["group_id": .int(stranger)]],
                                                             "allowed_to_merge": [["access_level": 30], ["access_level": 30]]], as: f.user("alice"))
        #expect(e2?.status == 422)
        #expect(e2?.json == .object([("message", ["Push access levels user is not a member of the group",
                                                  "Push access levels group does not have this group shared with it",
                                                  "Merge access levels access level has already been taken"])]))
        #expect(f.error("groups.protected_branches.create", ["id": .int(a), "name": "x", "allowed_to_push": [["user_id": 1, "access_level": 40]]], as: f.user("alice"))?.json
                == .object([("error", "allowed_to_push[0][access_level], allowed_to_push[0][user_id], allowed_to_push[0][group_id] are mutually exclusive")]))
        #expect(f.error("groups.protected_branches.create", ["id": .int(a)], as: f.user("alice"))?.json == .object([("error", "name is missing")]))
    }

    @Test func duplicateNameIs409AsByName() throws {
        let (f, a) = try setup()
        try f.run("groups.protected_branches.create", ["id": .int(a), "name": "release-main"], as: f.user("alice"))
        let e = f.error("groups.protected_branches.create", ["id": .int(a), "name": "release-main"], as: f.user("alice"))
        #expect(e?.status == 409)
        #expect(e?.json == .object([("message", "Protected branch 'release-main' already exists")]))
        // GitLab's by_name: "main" (3+ characters) matches release-main too.
        #expect(f.error("groups.protected_branches.create", ["id": .int(a), "name": "main"], as: f.user("alice"))?.status == 409)
        // Reading, changing and removing by name take the exact name only.
        #expect(f.error("groups.protected_branches.delete", ["id": .int(a), "name": "main"], as: f.user("alice")) == APIError.notFound("ProtectedBranch"))
        #expect(try f.body("groups.protected_branches.get", ["id": .int(a), "name": "Release-Main"], as: f.user("alice"))["name"] == "release-main")
    }

    @Test func subgroupsCannotHoldRules() throws {
        let (f, a) = try setup()
        let sub = try f.group("sub", parent: a, as: f.user("alice"))
        let e = f.error("groups.protected_branches.create", ["id": .int(sub), "name": "main"], as: f.user("alice"))
        #expect(e?.status == 422)
        #expect(e?.json == .object([("message", ["cannot be associated with a subgroup"])]))
    }

    @Test func permissions() throws {
        let (f, a) = try setup()
        try f.run("groups.protected_branches.create", ["id": .int(a), "name": "main"], as: f.user("alice"))
        #expect(f.error("groups.protected_branches.list", ["id": .int(a)], as: f.user("erin")) == APIError.notFound("Group"))
        #expect(f.error("groups.protected_branches.list", ["id": .int(a)], as: f.user("carol")) == APIError.forbidden())
        #expect(f.error("groups.protected_branches.create", ["id": .int(a), "name": "dev"], as: f.user("bob")) == APIError.forbidden())
        #expect(f.error("groups.protected_branches.create", ["id": .int(a), "name": "dev"], as: .anonymous) == APIError.unauthorized)
        #expect(try f.body("groups.protected_branches.list", ["id": .int(a)]).arrayValue?.count == 1)
        #expect(f.error("groups.protected_branches.get", ["id": .int(a), "name": "nope"], as: f.user("alice")) == APIError.notFound("ProtectedBranch"))
    }

    @Test func listSearchAndPagination() throws {
        let (f, a) = try setup()
        for name in ["main", "release/*", "develop"] {
            try f.run("groups.protected_branches.create", ["id": .int(a), "name": .string(name)], as: f.user("alice"))
        }
        let r = try f.run("groups.protected_branches.list", ["id": .int(a), "search": "rel", "per_page": 1], as: f.user("alice"))
        #expect(r.body?.arrayValue?.map { $0["name"]! } == ["release/*"])
        #expect(r.page?.total == 1)
        #expect(try f.body("groups.protected_branches.list", ["id": .int(a)], as: f.user("alice")).arrayValue?.count == 3)
    }

    @Test func patchAddsChangesAndDestroysEntries() throws {
        let (f, a) = try setup()
        let created = try f.body("groups.protected_branches.create", ["id": .int(a), "name": "main"], as: f.user("alice"))
        let pushId = created["push_access_levels"]!.arrayValue![0]["id"]!
        var b = try f.body("groups.protected_branches.update", ["id": .int(a), "name": "main", "allowed_to_push": [["access_level": 30]], "allow_force_push": true], as: f.user("alice"))
        #expect(b["push_access_levels"]!.arrayValue!.map { $0["access_level"]! } == [40, 30])
        #expect(b["allow_force_push"] == true)
        b = try f.body("groups.protected_branches.update", ["id": .int(a), "name": "main", "allowed_to_push": [["id": pushId, "access_level": 0]]], as: f.user("alice"))
        #expect(b["push_access_levels"]!.arrayValue![0]["access_level_description"] == "No one")
        b = try f.body("groups.protected_branches.update", ["id": .int(a), "name": "main", "allowed_to_push": [["id": pushId, "_destroy": true]]], as: f.user("alice"))
        #expect(b["push_access_levels"]!.arrayValue!.map { $0["access_level"]! } == [30])
        #expect(b["merge_access_levels"]!.arrayValue!.count == 1)
        let e = f.error("groups.protected_branches.update", ["id": .int(a), "name": "main", "allowed_to_push": [["id": 9999, "_destroy": true]]], as: f.user("alice"))
        #expect(e?.json == .object([("message", "404 Not found")]))
        let dup = f.error("groups.protected_branches.update", ["id": .int(a), "name": "main", "allowed_to_push": [["access_level": 30]]], as: f.user("alice"))
        #expect(dup?.json == .object([("message", ["Push access levels access level has already been taken"])]))
    }

    @Test func unprotectAnswersTheRuleAndAudits() throws {
        let (f, a) = try setup()
        let created = try f.body("groups.protected_branches.create", ["id": .int(a), "name": "main"], as: f.user("alice"))
        let r = try f.run("groups.protected_branches.delete", ["id": .int(a), "name": "main"], as: f.user("alice"))
        #expect(r.status == 200)
        #expect(r.body == created)
        #expect(f.error("groups.protected_branches.get", ["id": .int(a), "name": "main"], as: f.user("alice"))?.status == 404)
        let actions = try f.store.auditEvents().map(\.action)
        #expect(actions.contains("protected_branch.create") && actions.contains("protected_branch.destroy"))
    }

    @Test func wildcardMatching() {
        func rule(_ name: String) -> ProtectedBranchRule {
            ProtectedBranchRule(id: 1, groupId: 1, name: name, allowForcePush: false, codeOwnerApprovalRequired: false, entries: [])
        }
        #expect(rule("*-stable").matches("1-0-stable"))
        #expect(rule("*-stable").matches("-stable"))
        #expect(!rule("*-stable").matches("1-0-STABLE"))
        #expect(rule("release/*").matches("release/1/2"))
        #expect(!rule("release/*").matches("pre-release/1"))
        #expect(rule("a.b").matches("a.b") && !rule("a.b").matches("axb"))
        #expect(rule("feat*x*").matches("feature-x-y"))
    }

    @Test func accessQuery() throws {
        let (f, a) = try setup()
        try f.run("groups.protected_branches.create", ["id": .int(a), "name": "release/*", "push_access_level": 40, "merge_access_level": 30, "allow_force_push": true], as: f.user("alice"))
        try f.run("groups.protected_branches.create", ["id": .int(a), "name": "release/1.0", "push_access_level": 30], as: f.user("alice"))
        let bob = try f.body("groups.protected_branches.access", ["id": .int(a), "name": "release/1.0", "user_id": "bob"], as: f.user("alice"))
        #expect(bob["protected_branches"] == ["release/*", "release/1.0"])
        #expect(bob["push"] == true)        // the exact rule allows developers
        #expect(bob["merge"] == true)
        #expect(bob["force_push"] == false) // release/1.0 does not allow force push
        #expect(bob["unprotect"] == false)
        let bob2 = try f.body("groups.protected_branches.access", ["id": .int(a), "name": "release/2.0", "user_id": "bob"], as: f.user("bob"))
        #expect(bob2["push"] == false && bob2["merge"] == true)
        let carol = try f.body("groups.protected_branches.access", ["id": .int(a), "name": "release/2.0", "user_id": "carol"], as: f.user("alice"))
        #expect(carol["push"] == true && carol["force_push"] == true && carol["unprotect"] == true)
        let free = try f.body("groups.protected_branches.access", ["id": .int(a), "name": "feature", "user_id": "bob"], as: f.user("alice"))
        #expect(free["protected"] == false && free["push"] == true)
        #expect(f.error("groups.protected_branches.access", ["id": .int(a), "name": "main", "user_id": "carol"], as: f.user("bob")) == APIError.forbidden())
    }
}
