/// Lua names for core operations whose core name follows the REST path rather than
/// the section titles of GitLab's docs: `branches.protect` reads like "Protect a
/// branch", `groups.protected_branches.create` like a URL. One table, so a reader
/// of GitLab's docs can guess every function; unmapped operations keep the core name.
enum LuaNames {
    static let byOperation: [String: String] = [
        "groups.protected_branches.list": "branches.list",
        "groups.protected_branches.get": "branches.get",
        "groups.protected_branches.create": "branches.protect",
        "groups.protected_branches.update": "branches.update",
        "groups.protected_branches.delete": "branches.unprotect",
        "groups.protected_branches.access": "branches.access",

        "groups.hooks.list": "hooks.list",
        "groups.hooks.get": "hooks.get",
        "groups.hooks.create": "hooks.add",
        "groups.hooks.update": "hooks.edit",
        "groups.hooks.delete": "hooks.delete",
        "groups.hooks.test": "hooks.test",
        "groups.hooks.deliveries": "hooks.deliveries",

        "groups.push_rule.get": "push_rules.get",
        "groups.push_rule.create": "push_rules.add",
        "groups.push_rule.update": "push_rules.edit",
        "groups.push_rule.delete": "push_rules.delete",

        "groups.service_accounts.list": "service_accounts.list",
        "groups.service_accounts.create": "service_accounts.create",
        "groups.service_accounts.update": "service_accounts.update",
        "groups.service_accounts.delete": "service_accounts.delete",
        "groups.service_accounts.tokens.create": "service_accounts.create_token",
        "groups.service_accounts.tokens.list": "service_accounts.list_tokens",
        "groups.service_accounts.tokens.rotate": "service_accounts.rotate_token",
        "groups.service_accounts.tokens.revoke": "service_accounts.revoke_token",

        "groups.security_settings.update": "security.update",
        "projects.security_settings.get": "security.get_project",

        "groups.ldap_group_links.list": "ldap_links.list",
        "groups.ldap_group_links.create": "ldap_links.add",
        "groups.ldap_group_links.delete": "ldap_links.delete",
        "groups.ldap_group_links.delete_cn": "ldap_links.delete_cn",
        "groups.ldap_sync": "ldap_links.sync",

        "groups.saml_group_links.list": "saml_links.list",
        "groups.saml_group_links.get": "saml_links.get",
        "groups.saml_group_links.create": "saml_links.add",
        "groups.saml_group_links.delete": "saml_links.delete",

        "groups.members.list": "members.list",
        "groups.members.add": "members.add",
        "groups.members.update": "members.update",
        "groups.members.remove": "members.remove",

        "audit_events.list": "audit.list",
    ]

    static func name(of operation: String) -> String { byOperation[operation] ?? operation }
}
