/// What an endpoint on a group needs of its caller: GitLab's ability, as its policy
/// (`app/policies/group_policy.rb`) grants it, and the answer its API gives when the caller
/// lacks it. Every endpoint whose rule is a minimum role finds its group through here
/// (`OperationContext.group(_:may:)`), so each rule is one row of `rule`; the rules that
/// depend on more than a role (update, transfer, members, shares) are their services'.
enum GroupAbility {
    /// `admin_group` (owner): protected branches, a group's related users, LDAP sync.
    case adminGroup
    /// `read_web_hook` / `admin_web_hook`, which come from `admin_group`; the hooks API
    /// authenticates first.
    case adminWebHook
    /// `admin_service_accounts`: owners (administrators pass every check); authenticates first.
    case adminServiceAccounts
    /// `change_push_rules` (maintainer).
    case changePushRules
    /// `admin_group` (owner), as the LDAP links API checks it.
    case adminLDAPGroupLinks
    /// `admin_saml_group_links` (owner).
    case adminSAMLGroupLinks
    /// `enable_secret_push_protection` (maintainer).
    case enableSecretPushProtection
    /// `maintainer_access`: provisioned users.
    case maintainerAccess
    /// `push_code` (developer): Grove's check of a push against the group's rules.
    case pushCode

    struct Rule {
        /// `before { authenticate! }`: anonymous callers get 401 before the group is looked up.
        let authenticatesFirst: Bool
        /// `find_group!` (a missing or unreadable group is 404), or `find_group` without
        /// the bang, whose nil then fails the ability check.
        let missingGroupFailsCheck: Bool
        let minimumLevel: Int64
        let refusal: APIError
    }

    var rule: Rule {
        switch self {
        case .adminGroup:
            Rule(authenticatesFirst: false, missingGroupFailsCheck: false, minimumLevel: AccessLevel.owner, refusal: .forbidden())
        case .adminWebHook, .adminServiceAccounts:
            Rule(authenticatesFirst: true, missingGroupFailsCheck: false, minimumLevel: AccessLevel.owner, refusal: .forbidden())
        case .changePushRules:
            // ee/lib/api/group_push_rule.rb: without `change_push_rules` every verb is a bare 404.
            Rule(authenticatesFirst: false, missingGroupFailsCheck: false, minimumLevel: AccessLevel.maintainer, refusal: .notFound())
        case .adminLDAPGroupLinks:
            // ee/lib/api/ldap_group_links.rb uses `find_group` without the bang: 403 for all.
            Rule(authenticatesFirst: false, missingGroupFailsCheck: true, minimumLevel: AccessLevel.owner, refusal: .forbidden())
        case .adminSAMLGroupLinks:
            // ee/lib/api/saml_group_links.rb: `unauthorized!` (401) for a caller who is not owner.
            Rule(authenticatesFirst: false, missingGroupFailsCheck: false, minimumLevel: AccessLevel.owner, refusal: .unauthorized)
        case .enableSecretPushProtection:
            // ee/lib/api/group_security_settings.rb: `authorize! :enable_secret_push_protection` answers 401, not 403.
            // Unauthenticated callers get 401 as well.
            Rule(authenticatesFirst: true, missingGroupFailsCheck: false, minimumLevel: AccessLevel.maintainer, refusal: .unauthorized)
        case .maintainerAccess:
            Rule(authenticatesFirst: false, missingGroupFailsCheck: false, minimumLevel: AccessLevel.maintainer, refusal: .forbidden())
        case .pushCode:
            Rule(authenticatesFirst: false, missingGroupFailsCheck: false, minimumLevel: AccessLevel.developer, refusal: .forbidden())
        }
    }
}

extension OperationContext {
    /// The group `ref` names, when the caller may act on it as `ability` requires; else
    /// GitLab's answer for that ability.
    func group(_ ref: JSONValue?, may ability: GroupAbility) throws -> GroupRecord {
        let rule = ability.rule
        if rule.authenticatesFirst, caller.isAnonymous { throw APIError.unauthorized }
        let group: GroupRecord
        if rule.missingGroupFailsCheck {
            guard let ref, let found = try lookupGroup(ref), try access.canRead(found) else { throw rule.refusal }
            group = found
        } else {
            group = try findGroup(ref)
        }
        guard try access.level(group) >= rule.minimumLevel else { throw rule.refusal }
        return group
    }
}
