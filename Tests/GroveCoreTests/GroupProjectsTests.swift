import Testing
@testable import GroveCore

@Suite("groups.projects and shared_projects")
struct GroupProjectsTests {
    @Test func filtersAndOrders() throws {
        let f = try Fixture()
        let g = try f.group("alpha", visibility: "public")
        let sub = try f.group("sub", parent: g, visibility: "public")
        let web = try f.project("web", in: g, visibility: "public", extra: [("topics", ["ruby", "web"])])
        let api = try f.project("api", in: g, visibility: "internal", extra: [("issues_enabled", false)])
        let deep = try f.project("deep", in: sub, visibility: "public")
        try f.run("projects.update", ["id": .int(api), "archived": true])
        #expect(try f.body("groups.projects", ["id": .int(g)]).ids == [api, web], "created_at desc")
        #expect(try f.body("groups.projects", ["id": .int(g), "include_subgroups": true]).ids == [deep, api, web])
        #expect(try f.body("groups.projects", ["id": .int(g), "archived": false]).ids == [web])
        #expect(try f.body("groups.projects", ["id": .int(g), "visibility": "internal"]).ids == [api])
        #expect(try f.body("groups.projects", ["id": .int(g), "topic": "ruby"]).ids == [web])
        #expect(try f.body("groups.projects", ["id": .int(g), "with_issues_enabled": true]).ids == [web])
        #expect(try f.body("groups.projects", ["id": .int(g), "search": "we"]).ids == [web])
        #expect(try f.body("groups.projects", ["id": .int(g), "order_by": "name", "sort": "asc"]).ids == [api, web])
        #expect(try f.body("groups.projects", ["id": .int(g)], as: .anonymous).ids == [web])
        try f.run("projects.star", ["id": .int(web)], as: f.user("alice"))
        #expect(try f.body("groups.projects", ["id": .int(g), "starred": true], as: f.user("alice")).ids == [web])
        #expect(try f.body("groups.projects", ["id": .int(g), "order_by": "star_count"]).ids.first == web)
        let simple = try f.body("groups.projects", ["id": .int(g), "simple": true]).arrayValue![0]
        #expect(simple["archived"] == nil && simple["namespace"]?["full_path"] == "alpha")
    }

    @Test func sharedProjects() throws {
        let f = try Fixture()
        let a = try f.group("alpha")
        let b = try f.group("beta", as: f.user("alice"))
        let p = try f.project("svc", in: a)
        try f.run("projects.share", ["id": .int(p), "group_id": .int(b), "group_access": 30])
        #expect(try f.body("groups.shared_projects", ["id": .int(b)], as: f.user("alice")).ids == [p])
        #expect(try f.body("groups.projects", ["id": .int(b)], as: f.user("alice")).ids == [p], "with_shared defaults to true")
        #expect(try f.body("groups.projects", ["id": .int(b), "with_shared": false], as: f.user("alice")).ids == [])
        #expect(try f.body("groups.projects", ["id": .int(b), "min_access_level": 30], as: f.user("alice")).ids == [p])
        #expect(try f.body("groups.projects", ["id": .int(b), "min_access_level": 40], as: f.user("alice")).ids == [])
        // Alice reads the private project through the share.
        #expect(try f.body("projects.get", ["id": .int(p)], as: f.user("alice"))["shared_with_groups"]?.arrayValue?.first?["group_id"] == .int(b))
    }

    @Test func projectRules() throws {
        let f = try Fixture()
        let g = try f.group("alpha", visibility: "internal")
        #expect(f.error("projects.create", ["name": "x", "path": "xx", "namespace_id": .int(g), "visibility": "public"])?.fieldErrors["visibility_level"] == ["public is not allowed in a internal group."])
        try f.add("carol", to: g, level: AccessLevel.developer)
        try f.add("dave", to: g, level: AccessLevel.reporter)
        #expect(try f.run("projects.create", ["name": "web", "namespace_id": .int(g)], as: f.user("carol")).status == 201)
        #expect(f.error("projects.create", ["name": "api", "namespace_id": .int(g)], as: f.user("dave")) == APIError.forbidden())
        #expect(f.error("projects.create", ["name": "web", "namespace_id": .int(g)])?.fieldErrors["path"] == ["has already been taken"])
        try f.group("sub", parent: g)
        #expect(f.error("projects.create", ["name": "sub", "namespace_id": .int(g)])?.fieldErrors["path"] == ["has already been taken"])
        #expect(f.error("projects.update", ["id": "alpha/web", "archived": true], as: f.user("carol")) == APIError.forbidden())
        #expect(f.error("projects.update", ["id": "alpha/web", "repository_size": 1], as: f.user("alice"))?.status == 404)
    }

    @Test func starringIsAuditedOnce() throws {
        let f = try Fixture()
        let g = try f.group("alpha", visibility: "public")
        let p = try f.project("web", in: g, visibility: "public")
        #expect(try f.run("projects.star", ["id": .int(p)], as: f.user("alice")).status == 201)
        #expect(try f.run("projects.star", ["id": .int(p)], as: f.user("alice")).status == 304)
        #expect(try f.body("projects.get", ["id": .int(p)])["star_count"] == 1)
        #expect(try f.store.auditEvents().filter { $0.action == "project.star" }.map(\.actorUsername) == ["alice"])
    }
}
