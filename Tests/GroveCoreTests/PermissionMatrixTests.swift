import Testing
@testable import GroveCore

/// Every operation on a private group, for every kind of caller: anonymous, a signed-in
/// non-member, Guest … Owner (through a membership of the parent, so inherited), and an
/// instance administrator. Invisible means 404, visible without the role means 403.
@Suite("permission matrix")
struct PermissionMatrixTests {
    enum Role: String, CaseIterable, CustomTestStringConvertible {
        case anonymous, nonMember, guest, reporter, developer, maintainer, owner, admin
        var testDescription: String { rawValue }
        var level: Int64? {
            switch self {
            case .guest: return AccessLevel.guest
            case .reporter: return AccessLevel.reporter
            case .developer: return AccessLevel.developer
            case .maintainer: return AccessLevel.maintainer
            case .owner: return AccessLevel.owner
            default: return nil
            }
        }
    }

    struct World {
        let f: Fixture
        let top: Int64, team: Int64, other: Int64, project: Int64
        let actor: Actor
    }

    /// `top` (private) > `team` (private, the target); `other` is public; the role is held
    /// on `top`, so every level below is inherited.
    func world(_ role: Role) throws -> World {
        let f = try Fixture()
        let top = try f.group("top")
        let team = try f.group("team", parent: top)
        let other = try f.group("other", visibility: "public")
        let project = try f.project("svc", in: other)
        try f.group("third", visibility: "public")
        try f.run("groups.share", ["id": .int(team), "group_id": .int(other), "group_access": 20])
        try f.run("users.create", ["username": "prov", "email": "prov@example.com", "provisioned_by_group_id": .int(team)])
        if let level = role.level { try f.add("alice", to: top, level: level) }
        let actor: Actor = switch role {
        case .anonymous: .anonymous
        case .admin: .root
        default: .username("alice")
        }
        return World(f: f, top: top, team: team, other: other, project: project, actor: actor)
    }

    /// The status an operation answers, or the error status it throws.
    func status(_ w: World, _ op: String, _ params: JSONObject) -> Int {
        do { return try w.f.store.perform(op, params: params, as: w.actor).status } catch let e as APIError { return e.status } catch { return -1 }
    }

    /// Expected statuses in Role.allCases order.
    func check(_ op: String, _ expected: [Int], setUp: (World) throws -> Void = { _ in }, _ params: (World) -> JSONObject) throws {
        for (role, want) in zip(Role.allCases, expected) {
            let w = try world(role)
            try setUp(w)
            #expect(status(w, op, params(w)) == want, "\(op) as \(role.rawValue)")
        }
    }

    //                                anon nonm guest rep  dev  main own  admin
    @Test func read() throws {
        try check("groups.get",              [404, 404, 200, 200, 200, 200, 200, 200]) { ["id": .int($0.team)] }
        try check("groups.subgroups",        [404, 404, 200, 200, 200, 200, 200, 200]) { ["id": .int($0.top)] }
        try check("groups.descendant_groups", [404, 404, 200, 200, 200, 200, 200, 200]) { ["id": .int($0.top)] }
        try check("groups.projects",         [404, 404, 200, 200, 200, 200, 200, 200]) { ["id": .int($0.team)] }
        try check("groups.shared_projects",  [404, 404, 200, 200, 200, 200, 200, 200]) { ["id": .int($0.team)] }
    }

    @Test func adminOfTheGroup() throws {
        try check("groups.update",           [401, 404, 403, 403, 403, 403, 200, 200]) { ["id": .int($0.team), "description": "x"] }
        try check("groups.delete",           [401, 404, 403, 403, 403, 403, 202, 202]) { ["id": .int($0.team)] }
        try check("groups.restore",          [401, 404, 403, 403, 403, 403, 201, 201], setUp: { try $0.f.run("groups.delete", ["id": .int($0.team)]) }) { ["id": .int($0.team)] }
        try check("groups.transfer",         [401, 404, 403, 403, 403, 403, 201, 201]) { ["id": .int($0.team)] }
        try check("groups.transfer_locations", [404, 404, 403, 403, 403, 403, 200, 200]) { ["id": .int($0.team)] }
        try check("groups.share",            [401, 404, 403, 403, 403, 403, 201, 201]) { ["id": .int($0.team), "group_id": "third", "group_access": 10] }
        try check("groups.unshare",          [401, 404, 204, 204, 204, 204, 204, 204]) { ["id": .int($0.team), "group_id": .int($0.other)] }
        try check("groups.members.add",      [401, 404, 403, 403, 403, 403, 201, 201]) { ["id": .int($0.team), "user_id": "bob", "access_level": 30] }
        try check("groups.users",            [404, 404, 403, 403, 403, 403, 200, 200]) { ["id": .int($0.team), "include_saml_users": true] }
    }

    @Test func subgroupsAndRolesBelowOwner() throws {
        // subgroup_creation_level defaults to maintainer.
        try check("groups.create",           [401, 404, 403, 403, 403, 201, 201, 201]) { ["name": "Fresh", "path": "fresh", "parent_id": .int($0.team)] }
        try check("groups.provisioned_users", [404, 404, 403, 403, 403, 200, 200, 200]) { ["id": .int($0.team)] }
        try check("projects.create",         [401, 404, 403, 403, 201, 201, 201, 201]) { ["name": "web", "namespace_id": .int($0.team)] }
    }

    /// One row per ability of the group policy table (GroupPolicy.swift), each with the
    /// refusal GitLab's endpoint gives: 403, a bare 404 (push rules), 401 (SAML links,
    /// security settings), 403 even for an invisible group (LDAP links' `find_group`).
    /// Anonymous writes are 401 before any of them (the API authenticates every write).
    @Test func groupPolicyAbilities() throws {
        try check("groups.protected_branches.list", [404, 404, 403, 403, 403, 403, 200, 200]) { ["id": .int($0.team)] }
        try check("groups.hooks.list",       [401, 404, 403, 403, 403, 403, 200, 200]) { ["id": .int($0.team)] }
        try check("groups.service_accounts.list", [401, 404, 403, 403, 403, 403, 200, 200]) { ["id": .int($0.team)] }
        try check("groups.push_rule.create", [401, 404, 404, 404, 404, 201, 201, 201]) { ["id": .int($0.team), "deny_delete_tag": true] }
        try check("groups.ldap_group_links.create", [401, 403, 403, 403, 403, 403, 201, 201]) {
            ["id": .int($0.team), "cn": "devs", "group_access": 30, "provider": "ldapmain"]
        }
        try check("groups.saml_group_links.list", [404, 404, 401, 401, 401, 401, 200, 200]) { ["id": .int($0.team)] }
        try check("groups.security_settings.update", [401, 404, 401, 401, 401, 200, 200, 200]) {
            ["id": .int($0.team), "secret_push_protection_enabled": true]
        }
    }

    @Test func instanceAdministratorsOnly() throws {
        try check("groups.transfer_project", [401, 404, 403, 403, 403, 403, 403, 201]) { ["id": .int($0.team), "project_id": .int($0.project)] }
        try check("groups.custom_attributes.set", [401, 403, 403, 403, 403, 403, 403, 200]) { ["id": .int($0.other), "key": "k", "value": "v"] }
        try check("audit_events.list",       [403, 403, 403, 403, 403, 403, 403, 200]) { _ in [:] }
        try check("users.create",            [401, 403, 403, 403, 403, 403, 403, 201]) { _ in ["username": "zed", "email": "zed@example.com"] }
    }
}
