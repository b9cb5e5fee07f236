import Testing
@testable import GroveCore

@Suite("LDAP and SAML group links")
struct GroupLinkTests {
    func setup() throws -> (Fixture, Int64) {
        try Fixture.withAlpha()
    }

    @Test func ldapLinks() throws {
        let (f, a) = try setup()
        #expect(f.error("groups.ldap_group_links.list", ["id": .int(a)], as: f.user("alice"))?.json == .object([("message", "No linked LDAP groups found")]))
        let r = try f.run("groups.ldap_group_links.create", ["id": .int(a), "cn": "devs", "group_access": 30, "provider": "ldapmain"], as: f.user("alice"))
        #expect(r.status == 201)
        #expect(r.body == .object([("cn", "devs"), ("group_access", 30), ("provider", "ldapmain"), ("filter", nil)]))
        try f.run("groups.ldap_group_links.create", ["id": .int(a), "filter": "(ou=ops)", "group_access": 20, "provider": "ldapmain"], as: f.user("alice"))
        #expect(f.error("groups.ldap_group_links.create", ["id": .int(a), "cn": "devs", "group_access": 30, "provider": "ldapmain"], as: f.user("alice"))?.json
                == .object([("message", "Cn has already been taken")]))
        #expect(f.error("groups.ldap_group_links.create", ["id": .int(a), "cn": "x", "filter": "(a=b)", "group_access": 30, "provider": "p"], as: f.user("alice"))?.json
                == .object([("error", "cn, filter are mutually exclusive")]))
        #expect(f.error("groups.ldap_group_links.create", ["id": .int(a), "group_access": 30, "provider": "p"], as: f.user("alice"))?.json
                == .object([("error", "cn, filter are missing, exactly one parameter must be provided")]))
        #expect(f.error("groups.ldap_group_links.create", ["id": .int(a), "cn": "x", "group_access": 31, "provider": "p"], as: f.user("alice"))?.status == 400)
        #expect(try f.body("groups.ldap_group_links.list", ["id": .int(a)], as: f.user("alice")).arrayValue?.count == 2)
        #expect(try f.run("groups.ldap_group_links.delete", ["id": .int(a), "filter": "(ou=ops)", "provider": "ldapmain"], as: f.user("alice")).status == 204)
        #expect(try f.run("groups.ldap_group_links.delete_cn", ["id": .int(a), "cn": "devs"], as: f.user("alice")).status == 204)
        #expect(f.error("groups.ldap_group_links.delete_cn", ["id": .int(a), "cn": "devs"], as: f.user("alice"))?.json == .object([("message", "Linked LDAP group not found")]))
        // Without LDAP configured (a fresh GitLab's state) the sync is 404, before the group is looked up.
        #expect(f.error("groups.ldap_sync", ["id": .int(a)], as: f.user("alice")) == APIError.notFound())
        #expect(f.error("groups.ldap_sync", ["id": 9999], as: f.user("carol")) == APIError.notFound())
        _ = try f.run("settings.update", ["ldap_enabled": true])
        #expect(try f.run("groups.ldap_sync", ["id": .int(a)], as: f.user("alice")).status == 202)
        // find_group without the bang: unreadable and insufficient both answer 403.
        #expect(f.error("groups.ldap_group_links.list", ["id": .int(a)], as: f.user("erin")) == APIError.forbidden())
        #expect(f.error("groups.ldap_group_links.list", ["id": .int(a)], as: f.user("carol")) == APIError.forbidden())
        #expect(f.error("groups.ldap_group_links.list", ["id": 9999], as: f.user("carol")) == APIError.forbidden())
        #expect(f.error("groups.ldap_sync", ["id": .int(a)], as: f.user("carol")) == APIError.forbidden())
        #expect(try f.store.auditEvents().contains { $0.action == "ldap_group_link.create" })
    }

    @Test func samlLinks() throws {
        let (f, a) = try setup()
        let r = try f.run("groups.saml_group_links.create", ["id": .int(a), "saml_group_name": "saml-group-1", "access_level": 10, "member_role_id": 12], as: f.user("alice"))
        #expect(r.status == 201)
        #expect(r.body?.keys == ["name", "access_level", "member_role_id", "provider"])
        #expect(r.body?["name"] == "saml-group-1" && r.body?["member_role_id"] == 12)
        #expect(f.error("groups.saml_group_links.create", ["id": .int(a), "saml_group_name": "saml-group-1", "access_level": 10], as: f.user("alice"))?.json
                == .object([("message", "Saml group name has already been taken")]))
        #expect(try f.body("groups.saml_group_links.get", ["id": .int(a), "saml_group_name": "saml-group-1"], as: f.user("alice"))["access_level"] == 10)
        try f.run("groups.saml_group_links.create", ["id": .int(a), "saml_group_name": "saml-group-1", "access_level": 20, "provider": "okta"], as: f.user("alice"))
        #expect(f.error("groups.saml_group_links.get", ["id": .int(a), "saml_group_name": "saml-group-1"], as: f.user("alice"))?.status == 422)
        #expect(try f.body("groups.saml_group_links.get", ["id": .int(a), "saml_group_name": "saml-group-1", "provider": "okta"], as: f.user("alice"))["access_level"] == 20)
        #expect(try f.body("groups.saml_group_links.list", ["id": .int(a)], as: f.user("alice")).arrayValue?.count == 2)
        #expect(try f.run("groups.saml_group_links.delete", ["id": .int(a), "saml_group_name": "saml-group-1", "provider": "okta"], as: f.user("alice")).status == 204)
        #expect(f.error("groups.saml_group_links.get", ["id": .int(a), "saml_group_name": "nope"], as: f.user("alice"))?.status == 404)
        #expect(f.error("groups.saml_group_links.list", ["id": .int(a)], as: f.user("carol")) == APIError.unauthorized)
        #expect(f.error("groups.saml_group_links.list", ["id": .int(a)], as: f.user("erin")) == APIError.notFound("Group"))
    }
}
