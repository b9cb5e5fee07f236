import FaultProxy
import GroveCore
import GroveHookDelivery
import GroveLua
import Testing
@testable import GroveBindings

/// Every operation that declares a result shape answers exactly that shape on a seeded
/// store: no field the shape lacks, every field it always has, each of its type (or null
/// where the shape allows it). A presenter and its shape cannot drift apart.
@Suite("Result shapes")
struct ResultShapeTests {
    /// One call per Lua name whose operation declares a result, on the seed below.
    static let samples = """
        local s = {}
        s["groups.get"] = function() return groups.get(platform.id) end
        s["groups.create"] = function() return groups.create{name = "Fresh", path = "fresh"} end
        s["groups.update"] = function() return groups.update(platform.id, {description = "changed"}) end
        s["groups.transfer"] = function() return groups.transfer(moved.id, {group_id = data.id}) end
        s["groups.restore"] = function() local g = groups.create{name = "Doomed", path = "doomed"} groups.delete(g.id) return groups.restore(g.id) end
        s["groups.share"] = function() return groups.share(api.id, {group_id = data.id, group_access = 20}) end
        s["groups.transfer_project"] = function() return groups.transfer_project(data.id, spare.id) end
        s["groups.list"] = function() return groups.list{} end
        s["groups.subgroups"] = function() return groups.subgroups(platform.id) end
        s["groups.descendant_groups"] = function() return groups.descendant_groups(platform.id) end
        s["groups.transfer_locations"] = function() return groups.transfer_locations(api.id) end
        s["groups.projects"] = function() return groups.projects(api.id) end
        s["groups.shared_projects"] = function() return groups.shared_projects(data.id) end
        s["projects.get"] = function() return projects.get(project.id) end
        s["projects.list"] = function() return projects.list{} end
        s["projects.create"] = function() return projects.create{namespace_id = api.id, name = "extra", path = "extra"} end
        s["projects.update"] = function() return projects.update(project.id, {description = "changed"}) end
        s["projects.share"] = function() return projects.share(project.id, {group_id = data.id, group_access = 20}) end
        s["projects.star"] = function() return projects.star(project.id) end
        s["users.get"] = function() return users.get(alice.id) end
        s["users.list"] = function() return users.list{} end
        s["users.current"] = function() return users.current() end
        s["users.create"] = function() return users.create{username = "yan", name = "Yan", email = "yan@example.com"} end
        s["users.update"] = function() return users.update(alice.id, {name = "Alice A."}) end
        s["groups.provisioned_users"] = function() return groups.provisioned_users(platform.id) end
        s["groups.users"] = function() return groups.users(platform.id, {include_service_accounts = true}) end
        s["members.list"] = function() return members.list(platform.id) end
        s["members.list_all"] = function() return members.list_all(api.id) end
        s["members.get"] = function() return members.get(platform.id, alice.id) end
        s["members.get_all"] = function() return members.get_all(api.id, alice.id) end
        s["members.add"] = function() return members.add(platform.id, {user_id = bob.id, access_level = 30}) end
        s["members.update"] = function() return members.update(platform.id, alice.id, {expires_at = "2999-01-01"}) end
        s["users.memberships"] = function() return users.memberships(alice.id) end
        s["branches.list"] = function() return branches.list(platform.id) end
        s["branches.get"] = function() return branches.get(platform.id, "main") end
        s["branches.protect"] = function() return branches.protect(platform.id, {name = "hotfix"}) end
        s["branches.update"] = function() return branches.update(platform.id, "main", {allow_force_push = true}) end
        s["branches.unprotect"] = function() branches.protect(platform.id, {name = "old"}) return branches.unprotect(platform.id, "old") end
        s["branches.access"] = function() return branches.access(platform.id, "main", {user_id = alice.id}) end
        s["push_rules.get"] = function() return push_rules.get(platform.id) end
        s["push_rules.add"] = function() return push_rules.add(data.id, {deny_delete_tag = true}) end
        s["push_rules.edit"] = function() return push_rules.edit(platform.id, {max_file_size = 200}) end
        s["projects.push_rule.get"] = function()
          -- A project copies its group's push rule when it is created.
          return projects.push_rule.get(projects.create{namespace_id = platform.id, name = "ruled", path = "ruled"}.id)
        end
        s["push_rules.check"] = function() return push_rules.check(platform.id, {branch_name = "main"}) end
        s["hooks.list"] = function() return hooks.list(platform.id) end
        s["hooks.get"] = function() return hooks.get(platform.id, hook.id) end
        s["hooks.add"] = function() return hooks.add(data.id, {url = "https://hooks.example.com/other"}) end
        s["hooks.edit"] = function() return hooks.edit(platform.id, hook.id, {push_events = false}) end
        s["hooks.deliveries"] = function()
          -- A delivery that got no answer: its status reads "internal error", its error is set.
          local dead = hooks.add(platform.id, {url = "http://127.0.0.1:9/closed"})
          pcall(hooks.test, platform.id, dead.id, "push_events")
          return hooks.deliveries(platform.id, dead.id)
        end
        s["hooks.test"] = function() return hooks.test(platform.id, hook.id, "push_events") end
        s["service_accounts.list"] = function() return service_accounts.list(platform.id) end
        s["service_accounts.create"] = function() return service_accounts.create(platform.id, {name = "Bot 2", username = "bot-two"}) end
        s["service_accounts.update"] = function() return service_accounts.update(platform.id, account.id, {name = "Bot One"}) end
        s["service_accounts.list_tokens"] = function() return service_accounts.list_tokens(platform.id, account.id) end
        s["service_accounts.create_token"] = function() return token end
        s["service_accounts.rotate_token"] = function() return service_accounts.rotate_token(platform.id, account.id, token.id) end
        s["ldap_links.list"] = function() return ldap_links.list(platform.id) end
        s["ldap_links.add"] = function() return ldap_links.add(platform.id, {filter = "(dept=ops)", group_access = 30, provider = "ldapmain"}) end
        s["ldap_links.sync"] = function() settings.update{ldap_enabled = true} return ldap_links.sync(platform.id) end
        s["saml_links.list"] = function() return saml_links.list(platform.id) end
        s["saml_links.get"] = function() return saml_links.get(platform.id, "saml-platform") end
        s["saml_links.add"] = function() return saml_links.add(platform.id, {saml_group_name = "saml-more", access_level = 20}) end
        s["groups.custom_attributes.list"] = function() return groups.custom_attributes.list(platform.id) end
        s["groups.custom_attributes.get"] = function() return groups.custom_attributes.get(platform.id, "owner") end
        s["groups.custom_attributes.set"] = function() return groups.custom_attributes.set(platform.id, "tier", {value = "1"}) end
        s["audit.list"] = function() return audit.list{} end
        s["namespaces.list"] = function() return namespaces.list{} end
        s["namespaces.get"] = function() return namespaces.get(platform.id) end
        s["namespaces.exists"] = function() return namespaces.exists("platform") end
        s["settings.get"] = function() return settings.get() end
        s["settings.update"] = function() return settings.update{deletion_adjourned_period = 7} end
        s["settings.integrations.get"] = function() return settings.integrations.get() end
        s["settings.integrations.update"] = function() return settings.integrations.update{webhook_timeout = 10} end
        s["security.update"] = function() return security.update(platform.id, {secret_push_protection_enabled = true}) end
        s["security.get_project"] = function() return security.get_project(project.id) end
        s["groups.avatar"] = function() return groups.avatar(platform.id) end
        s["groups.delete"] = function() return groups.delete(groups.create{name = "Gone", path = "gone"}.id) end
        return s
        """

    static let seed = """
        platform = groups.create{name = "Platform", path = "platform", visibility = "internal", description = "Shared services"}
        api = groups.create{name = "API", path = "api", parent_id = platform.id, visibility = "internal"}
        moved = groups.create{name = "Moved", path = "moved", parent_id = platform.id}
        data = groups.create{name = "Data", path = "data"}
        alice = users.create{username = "alice", name = "Alice", email = "alice@example.com"}
        bob = users.create{username = "bob", name = "Bob", email = "bob@example.com"}
        members.add(platform.id, {user_id = alice.id, access_level = 50})
        project = projects.create{namespace_id = api.id, name = "gateway", path = "gateway", visibility = "internal"}
        spare = projects.create{namespace_id = api.id, name = "spare", path = "spare"}
        groups.share(platform.id, {group_id = data.id, group_access = 20})
        projects.share(spare.id, {group_id = data.id, group_access = 30})
        settings.integrations.update{allow_local_requests_from_web_hooks_and_services = true}
        hook = hooks.add(platform.id, {url = RECEIVER, token = "s", push_events = true})
        branches.protect(platform.id, {name = "main", push_access_level = 40})
        push_rules.add(platform.id, {max_file_size = 100})
        saml_links.add(platform.id, {saml_group_name = "saml-platform", access_level = 30})
        ldap_links.add(platform.id, {cn = "ldap-platform", group_access = 30, provider = "ldapmain"})
        account = service_accounts.create(platform.id, {name = "Bot", username = "platform-bot"})
        token = service_accounts.create_token(platform.id, account.id, {name = "ci", scopes = {"api"}, expires_at = os.date("!%Y-%m-%d", os.time() + 180 * 86400)})
        groups.custom_attributes.set(platform.id, "owner", {value = "infra"})
        groups.upload_avatar(platform.id, "GIF89a\\1\\0\\1\\0\\0\\0\\0;", "a.gif")
        hooks.test(platform.id, hook.id, "push_events")
        """

    static let compare = """
        local function kind(v)
          if v == grove.null then return "null" end
          local t = type(v)
          if t == "number" then return math.type(v) == "integer" and "integer" or "number" end
          if t == "table" then return next(v) == nil and "empty" or (#v > 0 and "list" or "table") end
          return t
        end
        local problems = {}
        local function problem(...) problems[#problems + 1] = string.format(...) end
        local names = {}
        for name in pairs(EXPECTED) do names[#names + 1] = name end
        table.sort(names)  -- the same order every run
        for _, name in ipairs(names) do
          local shape, call = EXPECTED[name], nil
          call = SAMPLES[name]
          if not call then problem("%s: no sample call", name) else
            local ok, v = pcall(call)
            if not ok then problem("%s: %s", name, tostring(v)) else
              if tostring(v):find("^grove%.iterator") then v = v:all() end
              if type(v) == "table" and v[1] ~= nil then v = v[1] end
              if type(v) == "table" and next(v) == nil then problem("%s: answered nothing to compare", name)
              elseif type(v) ~= "table" then problem("%s: answered %s, not a %s", name, kind(v), shape.name) else
                local declared = {}
                for _, f in ipairs(shape.fields) do
                  declared[f[1]] = f
                  local got = v[f[1]]
                  if got == nil then
                    if not f[4] then problem("%s: %s.%s missing", name, shape.name, f[1]) end
                  else
                    local k = kind(got)
                    local types = {}
                    for t in f[2]:gmatch("[^|]+") do types[t] = true end
                    local fits = types[k] or (k == "null" and f[3]) or (k == "empty" and (types.list or types.table))
                      or (k == "integer" and types.number)
                    if not fits then problem("%s: %s.%s is %s, declared %s%s", name, shape.name, f[1], k, f[2], f[3] and "?" or "") end
                  end
                end
                for key in pairs(v) do
                  if not declared[key] then problem("%s: %s has no field %s", name, shape.name, key) end
                end
              end
            end
          end
        end
        table.sort(problems)
        return table.concat(problems, "\\n")
        """

    /// The registry's shapes as a Lua table: `EXPECTED[lua_name] = {name = ..., fields = {{name, type, nullable, sometimes}, ...}}`.
    static func expected(_ registry: OperationRegistry) -> (String, Int) {
        var lines = ["EXPECTED = {}"]
        var count = 0
        for descriptor in registry.descriptors {
            guard let shape = descriptor.result else { continue }
            count += 1
            let fields = shape.fields.map { "{\"\($0.name)\", \"\($0.type)\", \($0.nullable), \($0.sometimes)}" }.joined(separator: ", ")
            lines.append("EXPECTED[\"\(descriptor.luaName)\"] = {name = \"\(shape.name)\", fields = {\(fields)}}")
        }
        return (lines.joined(separator: "\n"), count)
    }

    @Test func everyDeclaredShapeIsWhatTheOperationAnswers() throws {
        let receiver = try HookReceiver()
        defer { receiver.stop() }
        let lua = LuaState()
        let store = try GroveStore.inMemory(hookTransport: HTTPHookTransport())
        try CoreBindings.install(into: lua, session: GroveSession { store }, registry: store.registry)
        let (expected, count) = Self.expected(store.registry)
        #expect(count > 70, "most operations declare what they answer")
        let results = try lua.run("RECEIVER = \"\(receiver.url)\"\n" + Self.seed + "\nSAMPLES = (function()\n" + Self.samples + "\nend)()\n"
                                  + expected + "\n" + Self.compare)
        #expect(results == [""], "\(results)")
    }
}
