import Foundation
import Testing

/// `scripts/recipes/copy-tree.lua` between two `grove serve` instances, and between two
/// store files: after a copy, every group of the tree reads the same on both sides
/// (settings, members, protected branches, push rule, hooks without secrets, shares,
/// LDAP and SAML links), and a second run changes nothing.
@Suite("copy-tree recipe")
struct CopyTreeTests {
    static let recipe = RecipeRun.recipes.appendingPathComponent("copy-tree.lua").path

    static let sourceSeed = """
        for _, name in ipairs{"alice", "bob", "carol"} do
          users.create{username = name, name = name, email = name .. "@example.com"}
        end
        local p = groups.create{name = "Platform", path = "platform", visibility = "internal", description = "shared services",
                                request_access_enabled = false, project_creation_level = "maintainer", subgroup_creation_level = "owner"}
        local api = groups.create{name = "API", path = "api", parent_id = p.id, visibility = "internal", lfs_enabled = false}
        local web = groups.create{name = "Web", path = "web", parent_id = p.id, visibility = "private", description = "front",
                                  default_branch_protection_defaults = {allowed_to_push = {{access_level = 40}}, allow_force_push = true,
                                                                        allowed_to_merge = {{access_level = 40}}, developer_can_initial_push = false}}
        groups.create{name = "UI", path = "ui", parent_id = web.id, visibility = "private", mentions_disabled = true}
        groups.create{name = "Outside", path = "outside"}
        local function id(name) return users.list{username = name}:first(1)[1].id end
        members.add("platform", {user_id = id("alice"), access_level = 30})
        members.add("platform/api", {user_id = id("bob"), access_level = 40, expires_at = "2031-01-31"})
        members.add("platform/web/ui", {user_id = id("carol"), access_level = 20})
        branches.protect("platform", {name = "main", push_access_level = 30, merge_access_level = 40, allow_force_push = true,
                                      allowed_to_push = {{user_id = id("alice")}}})
        branches.protect("platform", {name = "release/*", push_access_level = 0, unprotect_access_level = 60})
        push_rules.add("platform/api", {prevent_secrets = true, max_file_size = 50, commit_message_regex = "^JIRA-"})
        hooks.add("platform", {url = "https://hooks.example.com/ci", token = "s3cret", merge_requests_events = true,
                               enable_ssl_verification = false, custom_headers = {{key = "X-Auth", value = "hidden"}}})
        groups.share("platform/api", {group_id = "platform/web", group_access = 30})
        groups.share("platform/web", {group_id = "outside", group_access = 10})
        ldap_links.add("platform", {cn = "engineers", group_access = 30, provider = "ldapmain"})
        saml_links.add("platform", {saml_group_name = "sso-devs", access_level = 30})
        """

    /// Alice and bob exist on the destination, carol does not.
    static let destinationSeed = """
        for _, name in ipairs{"bob", "alice"} do users.create{username = name, name = name, email = name .. "@example.org"} end
        """

    /// Every group of the tree at arg[1] as JSON, without what differs between instances
    /// by nature (ids, addresses, times); user and group ids as usernames and paths.
    /// Shared by the dump scripts: a read whose 404 means "none" (null).
    static let luaOptional = """
        local json = require "grove.json"
        local function optional(fn, ...)
          local ok, v = pcall(fn, ...)
          if ok then return v end
          if grove.iserror(v) and v.status == 404 then return grove.null end
          error(v, 0)
        end

        """

    static let dump = luaOptional + """
        local root = arg[1]
        local function null(v) return v == nil or v == grove.null end
        local function relative(path) return path == root and "." or path:sub(#root + 2) end
        local function username(id) return users.get(id).username end
        local function without(t, keys)
          local out = {}
          for k, v in pairs(t) do if not keys[k] then out[k] = v end end
          return out
        end
        local tree = {groups.get(root, {with_projects = false})}
        for g in groups.descendant_groups(root, {all_available = true}) do tree[#tree + 1] = groups.get(g.id, {with_projects = false}) end
        local out = {}
        for _, g in ipairs(tree) do
          local entry = {}
          entry.group = without(g, {id = true, parent_id = true, web_url = true, created_at = true, runners_token = true,
            full_name = false, projects = true, shared_projects = true, shared_with_groups = true, file_template_project_id = true})
          entry.shares = json.array({})
          for _, s in ipairs(g.shared_with_groups) do
            entry.shares[#entry.shares + 1] = {with = s.group_full_path:sub(1, #root) == root and relative(s.group_full_path) or s.group_full_path,
                                               access = s.group_access_level, expires_at = s.expires_at}
          end
          entry.members = json.array({})
          for m in members.list(g.id) do
            entry.members[#entry.members + 1] = {username = m.username, access_level = m.access_level, expires_at = m.expires_at}
          end
          table.sort(entry.members, function(a, b) return a.username < b.username end)
          entry.branches = json.array({})
          if null(g.parent_id) then
            for b in branches.list(g.id) do
              local rule = without(b, {id = true})
              for _, kind in ipairs{"push_access_levels", "merge_access_levels", "unprotect_access_levels"} do
                local items = {}
                for _, e in ipairs(b[kind]) do
                  local item = without(e, {id = true, user_id = true, group_id = true})
                  if not null(e.user_id) then item.user = username(e.user_id) end
                  if not null(e.group_id) then item.group = relative(groups.get(e.group_id).full_path) end
                  items[#items + 1] = item
                end
                rule[kind] = items
              end
              entry.branches[#entry.branches + 1] = rule
            end
          end
          local rule = optional(push_rules.get, g.id)
          entry.push_rule = rule ~= grove.null and without(rule, {id = true, created_at = true}) or rule
          entry.hooks = json.array({})
          for h in hooks.list(g.id) do entry.hooks[#entry.hooks + 1] = without(h, {id = true, group_id = true, created_at = true, custom_headers = true}) end
          entry.ldap = optional(function(id) return ldap_links.list(id):all() end, g.id)
          entry.saml = optional(function(id) return saml_links.list(id):all() end, g.id)
          out[relative(g.full_path)] = entry
        end
        print(json.encode(out))
        """

    /// The dump of `root` through `target`, as JSON with sorted keys (a readable diff),
    /// without the memberships of `dropping` (users the destination does not have) and the
    /// shares with groups outside the tree (not copied).
    static func state(_ target: GroveTarget, _ root: String, dropping: Set<String> = []) throws -> String {
        let script = target.dir.appendingPathComponent("dump.lua").path
        try dump.write(toFile: script, atomically: true, encoding: .utf8)
        let output = try target.grove(["run", script, root])
        #expect(output.status == 0, "dump: \(output.stderr)")
        var groups = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
        for (path, entry) in groups {
            guard var entry = entry as? [String: Any], let members = entry["members"] as? [[String: Any]] else { continue }
            entry["members"] = members.filter { !dropping.contains($0["username"] as? String ?? "") }
            entry["shares"] = (entry["shares"] as? [[String: Any]] ?? []).filter { !($0["with"] as? String ?? "").hasPrefix("outside") }
            groups[path] = entry
        }
        let data = try JSONSerialization.data(withJSONObject: groups, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    /// Equal texts, or the lines of each that the other lacks.
    static func expectSame(_ actual: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard actual != expected else { return }
        let a = actual.split(separator: "\n"), e = expected.split(separator: "\n")
        let lines: [String] = a.difference(from: e).map { change -> String in
            switch change {
            case let .insert(offset, line, _): return "+ \(offset): \(line)"
            case let .remove(offset, line, _): return "- \(offset): \(line)"
            }
        }
        let shown = lines.prefix(60).joined(separator: "\n")
        Issue.record(Comment(rawValue: "the two sides differ (- expected, + actual):\n" + shown), sourceLocation: sourceLocation)
    }

    static func expectCopied(_ first: GroveProcess.Output) {
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("+ group platform/web/ui"), "\(first.stdout)")
        #expect(first.stdout.contains("users without an account on the destination (not added):\n  carol (20 in platform/web/ui)"), "\(first.stdout)")
        #expect(first.stdout.contains("https://hooks.example.com/ci of platform: the secret token, if it had one; custom headers X-Auth"))
        #expect(first.stdout.contains("share of platform/web with outside: outside the tree"))
        #expect(!first.stdout.contains("s3cret") && !first.stdout.contains("hidden"))
    }

    @Test func copiesBetweenTwoServersAndASecondRunChangesNothing() throws {
        let source = try GroveTarget(.remote, seed: Self.sourceSeed)
        let destination = try GroveTarget(.remote, seed: Self.destinationSeed)
        let from = try #require(source.server)
        let tokenFile = source.dir.appendingPathComponent("source.token").path
        try from.token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        // The destination is the script's own connection (`--to here`, the default).
        let arguments = ["run", Self.recipe, "--from-url", from.url, "--from-token-file", tokenFile, "platform", "/"]

        let first = try destination.grove(arguments)
        Self.expectCopied(first)
        // Carol is not on the destination: her membership is not copied.
        Self.expectSame(try Self.state(destination, "platform"), try Self.state(source, "platform", dropping: ["carol"]))

        let second = try destination.grove(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("\n0 created, 0 changed, "), "\(second.stdout)")
        #expect(!second.stdout.contains("\n+ ") && !second.stdout.contains("\n~ "), "\(second.stdout)")

        // A setting changed on the source is aligned, and only that.
        #expect(try source.grove(["-e", "groups.update('platform/web', {description = 'frontend'})"]).status == 0)
        let third = try destination.grove(arguments)
        #expect(third.stdout.contains("~ group platform/web: description front -> frontend"), "\(third.stdout)")
        #expect(third.stdout.contains("\n0 created, 1 changed, "), "\(third.stdout)")
    }

    @Test func copiesBetweenTwoStoreFilesUnderAParent() throws {
        let source = try GroveTarget(.embedded, seed: Self.sourceSeed)
        let destination = try GroveTarget(.embedded, seed: Self.destinationSeed + "\ngroups.create{name = 'Migrated', path = 'migrated', visibility = 'internal'}")
        let arguments = ["--memory", "run", Self.recipe, "--from-db", source.db, "--to-db", destination.db, "platform", "migrated"]
        let first = try GroveProcess.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("+ group migrated/platform/web/ui"), "\(first.stdout)")
        #expect(first.stdout.contains("protected branches of platform: the destination migrated/platform is not a top-level group"))
        #expect(try destination.grove(["-e", "push_rules.get('migrated/platform/api').commit_message_regex"]).stdout == "\"^JIRA-\"\n")
        let second = try GroveProcess.run(arguments)
        #expect(second.stdout.contains("\n0 created, 0 changed, "), "\(second.stdout)")
    }
}
