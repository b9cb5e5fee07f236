import Foundation
import Testing
@testable import GroveCore

/// GitLab's `last_owner` (`GroupMemberPolicy`): a group keeps an owner who can act.
@Suite("a group keeps an owner")
struct LastOwnerTests {
    @Test("an owner whose membership expired, or who is blocked, does not stand in for the last one")
    func expiredAndBlockedOwnersDoNotCount() throws {
        let f = try Fixture()
        let solo = try f.group("solo")  // root is its owner
        try f.run("groups.members.add", ["id": .int(solo), "user_id": "alice", "access_level": 50, "expires_at": "2099-01-01"])
        try f.add("bob", to: solo, level: AccessLevel.owner)
        try f.run("users.update", ["id": "bob", "state": "blocked"])
        let start = Date()
        f.store.now = { Date(timeIntervalSince1970: 4_102_444_800 + 86_400 * 400) } // 2101: alice's membership has expired
        #expect(f.error("groups.members.remove", ["id": .int(solo), "user_id": "root"])?.status == 403)
        #expect(f.error("groups.members.update", ["id": .int(solo), "user_id": "root", "access_level": 30])?.status == 403)
        f.store.now = { start }
        // While alice's membership lasts she is an owner, and root may go.
        #expect(try f.run("groups.members.remove", ["id": .int(solo), "user_id": "root"]).status == 204)
        #expect(f.error("groups.members.remove", ["id": .int(solo), "user_id": "alice"])?.status == 403)
        // bob, blocked, may go: alice is an active owner.
        #expect(try f.run("groups.members.remove", ["id": .int(solo), "user_id": "bob"]).status == 204)
    }

    @Test("when every owner is blocked, the last of them stays")
    func theLastBlockedOwnerStays() throws {
        let f = try Fixture()
        let solo = try f.group("solo")
        try f.add("bob", to: solo, level: AccessLevel.owner)
        try f.run("groups.members.remove", ["id": .int(solo), "user_id": "root"])
        try f.run("users.update", ["id": "bob", "state": "blocked"])
        #expect(f.error("groups.members.remove", ["id": .int(solo), "user_id": "bob"])?.status == 403)
    }
}
