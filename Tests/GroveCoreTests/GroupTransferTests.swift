import Testing
@testable import GroveCore

@Suite("groups.transfer, transfer_locations, transfer_project")
struct GroupTransferTests {
    @Test func transferUpdatesAllDescendantPaths() throws {
        let f = try Fixture()
        let a = try f.group("alpha", visibility: "public")
        let b = try f.group("beta", visibility: "public")
        let api = try f.group("api", parent: a, visibility: "public")
        let v1 = try f.group("v1", parent: api, visibility: "public")
        try f.project("svc", in: v1, visibility: "public")
        let r = try f.run("groups.transfer", ["id": .int(api), "group_id": .int(b)])
        #expect(r.status == 201)
        #expect(r.body?["full_path"] == "beta/api")
        #expect(try f.body("groups.get", ["id": .int(v1)])["full_path"] == "beta/api/v1")
        #expect(try f.body("groups.get", ["id": .int(v1)])["full_name"] == "Beta / Api / V1")
        #expect(try f.body("projects.get", ["id": "beta/api/v1/svc"])["name_with_namespace"] == "Beta / Api / V1 / svc")
        #expect(try f.body("groups.descendant_groups", ["id": .int(b)]).ids == [api, v1])
        #expect(try f.body("groups.descendant_groups", ["id": .int(a)]).ids == [])
        // To the top level.
        #expect(try f.body("groups.transfer", ["id": .int(api)])["full_path"] == "api")
        #expect(try f.body("groups.get", ["id": .int(v1)])["full_path"] == "api/v1")
    }

    @Test func failuresInGitLabOrder() throws {
        let f = try Fixture()
        let a = try f.group("alpha")
        let b = try f.group("beta")
        let api = try f.group("api", parent: a)
        let deep = try f.group("deep", parent: api)
        try f.group("api", parent: b)
        func message(_ params: JSONObject) -> JSONValue? { f.error("groups.transfer", params)?.json["message"] }
        #expect(message(["id": .int(a)]) == "400 Bad request - Transfer failed: Group is already a root group.")
        #expect(message(["id": .int(api), "group_id": .int(a)]) == "400 Bad request - Transfer failed: Group is already associated to the parent group.")
        #expect(message(["id": .int(api), "group_id": .int(b)]) == "400 Bad request - Transfer failed: The parent group already has a subgroup or a project with the same path.")
        #expect(message(["id": .int(a), "group_id": .int(deep)]) == "400 Bad request - Transfer failed: Cannot transfer group to one of its subgroup.")
        #expect(message(["id": .int(a), "group_id": .int(a)]) == "400 Bad request - Transfer failed: Cannot transfer group to one of its subgroup.")
        // A project with the same path in the target also clashes.
        let c = try f.group("gamma")
        try f.project("api", in: c)
        #expect(message(["id": .int(api), "group_id": .int(c)]) == "400 Bad request - Transfer failed: The parent group already has a subgroup or a project with the same path.")
    }

    @Test func permissions() throws {
        let f = try Fixture()
        let a = try f.group("alpha", as: f.user("alice"))
        let api = try f.group("api", parent: a, as: f.user("alice"))
        let b = try f.group("beta", visibility: "internal")
        // Owner of the group but no right to create subgroups in the target.
        #expect(f.error("groups.transfer", ["id": .int(api), "group_id": .int(b)], as: f.user("alice"))?.json["message"] == "400 Bad request - Transfer failed: You don't have enough permissions.")
        try f.add("alice", to: b, level: AccessLevel.maintainer)
        #expect(try f.run("groups.transfer", ["id": .int(api), "group_id": .int(b)], as: f.user("alice")).status == 201)
        try f.add("bob", to: b, level: AccessLevel.maintainer)
        #expect(f.error("groups.transfer", ["id": .int(api)], as: f.user("bob")) == APIError.forbidden())
        let secret = try f.group("secret")
        #expect(f.error("groups.transfer", ["id": .int(api), "group_id": .int(secret)], as: f.user("alice")) == APIError.notFound("Group"))
        #expect(f.error("groups.transfer", ["id": .int(api)], as: .anonymous) == APIError.unauthorized)
    }

    @Test func visibilityIsLoweredUnderAStricterParent() throws {
        let f = try Fixture()
        let pub = try f.group("pub", visibility: "public")
        let api = try f.group("api", parent: pub, visibility: "public")
        let v1 = try f.group("v1", parent: api, visibility: "internal")
        let p = try f.project("svc", in: api, visibility: "public")
        let priv = try f.group("priv")
        try f.run("groups.transfer", ["id": .int(api), "group_id": .int(priv)])
        #expect(try f.body("groups.get", ["id": .int(api)])["visibility"] == "private")
        #expect(try f.body("groups.get", ["id": .int(v1)])["visibility"] == "private")
        #expect(try f.body("projects.get", ["id": .int(p)])["visibility"] == "private")
        // Promotion to top level keeps the level.
        try f.run("groups.transfer", ["id": .int(api)])
        #expect(try f.body("groups.get", ["id": .int(api)])["visibility"] == "private")
    }

    @Test func transferLocations() throws {
        let f = try Fixture()
        let a = try f.group("alpha", as: f.user("alice"))
        let api = try f.group("api", parent: a, as: f.user("alice"))
        try f.group("inner", parent: api, as: f.user("alice"))
        let b = try f.group("beta")
        try f.add("alice", to: b, level: AccessLevel.maintainer)
        let c = try f.group("gamma", extra: [("subgroup_creation_level", "owner")])
        try f.add("alice", to: c, level: AccessLevel.maintainer)
        let body = try f.body("groups.transfer_locations", ["id": .int(api)], as: f.user("alice"))
        #expect(body.ids == [b])
        #expect(body.arrayValue?.first?.keys == ["id", "web_url", "name", "avatar_url", "full_name", "full_path"])
        try f.add("bob", to: a, level: AccessLevel.maintainer)
        #expect(f.error("groups.transfer_locations", ["id": .int(api)], as: f.user("bob")) == APIError.forbidden())
    }

    @Test func transferProjectIsAdminOnly() throws {
        let f = try Fixture()
        let a = try f.group("alpha", as: f.user("alice"))
        let b = try f.group("beta", as: f.user("alice"))
        let p = try f.project("svc", in: a, as: f.user("alice"))
        #expect(f.error("groups.transfer_project", ["id": .int(b), "project_id": .int(p)], as: f.user("alice")) == APIError.forbidden())
        let r = try f.run("groups.transfer_project", ["id": .int(b), "project_id": "alpha/svc"])
        #expect(r.status == 201)
        #expect(try f.body("projects.get", ["id": .int(p)])["path_with_namespace"] == "beta/svc")
        try f.project("svc", in: a)
        let e = f.error("groups.transfer_project", ["id": .int(b), "project_id": "alpha/svc"])
        #expect(e?.json["message"] == #"Failed to transfer project {:new_namespace=>["Project with same name or path in target namespace already exists"]}"#)
    }
}
