import Testing
@testable import GroveCore

@Suite("typed API and operation metadata")
struct TypedAPIAndMetadataTests {
    @Test func typedCallsGoThroughTheSameOperations() throws {
        let f = try Fixture()
        let api: any GroveAPI = f.store
        let top = try api.createGroup(CreateGroupRequest(name: "Platform", path: "platform", visibility: "internal"), as: .root)
        let sub = try api.createGroup(CreateGroupRequest(name: "API", path: "api", parent_id: .id(top.id)), as: .root)
        #expect(sub.full_path == "platform/api")
        #expect(sub.parent_id == top.id)
        #expect(sub.runners_token != nil)
        let page = try api.listGroups(ListGroupsRequest(search: "api"), as: .root)
        #expect(page.items.map(\.full_path) == ["platform/api"])
        #expect(page.page?.total == 1)
        let updated = try api.updateGroup(UpdateGroupRequest(id: "platform/api", description: "REST"), as: .root)
        #expect(updated.summary.description == "REST")
        let other = try api.createGroup(CreateGroupRequest(name: "Other", path: "other"), as: .root)
        #expect(try api.transferGroup(.id(sub.id), to: .id(other.id), as: .root).full_path == "other/api")
        #expect(try api.shareGroup("other", with: "platform", access: 30, as: .root).shared_with_groups.first?.group_full_path == "platform")
        try api.deleteGroup("other/api", as: .root)
        #expect(try api.group(.path("other/api-deletion_scheduled-\(sub.id)"), as: .root).summary.marked_for_deletion_on != nil)
        #expect(try api.restoreGroup(.id(sub.id), as: .root).full_path == "other/api")
        #expect(throws: APIError.notFound("Group")) { try api.group("platform", as: .anonymous) }
    }

    @Test func everySeedOperationIsRegisteredWithADescription() throws {
        let f = try Fixture()
        let names = Set(f.store.operations.map(\.name))
        for name in ["groups.list", "groups.subgroups", "groups.descendant_groups", "groups.get", "groups.avatar", "groups.create",
                     "groups.update", "groups.delete", "groups.restore", "groups.transfer", "groups.transfer_locations",
                     "groups.transfer_project", "groups.projects", "groups.shared_projects", "groups.share", "groups.unshare",
                     "groups.provisioned_users", "groups.users"] {
            #expect(names.contains(name), "\(name)")
        }
        for d in f.store.operations {
            #expect(!d.summary.isEmpty && d.path.hasPrefix("/"), "\(d.name)")
            #expect(Set(d.params.map(\.name)).count == d.params.count, "\(d.name) has duplicate params")
        }
        let create = f.store.registry["groups.create"]!.descriptor
        #expect(create.method == "POST" && create.path == "/groups" && create.successStatus == 201)
        #expect(create.param("name")?.required == true)
        #expect(create.param("visibility")?.type == .enumeration(["private", "internal", "public"]))
        #expect(create.json["params"]?.arrayValue?.first?["name"] == "name")
        let list = f.store.registry["groups.list"]!.descriptor
        #expect(list.param("per_page")?.type == .integer)
        #expect(list.param("cursor") != nil)
        #expect(f.store.registry["groups.delete"]!.descriptor.successStatus == 202)
        #expect(f.store.registry["groups.unshare"]!.descriptor.successStatus == 204)
    }

    @Test func parserCoercesAndReportsInGrapeWords() throws {
        let d = OperationRegistry.standard()["groups.list"]!.descriptor
        let p = try ParamParser.parse(["skip_groups": "1,2", "owned": "1", "min_access_level": "30", "marked_for_deletion_on": "2026-01-02"], for: d)
        #expect(p.intArray("skip_groups") == [1, 2])
        #expect(p.bool("owned") == true)
        #expect(p.int("min_access_level") == 30)
        #expect(throws: APIError.grape("marked_for_deletion_on is invalid")) { try ParamParser.parse(["marked_for_deletion_on": "yesterday"], for: d) }
        #expect(throws: APIError.grape("skip_groups is invalid")) { try ParamParser.parse(["skip_groups": "a,b"], for: d) }
        let users = OperationRegistry.standard()["groups.users"]!.descriptor
        #expect(users.params.contains { $0.name == "include_saml_users" })
    }
}
