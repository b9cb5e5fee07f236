import Testing
@testable import GroveCore

@Suite("GET /groups/:id/members/:user_id")
struct MemberGetTests {
    @Test("a direct member by id or username; an inherited or unknown one is 404; private groups stay hidden")
    func directMembers() throws {
        let f = try Fixture()
        let platform = try f.group("platform")
        let api = try f.group("api", parent: platform)
        try f.add("alice", to: platform, level: AccessLevel.maintainer)
        let byName = try f.body("groups.members.get", ["id": .int(platform), "user_id": "alice"])
        #expect(byName["username"] == "alice")
        #expect(byName["access_level"] == .int(AccessLevel.maintainer))
        let byId = try f.body("groups.members.get", ["id": "platform", "user_id": byName["id"] ?? .null])
        #expect(byId == byName)
        // Inherited membership is not a direct one (members.find_by! on the group's own members).
        #expect(f.error("groups.members.get", ["id": .int(api), "user_id": "alice"]) == APIError.api("404 Not found", status: 404))
        #expect(f.error("groups.members.get", ["id": .int(platform), "user_id": "bob"]) == APIError.api("404 Not found", status: 404))
        #expect(f.error("groups.members.get", ["id": .int(platform), "user_id": "alice"], as: f.user("bob")) == APIError.notFound("Group"))
        #expect(try f.body("groups.members.get", ["id": .int(platform), "user_id": "alice"], as: f.user("alice"))["username"] == "alice")
    }
}
