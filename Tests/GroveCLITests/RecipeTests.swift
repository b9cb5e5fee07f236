import Foundation
import Testing

/// The packaged recipes run by the real `grove` against a seeded store file: the
/// end state is checked through grove itself, and every dry run changes nothing.
@Suite("recipes")
struct RecipeTests {
    let dir: URL
    let db: String

    static let recipes: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/recipes")

    static let seed = """
        local soon = os.date("!%Y-%m-%d", os.time() + 5 * 86400)
        local later = os.date("!%Y-%m-%d", os.time() + 100 * 86400)
        settings.integrations.update{service_access_tokens_expiration_enforced = false}
        for _, path in ipairs{"team-a", "team-b", "platform", "data"} do
          groups.create{name = path, path = path, visibility = "internal"}
        end
        local platform = groups.get("platform")
        groups.create{name = "api", path = "api", parent_id = platform.id, visibility = "internal"}
        groups.create{name = "web", path = "web", parent_id = platform.id, visibility = "internal"}
        projects.create{namespace_id = "platform/api", path = "gateway", visibility = "internal"}
        projects.create{namespace_id = "data", path = "warehouse"}
        hooks.add("platform", {url = "https://hooks.example.com/ci", enable_ssl_verification = false})
        branches.protect("team-b", {name = "main", push_access_level = 30, allow_force_push = true})
        local bot = service_accounts.create("team-a", {username = "deploy-bot"})
        service_accounts.create_token("team-a", bot.id, {name = "due-soon", scopes = {"api"}, expires_at = soon})
        service_accounts.create_token("team-a", bot.id, {name = "due-later", scopes = {"api"}, expires_at = later})
        service_accounts.create_token("team-a", bot.id, {name = "forever", scopes = {"read_api"}})
        """

    init() throws {
        dir = try GroveProcess.temporaryDirectory()
        db = dir.appendingPathComponent("grove.sqlite").path
        let seeded = try grove(["-e", Self.seed])
        #expect(seeded.status == 0, "seed failed: \(seeded.stderr)")
    }

    func grove(_ arguments: [String]) throws -> GroveProcess.Output {
        try GroveProcess.run(["--db", db] + arguments)
    }

    func recipe(_ name: String, _ arguments: [String], dryRun: Bool = false) throws -> GroveProcess.Output {
        try grove(["run"] + (dryRun ? ["--dry-run"] : []) + [Self.recipes.appendingPathComponent(name).path] + arguments)
    }

    func value(_ expression: String) throws -> String {
        let result = try grove(["-e", expression])
        #expect(result.status == 0, "\(expression): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    /// Every committed change writes an audit event: equal counts, nothing written.
    func changeCount() throws -> String { try value("#audit.list{}") }

    /// Runs the recipe with --dry-run first and checks that nothing changed.
    func expectDryRunChangesNothing(_ name: String, _ arguments: [String]) throws {
        let before = try changeCount()
        let rehearsal = try recipe(name, arguments, dryRun: true)
        #expect(rehearsal.status == 0, "\(name) --dry-run: \(rehearsal.stderr)")
        #expect(rehearsal.stdout.contains("nothing was written"))
        #expect(try changeCount() == before, "\(name) --dry-run wrote something")
    }

    @Test func protectBranches() throws {
        try expectDryRunChangesNothing("protect-branches.lua", ["team-*", "release/*", "--push", "40", "--merge", "30"])
        #expect(try value("branches.list('team-a'):count()") == "0")
        let run = try recipe("protect-branches.lua", ["team-*", "release/*", "--push", "40", "--merge", "30"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2 protected, 0 updated, 0 unchanged"))
        #expect(try value("branches.get('team-a', 'release/*').merge_access_levels[1].access_level") == "30")
        #expect(try value("(pcall(branches.get, 'platform', 'release/*'))") == "false", "platform does not match team-*")
        let again = try recipe("protect-branches.lua", ["team-*", "release/*", "--push", "40", "--merge", "30"])
        #expect(again.stdout.contains("0 protected, 0 updated, 2 unchanged"))
        let aligned = try recipe("protect-branches.lua", ["team-a", "release/*", "--push", "30", "--merge", "30"])
        #expect(aligned.stdout.contains("0 protected, 1 updated, 0 unchanged"))
        #expect(try value("branches.get('team-a', 'release/*').push_access_levels[1].access_level") == "30")
    }

    @Test func enforcePushRules() throws {
        try expectDryRunChangesNothing("enforce-push-rules.lua", ["platform"])
        let run = try recipe("enforce-push-rules.lua", ["platform"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("3 of 3 groups changed"))
        for path in ["platform", "platform/api", "platform/web"] {
            #expect(try value("push_rules.get('\(path)').prevent_secrets") == "true")
        }
        #expect(try value("select(2, pcall(push_rules.get, 'data')).status") == "404")
        let again = try recipe("enforce-push-rules.lua", ["platform", "--json"])
        #expect(again.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test func reorganiseChecksEveryMoveFirst() throws {
        let bad = dir.appendingPathComponent("bad.csv").path
        try "source_path,new_parent_path\nplatform/web,data\nplatform/api,platform/api\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let before = try changeCount()
        let refused = try recipe("reorganise.lua", [bad])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("1 of 2 moves would fail; nothing was changed"))
        #expect(refused.stderr.contains("line 3: platform/api -> platform/api"))
        #expect(try changeCount() == before)
        #expect(try value("groups.get('platform/web').full_path") == "\"platform/web\"")

        let good = dir.appendingPathComponent("good.csv").path
        try "source_path,new_parent_path\nplatform/web,data\n\"platform/api\",\n".write(toFile: good, atomically: true, encoding: .utf8)
        try expectDryRunChangesNothing("reorganise.lua", [good])
        let run = try recipe("reorganise.lua", [good])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2 groups moved"))
        #expect(try value("groups.get('data/web').full_path") == "\"data/web\"")
        #expect(try value("groups.get('api').parent_id == grove.null") == "true")
    }

    @Test func rotateTokensWritesValuesOnlyToAPrivateFile() throws {
        let out = dir.appendingPathComponent("new-tokens.txt").path
        try expectDryRunChangesNothing("rotate-tokens.lua", ["30", dir.appendingPathComponent("rehearsal.txt").path])
        let run = try recipe("rotate-tokens.lua", ["30", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("rotated team-a / deploy-bot / due-soon"))
        #expect(run.stdout.contains("1 token rotated"))
        #expect(!run.stdout.contains("glpat-"), "token values must not be printed")
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.hasPrefix("team-a deploy-bot due-soon glpat-"))
        let tokens = try value("""
            local bot = users.list{username = 'deploy-bot'}:first(1)[1]
            local states = {}
            for _, t in ipairs(service_accounts.list_tokens('team-a', bot.id)) do states[#states + 1] = t.name .. '=' .. tostring(t.revoked) end
            table.sort(states) return table.concat(states, ' ')
            """)
        #expect(tokens == "\"due-later=false due-soon=false due-soon=true forever=false\"")
    }

    @Test func auditReportsEachKindOfFinding() throws {
        let run = try recipe("audit.lua", ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let findings = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: String]] ?? []
        func has(_ check: String, _ group: String, _ detail: String? = nil) -> Bool {
            findings.contains { $0["check"] == check && $0["group"] == group && (detail == nil || $0["detail"] == detail) }
        }
        #expect(has("no push rule", "platform/api"))
        #expect(has("hook without SSL verification", "platform", "https://hooks.example.com/ci"))
        #expect(has("developers may force-push", "team-b", "main"))
        #expect(has("token without expiry", "team-a", "deploy-bot / forever"))
        #expect(!has("token without expiry", "team-a", "deploy-bot / due-soon"))
        let table = try recipe("audit.lua", [])
        #expect(table.stdout.contains("check"))
        #expect(table.stdout.contains("developers may force-push"))
    }

    @Test func secretPushProtection() throws {
        let gateway = try value("groups.projects('platform', {include_subgroups = true}):first(1)[1].id")
        try expectDryRunChangesNothing("secret-push-protection.lua", ["platform*"])
        let run = try recipe("secret-push-protection.lua", ["platform*", "--exclude", "999999"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("enabled  platform"))
        #expect(run.stdout.contains("Project with id 999999 does not belong"))
        #expect(run.stdout.contains("1 group updated"), "subgroups are covered by platform")
        #expect(try value("security.get_project(\(gateway)).secret_push_protection_enabled") == "true")
        #expect(try value("security.get_project('data/warehouse').secret_push_protection_enabled") == "false")
    }
}
