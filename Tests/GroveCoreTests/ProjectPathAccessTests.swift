import Foundation
import Testing
@testable import GroveCore

/// GroupPolicy's `has_projects`: a caller who can reach a project in a group's subtree may
/// read the group; and GroupsFinder lists the ancestors of the caller's groups.
@Suite("group read through projects, listed ancestors")
struct ProjectPathAccessTests {
    @Test func ancestorsOfAGrantedGroupHoldingProjectsAreReadable() throws {
        let f = try Fixture()
        let top = try f.group("top")
        let withProject = try f.group("apps", parent: top)
        let deeper = try f.group("deeper", parent: withProject)
        try f.project("api", in: deeper)
        try f.add("alice", to: withProject, level: AccessLevel.guest)
        // The project sits two levels below the top group: both ancestors open up.
        #expect(try f.body("groups.get", ["id": .int(top)], as: f.user("alice"))["id"] == .int(top))
        #expect(try f.body("groups.get", ["id": .int(withProject)], as: f.user("alice"))["id"] == .int(withProject))
        // A sibling stays closed.
        let sibling = try f.group("ops", parent: top)
        #expect(f.error("groups.get", ["id": .int(sibling)], as: f.user("alice"))?.status == 404)
    }

    @Test func aGrantedGroupWithoutProjectsOpensNoAncestorButListsThem() throws {
        let f = try Fixture()
        let top = try f.group("top")
        let sub = try f.group("sub", parent: top)
        try f.add("bob", to: sub, level: AccessLevel.developer)
        #expect(f.error("groups.get", ["id": .int(top)], as: f.user("bob"))?.status == 404)
        // GroupsFinder: authorized_groups.self_and_ancestors, with or without all_available.
        #expect(Set(try f.body("groups.list", [:], as: f.user("bob")).ids) == [top, sub])
        #expect(Set(try f.body("groups.list", ["all_available": true], as: f.user("bob")).ids) == [top, sub])
        // owned and min_access_level list memberships only.
        #expect(try f.body("groups.list", ["min_access_level": 10], as: f.user("bob")).ids == [sub])
        // Once the subgroup holds a project, the top group is readable.
        try f.project("svc", in: sub)
        #expect(try f.body("groups.get", ["id": .int(top)], as: f.user("bob"))["id"] == .int(top))
    }

    @Test func aProjectSharedWithTheCallersGroupOpensItsGroupChain() throws {
        let f = try Fixture()
        let vendor = try f.group("vendor")
        let inner = try f.group("inner", parent: vendor)
        let other = try f.group("other", parent: vendor)
        let project = try f.project("lib", in: inner)
        let team = try f.group("team")
        try f.add("carol", to: team, level: AccessLevel.developer)
        #expect(f.error("groups.get", ["id": .int(vendor)], as: f.user("carol"))?.status == 404)
        try f.run("projects.share", ["id": .int(project), "group_id": .int(team), "group_access": 20, "expires_at": "2099-01-01"])
        #expect(try f.body("groups.get", ["id": .int(vendor)], as: f.user("carol"))["id"] == .int(vendor))
        #expect(try f.body("groups.get", ["id": .int(inner)], as: f.user("carol"))["id"] == .int(inner))
        #expect(f.error("groups.get", ["id": .int(other)], as: f.user("carol"))?.status == 404)
        #expect(Set(try f.body("groups.list", [:], as: f.user("carol")).ids) == [team, vendor, inner])
        #expect(try f.body("groups.subgroups", ["id": .int(vendor)], as: f.user("carol")).ids == [inner])
        // Anyone else still gets 404.
        #expect(f.error("groups.get", ["id": .int(vendor)], as: f.user("dave"))?.status == 404)
        // An expired share opens nothing.
        f.store.now = { Date(timeIntervalSince1970: 4_102_444_800 + 86_400 * 400) } // 2101
        #expect(f.error("groups.get", ["id": .int(vendor)], as: f.user("carol"))?.status == 404)
        #expect(try f.body("groups.list", [:], as: f.user("carol")).ids == [team])
    }

    /// A project shared with the caller's group gives the share's access, in a page of
    /// projects (whose shares are read once for the page) as in the project alone, and
    /// stops giving it when the share expires.
    @Test func aShareGivesItsAccessInAPageOfProjectsUntilItExpires() throws {
        let f = try Fixture()
        let vendor = try f.group("vendor", visibility: "public")
        let project = try f.project("lib", in: vendor, visibility: "internal")
        try f.project("other", in: vendor, visibility: "internal")
        let team = try f.group("team")
        try f.add("carol", to: team, level: AccessLevel.maintainer)
        try f.run("projects.share", ["id": .int(project), "group_id": .int(team), "group_access": 40, "expires_at": "2099-01-01"])
        func maintainerFields(_ entity: JSONValue?) -> Bool { entity?["ci_default_git_depth"] != nil }
        func listed() throws -> [Int64: JSONValue] {
            let page = try f.body("groups.projects", ["id": .int(vendor)], as: f.user("carol")).arrayValue ?? []
            return Dictionary(uniqueKeysWithValues: page.map { ($0["id"]?.intValue ?? 0, $0) })
        }
        var page = try listed()
        #expect(page.count == 2)
        #expect(maintainerFields(page[project]), "the share makes carol a maintainer of lib")
        #expect(!maintainerFields(page.values.first { $0["path"] == "other" }), "and of nothing else")
        #expect(maintainerFields(try f.body("projects.get", ["id": .int(project)], as: f.user("carol"))))
        f.store.now = { Date(timeIntervalSince1970: 4_102_444_800 + 86_400 * 400) } // 2101
        page = try listed()
        #expect(page.count == 2, "internal projects stay readable")
        #expect(!maintainerFields(page[project]), "an expired share gives no access")
        #expect(!maintainerFields(try f.body("projects.get", ["id": .int(project)], as: f.user("carol"))))
    }

    /// A group shared with the caller's group is a grant like a membership: its projects
    /// open its ancestors too.
    @Test func aSharedGroupWithProjectsOpensItsAncestors() throws {
        let f = try Fixture()
        let org = try f.group("org")
        let shared = try f.group("shared", parent: org)
        try f.project("tool", in: shared)
        let team = try f.group("team")
        try f.add("erin", to: team, level: AccessLevel.developer)
        #expect(f.error("groups.get", ["id": .int(org)], as: f.user("erin"))?.status == 404)
        try f.run("groups.share", ["id": .int(shared), "group_id": .int(team), "group_access": 10])
        #expect(try f.body("groups.get", ["id": .int(shared)], as: f.user("erin"))["id"] == .int(shared))
        #expect(try f.body("groups.get", ["id": .int(org)], as: f.user("erin"))["id"] == .int(org))
        #expect(Set(try f.body("groups.list", [:], as: f.user("erin")).ids) == [team, org, shared])
    }
}

