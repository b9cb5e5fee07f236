import Foundation
import Testing

/// `grove mirror` from `grove serve` into a store file: every group GET, member list,
/// protected branch, push rule, hook and LDAP/SAML link list reads the same, ids
/// included, on both sides; a
/// second run follows what changed on the server.
@Suite("grove mirror")
struct MirrorTests {
    /// Each group of the trees at the arguments, by full path: what GitLab answers to a
    /// GET of the group, its members, protected branches, push rule, hooks and links.
    static let dump = CopyTreeTests.luaOptional + """
        local function collect(it) local out = {} for x in it do out[#out + 1] = x end return out end
        local out = {}
        for _, root in ipairs{...} do
          local tree = {groups.get(root, {with_projects = false})}
          for g in groups.descendant_groups(root, {all_available = true}) do tree[#tree + 1] = groups.get(g.id, {with_projects = false}) end
          for _, g in ipairs(tree) do
            out[g.full_path] = {
              group = g,
              members = collect(members.list(g.id)),
              branches = g.parent_id == grove.null and collect(branches.list(g.id)) or {},
              push_rule = optional(push_rules.get, g.id),
              hooks = collect(hooks.list(g.id)),
              ldap_links = optional(function(id) return ldap_links.list(id):all() end, g.id),
              saml_links = saml_links.list(g.id):all(),
            }
          end
        end
        print(json.encode(out))
        """

    /// Keys that name the instance rather than the data: its address, and the group's
    /// runner registration token (a new one in the mirror).
    static let instanceKeys: Set<String> = ["web_url", "avatar_url", "runners_token"]

    static func normalized(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            return object.filter { !instanceKeys.contains($0.key) }.mapValues(normalized)
        }
        if let array = value as? [Any] { return array.map(normalized) }
        return value
    }

    static func state(_ arguments: [String], _ environment: [String: String], dir: URL, roots: [String]) throws -> String {
        let script = dir.appendingPathComponent("mirror-dump.lua").path
        try dump.write(toFile: script, atomically: true, encoding: .utf8)
        let output = try GroveProcess.run(arguments + ["run", script] + roots, environment: environment)
        #expect(output.status == 0, "dump: \(output.stderr)")
        let value = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
        let data = try JSONSerialization.data(withJSONObject: normalized(value), options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    @Test func mirrorReadsTheSameAsTheServerAndFollowsChanges() throws {
        let source = try GroveTarget(.remote, seed: CopyTreeTests.sourceSeed)
        let server = try #require(source.server)
        let mirror = source.dir.appendingPathComponent("mirror.sqlite").path
        let remote = (["--url", server.url], ["GITLAB_TOKEN": server.token])
        let roots = ["platform", "outside"]
        let mirrorCommand = ["mirror", "--url", server.url, "--group", "platform", "--group", "outside", "--db", mirror]

        let first = try GroveProcess.run(mirrorCommand, environment: remote.1)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("mirrored 5 groups"), "\(first.stdout)")
        #expect(!first.stdout.contains("not readable"), "\(first.stdout)")
        CopyTreeTests.expectSame(try Self.state(["--db", mirror], [:], dir: source.dir, roots: roots),
                                 try Self.state(remote.0, remote.1, dir: source.dir, roots: roots))

        // The hook's secrets were not readable: a test delivery is refused until they are entered.
        let test = try GroveProcess.run(["--db", mirror, "-e", "hooks.test('platform', hooks.list('platform'):first(1)[1].id, 'push_events')"])
        #expect(test.stderr.contains("its secret token and values are unknown"), "\(test.stderr)")

        // Changes on the server: a setting, a member, a push rule, links, a group moved to the
        // other mirrored tree, a group gone, a group marked for deletion.
        let changed = try source.grove(["-e", """
            groups.update('platform/web', {description = 'frontend', visibility = 'internal'})
            members.add('platform/web', {user_id = users.list{username = 'alice'}:first(1)[1].id, access_level = 40})
            push_rules.delete('platform/api')
            ldap_links.add('platform/web', {filter = '(ou=web)', group_access = 20, provider = 'ldapmain'})
            saml_links.delete('platform', 'sso-devs')
            local ui = groups.get('platform/web/ui')
            groups.delete(ui.id)
            groups.delete(ui.id, {permanently_remove = true, full_path = groups.get(ui.id).full_path})
            local gone = groups.create{name = 'Gone', path = 'gone', parent_id = groups.get('platform/api').id}
            groups.transfer('platform/api', {group_id = 'outside'})
            groups.create{name = 'Soon', path = 'soon', parent_id = groups.get('platform').id}
            groups.delete('platform/soon')
            """])
        #expect(changed.status == 0, "\(changed.stderr)")
        let second = try GroveProcess.run(mirrorCommand, environment: remote.1)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("removed platform/web/ui"), "\(second.stdout)")
        #expect(!second.stdout.contains("platform/api"), "moved, not removed: \(second.stdout)")
        #expect(try GroveProcess.run(["--db", mirror, "-e", "groups.get('outside/api/gone').full_path"]).stdout == "\"outside/api/gone\"\n")
        CopyTreeTests.expectSame(try Self.state(["--db", mirror], [:], dir: source.dir, roots: roots),
                                 try Self.state(remote.0, remote.1, dir: source.dir, roots: roots))
    }

    /// Projects (less the instance's addresses and activity times), service accounts with
    /// their tokens' metadata, and the instance settings read the same through the mirror
    /// as through the server.
    @Test func projectsServiceAccountsAndSettings() throws {
        let source = try GroveTarget(.remote, seed: RecipeRun.seed + """
            security.update("platform", {secret_push_protection_enabled = true})
            settings.integrations.update{max_personal_access_token_lifetime = 90}
            """)
        let server = try #require(source.server)
        let mirror = source.dir.appendingPathComponent("mirror.sqlite").path
        let run = try GroveProcess.run(["mirror", "--url", server.url, "--group", "platform", "--group", "team-a", "--group", "data", "--db", mirror],
                                       environment: ["GITLAB_TOKEN": server.token])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("not readable"), "\(run.stdout)")
        let dump = """
            local json = require "grove.json"
            local function without(t, keys) local out = {} for k, v in pairs(t) do if not keys[k] then out[k] = v end end return out end
            local out = {settings = settings.integrations.get(), instance = settings.get(), projects = {}, accounts = {}}
            for _, path in ipairs{"platform", "platform/api", "data"} do
              for p in groups.projects(path) do
                out.security = out.security or {}
                out.security[p.path_with_namespace] = security.get_project(p.id)
                out.projects[#out.projects + 1] = without(p, {web_url = true, http_url_to_repo = true, ssh_url_to_repo = true,
                  readme_url = true, avatar_url = true, last_activity_at = true, updated_at = true, namespace = true, statistics = true,
                  _links = true, container_registry_image_prefix = true})
              end
            end
            for a in service_accounts.list("team-a") do
              local tokens = {}
              for _, t in ipairs(service_accounts.list_tokens("team-a", a.id)) do tokens[#tokens + 1] = without(t, {last_used_at = true}) end
              out.accounts[a.username] = {account = a, tokens = tokens}
            end
            print(json.encode(out))
            """
        let script = source.dir.appendingPathComponent("dump-more.lua").path
        try dump.write(toFile: script, atomically: true, encoding: .utf8)
        func read(_ arguments: [String], _ environment: [String: String]) throws -> String {
            let output = try GroveProcess.run(arguments + ["run", script], environment: environment)
            #expect(output.status == 0, "dump: \(output.stderr)")
            let value = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
            return String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
        }
        let mirrored = try read(["--db", mirror], [:]), served = try read(["--url", server.url], ["GITLAB_TOKEN": server.token])
        CopyTreeTests.expectSame(mirrored, served)
        #expect(mirrored.contains("deploy-bot") && mirrored.contains("gateway"), "\(mirrored)")
        #expect(mirrored.contains("\"secret_push_protection_enabled\" : true") && mirrored.contains("\"max_personal_access_token_lifetime\" : 90"),
                "values other than the defaults: \(mirrored)")
    }

    /// The progress is drawn on stderr on a terminal (forced here), never into a pipe.
    @Test func progressOnlyWhenAsked() throws {
        let source = try GroveTarget(.remote, seed: CopyTreeTests.sourceSeed)
        let server = try #require(source.server)
        let mirror = source.dir.appendingPathComponent("mirror.sqlite").path
        let command = ["mirror", "--url", server.url, "--group", "platform", "--db", mirror]
        let piped = try GroveProcess.run(command, environment: ["GITLAB_TOKEN": server.token, "GROVE_PROGRESS": ""])
        #expect(piped.status == 0 && !piped.stderr.contains("mirror platform"), "\(piped.stderr)")
        let forced = try GroveProcess.run(command, environment: ["GITLAB_TOKEN": server.token, "GROVE_PROGRESS": "always"])
        #expect(forced.status == 0 && forced.stderr.contains("\rmirror platform 4/4 groups\n"), "\(forced.stderr)")
        #expect(!forced.stdout.contains("\r"))
    }

    @Test func aTokenThatCannotReadIsReported() throws {
        let source = try GroveTarget(.remote, seed: CopyTreeTests.sourceSeed)
        let server = try #require(source.server)
        let token = try GroveProcess.run(["admin", "token", "--db", source.db, "--user", "alice", "--scopes", "read_api"])
        let mirror = source.dir.appendingPathComponent("mirror.sqlite").path
        let run = try GroveProcess.run(["mirror", "--url", server.url, "--group", "platform", "--db", mirror],
                                       environment: ["GITLAB_TOKEN": token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("not readable with this token:"), "\(run.stdout)")
        #expect(run.stdout.contains("hooks of platform"), "\(run.stdout)")
    }
}
