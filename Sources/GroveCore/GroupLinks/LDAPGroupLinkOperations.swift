/// `ee/lib/api/ldap_group_links.rb` and `POST /groups/:id/ldap_sync` (owners).
enum LDAPGroupLinkOperations: OperationModule {
    static let id = GroupParams.id
    static func register(into registry: OperationRegistry) {
        registry.describe(module: "ldap_links", "LDAP group links and sync")
        registry.add(OperationDescriptor("groups.ldap_group_links.list", "GET", "/groups/:id/ldap_group_links", lua: "ldap_links.list", result: ResultShapes.ldapLink, summary: "List LDAP group links (Owner)", pagination: .unpaged, params: [id])) { ctx, p in
            let links = try LDAPGroupLinkService(ctx).list(try ctx.group(p["id"], may: .adminLDAPGroupLinks))
            return .ok(.array(try links.map(LDAPGroupLinkService.json)))
        }
        registry.add(OperationDescriptor("groups.ldap_group_links.create", "POST", "/groups/:id/ldap_group_links", lua: "ldap_links.add", result: ResultShapes.ldapLink, summary: "Add an LDAP group link with a CN or a filter (Owner)",
                                         exactlyOneOf: [["cn", "filter"]], params: [
            id,
            ParamSpec("cn", .string, "The CN of an LDAP group"),
            ParamSpec("filter", .string, "The LDAP filter for the group"),
            ParamSpec("group_access", .integerEnumeration(AccessLevel.allValues), required: true, "Role (access_level) for members of the LDAP group"),
            ParamSpec("provider", .string, required: true, "LDAP provider for the LDAP group link"),
        ])) { ctx, p in
            let group = try ctx.group(p["id"], may: .adminLDAPGroupLinks)
            let (column, value) = try p.required.oneOf(["cn", "filter"])
            let link = try LDAPGroupLinkService(ctx).create(group, column: column, value: value, provider: try p.required.string("provider"),
                                                            access: try p.required.int("group_access"))
            return .ok(try LDAPGroupLinkService.json(link), status: 201)
        }
        let deleteParams = [
            ParamSpec("cn", .string, "The CN of an LDAP group"), ParamSpec("filter", .string, "The LDAP filter for the group"),
            ParamSpec("provider", .string, required: true, "LDAP provider for the LDAP group link"),
        ]
        registry.add(OperationDescriptor("groups.ldap_group_links.delete", "DELETE", "/groups/:id/ldap_group_links", lua: "ldap_links.delete",
                                         summary: "Delete an LDAP group link by CN or filter for a provider (Owner)", success: 204,
                                         exactlyOneOf: [["cn", "filter"]], params: [id] + deleteParams)) { ctx, p in
            let group = try ctx.group(p["id"], may: .adminLDAPGroupLinks)
            let (column, value) = try p.required.oneOf(["cn", "filter"])
            try LDAPGroupLinkService(ctx).remove(group, column: column, value: value, provider: p.string("provider"))
            return .noContent
        }
        registry.add(OperationDescriptor("groups.ldap_group_links.delete_cn", "DELETE", "/groups/:id/ldap_group_links/:cn", lua: "ldap_links.delete_cn",
                                         summary: "Delete an LDAP group link by CN, any provider (Owner; deprecated)", success: 204, params: [
            id, ParamSpec("cn", .string, required: true, "The CN of an LDAP group"),
            ParamSpec("provider", .string, "LDAP provider (DELETE /ldap_group_links/:provider/:cn)"),
        ])) { ctx, p in
            let group = try ctx.group(p["id"], may: .adminLDAPGroupLinks)
            try LDAPGroupLinkService(ctx).remove(group, column: "cn", value: try p.required.string("cn"), provider: p.string("provider"))
            return .noContent
        }
        registry.add(OperationDescriptor("groups.ldap_sync", "POST", "/groups/:id/ldap_sync", lua: "ldap_links.sync", result: ResultShapes.message, summary: "Sync the group with its linked LDAP groups (Owner; LDAP enabled in settings)", success: 202, params: [id])) { ctx, p in
            // `not_found! unless Gitlab::Auth::Ldap::Config.group_sync_enabled?`, before the group is looked up.
            guard try ctx.settings.ldapEnabled else { throw APIError.notFound() }
            let group = try ctx.group(p["id"], may: .adminGroup)
            let links = try LDAPGroupLinkService(ctx).count(group)
            try ctx.audit("group.ldap_sync", "Group", id: group.id, path: group.fullPath, changes: [.init(attribute: "ldap_group_links", old: .null, new: .int(links))])
            return .accepted
        }
    }
}
