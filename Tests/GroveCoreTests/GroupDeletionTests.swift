import Foundation
import Testing
@testable import GroveCore

@Suite("groups.delete, restore and purge")
struct GroupDeletionTests {
    @Test func deleteMarksAndRenames() throws {
        let f = try Fixture()
        let g = try f.group("platform")
        let c = try f.group("api", parent: g)
        let r = try f.run("groups.delete", ["id": .int(g)])
        #expect(r.status == 202)
        #expect(r.body == .object([("message", "202 Accepted")]))
        let body = try f.body("groups.get", ["id": .int(g)])
        #expect(body["path"] == .string("platform-deletion_scheduled-\(g)"))
        #expect(body["marked_for_deletion_on"]?.stringValue?.count == 10)
        #expect(try f.body("groups.get", ["id": .int(c)])["full_path"] == .string("platform-deletion_scheduled-\(g)/api"))
        #expect(f.error("groups.delete", ["id": .int(g)])?.json == .object([("message", "Group has been already marked for deletion")]))
        // An ancestor is already marked: accepted, nothing changes.
        #expect(try f.run("groups.delete", ["id": .int(c)]).status == 202)
        #expect(try f.body("groups.get", ["id": .int(c)])["marked_for_deletion_on"] == .null)
        // The path is free again.
        #expect(try f.run("groups.create", ["name": "Platform", "path": "platform"]).status == 201)
    }

    @Test func restoreStripsSuffixOrAddsRandomOne() throws {
        let f = try Fixture()
        let g = try f.group("platform")
        #expect(f.error("groups.restore", ["id": .int(g)])?.json == .object([("message", "Group has not been marked for deletion")]))
        try f.run("groups.delete", ["id": .int(g)])
        let restored = try f.run("groups.restore", ["id": .int(g)])
        #expect(restored.status == 201)
        #expect(restored.body?["full_path"] == "platform")
        #expect(restored.body?["marked_for_deletion_on"] == .null)
        try f.run("groups.delete", ["id": .int(g)])
        try f.group("platform")
        let again = try f.body("groups.restore", ["id": .int(g)])
        #expect(again["path"]?.stringValue?.hasPrefix("platform-") == true)
        #expect(again["path"]?.stringValue?.count == "platform-".count + 5)
    }

    @Test func permanentlyRemoveOnlyMarkedSubgroups() throws {
        let f = try Fixture()
        let g = try f.group("platform")
        let c = try f.group("api", parent: g)
        try f.project("svc", in: c)
        #expect(f.error("groups.delete", ["id": .int(g), "permanently_remove": true, "full_path": "platform"])?.status == 400)
        #expect(f.error("groups.delete", ["id": .int(c), "permanently_remove": true, "full_path": "platform/api"])?.json == .object([("message", "400 Bad request - Group must be marked for deletion first.")]))
        try f.run("groups.delete", ["id": .int(c)])
        let marked = "platform/api-deletion_scheduled-\(c)"
        #expect(f.error("groups.delete", ["id": .int(c), "permanently_remove": true, "full_path": "platform/api"])?.status == 400)
        #expect(try f.run("groups.delete", ["id": .int(c), "permanently_remove": "true", "full_path": .string(marked)]).status == 202)
        #expect(f.error("groups.get", ["id": .int(c)]) == APIError.notFound("Group"))
        #expect(try f.body("groups.projects", ["id": .int(g), "include_subgroups": true]).arrayValue?.isEmpty == true)
    }

    @Test func pastRetentionGroupsArePurgedWithDescendantsAndProjects() throws {
        let f = try Fixture()
        let g = try f.group("platform")
        let c = try f.group("api", parent: g)
        try f.project("svc", in: c)
        let keep = try f.group("keep")
        try f.run("groups.delete", ["id": .int(g)])
        #expect(try f.store.purgeScheduledDeletions().isEmpty)
        let start = Date()
        f.store.now = { start.addingTimeInterval(8 * 86_400) }
        #expect(try f.store.purgeScheduledDeletions() == ["platform-deletion_scheduled-\(g)"])
        #expect(f.error("groups.get", ["id": .int(c)]) == APIError.notFound("Group"))
        #expect(try f.run("groups.get", ["id": .int(keep)]).status == 200)
        #expect(try f.store.auditEvents().contains { $0.action == "group.destroy" && $0.targetId == g })
    }

    @Test func permissions() throws {
        let f = try Fixture()
        let g = try f.group("platform", visibility: "internal")
        try f.add("bob", to: g, level: AccessLevel.maintainer)
        #expect(f.error("groups.delete", ["id": .int(g)], as: f.user("bob")) == APIError.forbidden())
        #expect(f.error("groups.delete", ["id": .int(g)], as: f.user("ext")) == APIError.notFound("Group"))
        #expect(f.error("groups.delete", ["id": .int(g)], as: .anonymous) == APIError.unauthorized)
        try f.run("groups.delete", ["id": .int(g)])
        #expect(f.error("groups.restore", ["id": .int(g)], as: f.user("bob")) == APIError.forbidden())
    }
}
