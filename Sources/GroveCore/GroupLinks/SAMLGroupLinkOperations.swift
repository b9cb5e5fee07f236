/// `ee/lib/api/saml_group_links.rb`: owners manage SAML group links; without
/// `admin_saml_group_links` the answer is 401.
enum SAMLGroupLinkOperations: OperationModule {
    static let id = GroupParams.id
    static let name = ParamSpec("saml_group_name", .string, required: true, "Name of a SAML group")
    static let provider = ParamSpec("provider", .string, "Unique provider name; needed when several links share the name")

    static func register(into registry: OperationRegistry) {
        registry.describe(module: "saml_links", "SAML group links")
        registry.add(OperationDescriptor("groups.saml_group_links.list", "GET", "/groups/:id/saml_group_links", lua: "saml_links.list", result: ResultShapes.samlLink, summary: "List SAML group links (Owner)", pagination: .unpaged, params: [id])) { ctx, p in
            let links = try SAMLGroupLinkService(ctx).list(try ctx.group(p["id"], may: .adminSAMLGroupLinks))
            return .ok(.array(try links.map(SAMLGroupLinkService.json)))
        }
        registry.add(OperationDescriptor("groups.saml_group_links.get", "GET", "/groups/:id/saml_group_links/:saml_group_name", lua: "saml_links.get", result: ResultShapes.samlLink, summary: "Get a SAML group link (Owner)",
                                         params: [id, name, provider])) { ctx, p in
            let group = try ctx.group(p["id"], may: .adminSAMLGroupLinks)
            let link = try SAMLGroupLinkService(ctx).find(group, name: try p.required.string("saml_group_name"), provider: p.string("provider"))
            return .ok(try SAMLGroupLinkService.json(link))
        }
        registry.add(OperationDescriptor("groups.saml_group_links.create", "POST", "/groups/:id/saml_group_links", lua: "saml_links.add", result: ResultShapes.samlLink, summary: "Add a SAML group link (Owner)", params: [
            id,
            ParamSpec("saml_group_name", .string, required: true, "Name of a SAML group"),
            ParamSpec("access_level", .integerEnumeration(AccessLevel.allValues), required: true, "Role (access_level) for members of the SAML group"),
            ParamSpec("member_role_id", .integer, "Member Role ID (member_role_id) for members of the SAML group"),
            provider,
        ])) { ctx, p in
            let group = try ctx.group(p["id"], may: .adminSAMLGroupLinks)
            let link = try SAMLGroupLinkService(ctx).create(group, name: try p.required.string("saml_group_name"), access: try p.required.int("access_level"),
                                                            memberRoleId: p.int("member_role_id"), provider: p.string("provider"))
            return .ok(try SAMLGroupLinkService.json(link), status: 201)
        }
        registry.add(OperationDescriptor("groups.saml_group_links.delete", "DELETE", "/groups/:id/saml_group_links/:saml_group_name", lua: "saml_links.delete", summary: "Delete a SAML group link (Owner)",
                                         success: 204, params: [id, name, provider])) { ctx, p in
            let group = try ctx.group(p["id"], may: .adminSAMLGroupLinks)
            let service = SAMLGroupLinkService(ctx)
            try service.delete(group, try service.find(group, name: try p.required.string("saml_group_name"), provider: p.string("provider")))
            return .noContent
        }
    }
}
