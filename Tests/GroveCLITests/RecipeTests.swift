import Foundation
import Testing

/// The packaged recipes run by the real `grove` against a seeded store, on both
/// backends: the store file directly, and a GitLab (`grove serve` over that file,
/// reached with `--url`): the end state is checked through grove itself, and every dry
/// run changes nothing (a remote connection refuses --dry-run, naming the plan feature).
@Suite("recipes")
struct RecipeTests {
    @Test(arguments: GroveTarget.Kind.allCases)
    func protectBranches(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind)
        try r.expectDryRunChangesNothing("protect-branches.lua", ["team-*", "release/*", "--push", "40", "--merge", "30"])
        #expect(try r.value("branches.list('team-a'):count()") == "0")
        let run = try r.recipe("protect-branches.lua", ["team-*", "release/*", "--push", "40", "--merge", "30"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2 protected, 0 updated, 0 unchanged"))
        #expect(try r.value("branches.get('team-a', 'release/*').merge_access_levels[1].access_level") == "30")
        #expect(try r.value("(pcall(branches.get, 'platform', 'release/*'))") == "false", "platform does not match team-*")
        let again = try r.recipe("protect-branches.lua", ["team-*", "release/*", "--push", "40", "--merge", "30"])
        #expect(again.stdout.contains("0 protected, 0 updated, 2 unchanged"))
        let aligned = try r.recipe("protect-branches.lua", ["team-a", "release/*", "--push", "30", "--merge", "30"])
        #expect(aligned.stdout.contains("0 protected, 1 updated, 0 unchanged"))
        #expect(try r.value("branches.get('team-a', 'release/*').push_access_levels[1].access_level") == "30")
    }

    @Test(arguments: GroveTarget.Kind.allCases)
    func enforcePushRules(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind)
        try r.expectDryRunChangesNothing("enforce-push-rules.lua", ["platform"])
        let run = try r.recipe("enforce-push-rules.lua", ["platform"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("3 of 3 groups changed"))
        for path in ["platform", "platform/api", "platform/web"] {
            #expect(try r.value("push_rules.get('\(path)').prevent_secrets") == "true")
        }
        #expect(try r.value("select(2, pcall(push_rules.get, 'data')).status") == "404")
        let again = try r.recipe("enforce-push-rules.lua", ["platform", "--json"])
        #expect(again.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test(arguments: GroveTarget.Kind.allCases)
    func reorganiseChecksEveryMoveFirst(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind)
        let bad = r.dir.appendingPathComponent("bad.csv").path
        try "source_path,new_parent_path\nplatform/web,data\nplatform/api,platform/api\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let before = try r.changeCount()
        let refused = try r.recipe("reorganise.lua", [bad])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("1 of 2 moves would fail; nothing was changed"))
        #expect(refused.stderr.contains("line 3: platform/api -> platform/api"))
        #expect(try r.changeCount() == before)
        #expect(try r.value("groups.get('platform/web').full_path") == "\"platform/web\"")

        let good = r.dir.appendingPathComponent("good.csv").path
        try "source_path,new_parent_path\nplatform/web,data\n\"platform/api\",\n".write(toFile: good, atomically: true, encoding: .utf8)
        try r.expectDryRunChangesNothing("reorganise.lua", [good])
        let run = try r.recipe("reorganise.lua", [good])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2 groups moved"))
        #expect(try r.value("groups.get('data/web').full_path") == "\"data/web\"")
        #expect(try r.value("groups.get('api').parent_id == grove.null") == "true")
    }

    @Test(arguments: GroveTarget.Kind.allCases)
    func rotateTokensWritesValuesOnlyToAPrivateFile(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind)
        let out = r.dir.appendingPathComponent("new-tokens.txt").path
        let rehearsalFile = r.dir.appendingPathComponent("rehearsal.txt").path
        try r.expectDryRunChangesNothing("rotate-tokens.lua", ["30", rehearsalFile])
        // A rehearsal's tokens never exist: none is written where the real ones go.
        #expect(!FileManager.default.fileExists(atPath: rehearsalFile), "a dry run wrote \(rehearsalFile)")
        if kind == .embedded {
            let said = try r.recipe("rotate-tokens.lua", ["30", rehearsalFile], dryRun: true)
            #expect(said.stderr.contains("a rehearsal writes no secrets; \(rehearsalFile) is left as it was"), "\(said.stderr)")
        }
        let run = try r.recipe("rotate-tokens.lua", ["30", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("rotated team-a / deploy-bot / due-soon"))
        #expect(run.stdout.contains("1 token rotated"))
        #expect(!run.stdout.contains("glpat-"), "token values must not be printed")
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.hasPrefix("team-a deploy-bot due-soon glpat-"))
        let tokens = try r.value("""
            local bot = users.list{username = 'deploy-bot'}:first(1)[1]
            local states = {}
            for t in service_accounts.list_tokens('team-a', bot.id) do states[#states + 1] = t.name .. '=' .. tostring(t.revoked) end
            table.sort(states) return table.concat(states, ' ')
            """)
        #expect(tokens == "\"due-later=false due-soon=false due-soon=true forever=false\"")
    }

    @Test(arguments: GroveTarget.Kind.allCases)
    func auditReportsEachKindOfFinding(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind)
        let run = try r.recipe("audit.lua", ["--json"])
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
        let table = try r.recipe("audit.lua", [])
        #expect(table.stdout.contains("check"))
        #expect(table.stdout.contains("developers may force-push"))
    }

    @Test(arguments: GroveTarget.Kind.allCases)
    func secretPushProtection(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind)
        let gateway = try r.value("groups.projects('platform', {include_subgroups = true}):first(1)[1].id")
        try r.expectDryRunChangesNothing("secret-push-protection.lua", ["platform*"])
        let run = try r.recipe("secret-push-protection.lua", ["platform*", "--exclude", "999999"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("enabled  platform"))
        #expect(run.stdout.contains("Project with id 999999 does not belong"))
        #expect(run.stdout.contains("1 group updated"), "subgroups are covered by platform")
        #expect(try r.value("security.get_project(\(gateway)).secret_push_protection_enabled") == "true")
        #expect(try r.value("security.get_project('data/warehouse').secret_push_protection_enabled") == "false")
    }

    @Test(arguments: GroveTarget.Kind.allCases)
    func tourRunsTwice(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind)
        let first = try r.recipe("tour.lua", [])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains(kind == .remote ? "the GitLab at http://127.0.0.1:" : "the embedded store at"))
        let before = try r.changeCount()
        let second = try r.recipe("tour.lua", [])
        #expect(second.status == 0, "a second tour finds everything in place: \(second.stderr)")
        #expect(second.stdout.contains("platform: already there"))
        #expect(!second.stdout.contains("marked:"), "the sandbox is deleted and restored on the first run only")
        #expect(try r.changeCount() == before, "a second tour changes nothing: \(second.stdout)")
    }

    // MARK: Reported bugs

    /// A run that stops part-way (here alice may rotate a-team's tokens, then gets a 403 on
    /// data's service accounts) keeps the values it rotated in the 0600 file.
    @Test(arguments: GroveTarget.Kind.allCases)
    func rotateTokensKeepsWhatItRotatedWhenStoppedPartWay(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind, seed: RecipeRun.seed + "\n" + """
            local alice = users.create{username = "alice", name = "Alice", email = "alice@example.com"}
            groups.create{name = "a-team", path = "a-team", visibility = "internal"}
            members.add("a-team", {user_id = alice.id, access_level = 50})
            local bot = service_accounts.create("a-team", {username = "early-bot"})
            service_accounts.create_token("a-team", bot.id, {name = "early", scopes = {"api"}, expires_at = soon})
            """)
        let out = r.dir.appendingPathComponent("rotated.txt").path
        let run = try r.grove(["--as", "alice", "run", RecipeRun.recipes.appendingPathComponent("rotate-tokens.lua").path, "30", out])
        #expect(run.status != 0, "alice may not list data's service accounts: \(run.stdout)")
        #expect(run.stderr.contains("403"), "\(run.stderr)")
        #expect(run.stdout.contains("rotated a-team / early-bot / early"), "\(run.stdout)")
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written.hasPrefix("a-team early-bot early glpat-"), "the rotated value is kept: \(written)")
        #expect(written.split(separator: "\n").count == 1)
        #expect(!run.stdout.contains("glpat-") && !run.stderr.contains("glpat-"), "token values must not be printed")
        // The file is appended to, never emptied: a second run keeps the first one's values.
        let rerun = try r.grove(["--as", "alice", "run", RecipeRun.recipes.appendingPathComponent("rotate-tokens.lua").path, "30", out])
        #expect(rerun.status != 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == written, "nothing left to rotate in a-team, nothing lost")
    }

    /// New tokens expire after the window (DAYS + 7 days), not on GitLab's 7-day default
    /// inside it: a second run with the same DAYS rotates nothing.
    @Test(arguments: GroveTarget.Kind.allCases)
    func rotateTokensTwiceRotatesOnce(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind, seed: RecipeRun.seed + "\nsettings.integrations.update{service_access_tokens_expiration_enforced = true}")
        let inWindow = try r.value("os.date('!%Y-%m-%d', os.time() + 10 * 86400)").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        let before = try r.changeCount()
        for bad in [["--expires-at", "soon"], ["--expires-at", "2025-02-30"], ["--expires-at", inWindow]] {
            let refused = try r.recipe("rotate-tokens.lua", ["14", r.dir.appendingPathComponent("refused.txt").path] + bad)
            #expect(refused.status == 2, "\(bad): \(refused.stderr)")
            #expect(refused.stderr.contains("--expires-at") && !refused.stderr.contains("traceback"), "\(refused.stderr)")
        }
        #expect(try r.changeCount() == before, "a refused --expires-at rotates nothing")
        let expected = try r.value("os.date('!%Y-%m-%d', os.time() + 21 * 86400)").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        let first = try r.recipe("rotate-tokens.lua", ["14", r.dir.appendingPathComponent("first.txt").path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("1 token rotated"), "\(first.stdout)")
        #expect(first.stdout.contains("now \(expected))"), "DAYS + 7 days: \(first.stdout)")
        let second = try r.recipe("rotate-tokens.lua", ["14", r.dir.appendingPathComponent("second.txt").path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("0 tokens rotated"), "\(second.stdout)")
    }

    /// --push/--merge/--unprotect take GitLab's levels by number or name; anything else is a
    /// usage error naming the option before anything changes. Levels not given are kept.
    @Test(arguments: GroveTarget.Kind.allCases)
    func protectBranchesChecksLevelsAndKeepsWhatIsNotGiven(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind)
        let before = try r.changeCount()
        for (option, value) in [("--push", "dev"), ("--push", "50"), ("--merge", "owner"), ("--unprotect", "-1"), ("--merge", "")] {
            let refused = try r.recipe("protect-branches.lua", ["team-*", "release/*", option, value])
            #expect(refused.status == 2, "\(option) \(value): \(refused.stderr)")
            #expect(refused.stderr.contains("\(option): "), "\(refused.stderr)")
            #expect(refused.stderr.contains("usage: grove recipe protect-branches"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("traceback"), "\(refused.stderr)")
        }
        #expect(try r.changeCount() == before, "a refused level changes nothing")

        let named = try r.recipe("protect-branches.lua", ["team-a", "release/*", "--push", "developer", "--merge", "No one"])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(try r.value("branches.get('team-a', 'release/*').push_access_levels[1].access_level") == "30")
        #expect(try r.value("branches.get('team-a', 'release/*').merge_access_levels[1].access_level") == "0")
        #expect(try r.value("branches.get('team-a', 'release/*').unprotect_access_levels[1].access_level") == "40", "GitLab's default")

        // team-b's main: push 30, merge 40 and force push allowed (the seed). Only --merge is given.
        let merge = try r.recipe("protect-branches.lua", ["team-b", "main", "--merge", "developer"])
        #expect(merge.stdout.contains("0 protected, 1 updated, 0 unchanged"), "\(merge.stdout)")
        #expect(try r.value("branches.get('team-b', 'main').push_access_levels[1].access_level") == "30", "push kept")
        #expect(try r.value("branches.get('team-b', 'main').allow_force_push") == "true", "force push kept")
        #expect(try r.value("branches.get('team-b', 'main').merge_access_levels[1].access_level") == "30")
        let off = try r.recipe("protect-branches.lua", ["team-b", "main", "--no-force-push"])
        #expect(off.stdout.contains("0 protected, 1 updated, 0 unchanged"), "\(off.stdout)")
        #expect(try r.value("branches.get('team-b', 'main').allow_force_push") == "false")
        #expect(try r.value("branches.get('team-b', 'main').push_access_levels[1].access_level") == "30")
    }

    /// Every recipe answers --help and -h with its header and `usage: grove recipe NAME`,
    /// exit 0, and writes nothing (the tour included).
    @Test func everyRecipeAnswersHelp() throws {
        let r = try RecipeRun(.embedded)
        let names = try FileManager.default.contentsOfDirectory(atPath: RecipeRun.recipes.path)
            .filter { $0.hasSuffix(".lua") }.map { String($0.dropLast(4)) }.sorted()
        #expect(names.count >= 8)
        let before = try r.changeCount()
        let outfile = r.dir.appendingPathComponent("help-tokens.txt").path
        for name in names {
            for flag in ["--help", "-h"] {
                let arguments = name == "rotate-tokens" ? ["14", outfile, flag] : [flag]
                let help = try r.grove(["recipe", name] + arguments)
                #expect(help.status == 0, "\(name) \(flag): \(help.stderr)")
                #expect(help.stdout.contains("usage: grove recipe \(name)"), "\(name) \(flag): \(help.stdout)")
                #expect(help.stdout.contains("Purpose:") && help.stdout.contains("Arguments:"), "\(name) \(flag): \(help.stdout)")
                #expect(help.stderr.isEmpty, "\(name) \(flag): \(help.stderr)")
            }
        }
        #expect(try r.changeCount() == before, "--help wrote to the store")
        #expect(!FileManager.default.fileExists(atPath: outfile), "rotate-tokens --help wrote its OUTFILE")
        let unknown = try r.grove(["recipe", "audit", "--bogus"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown option --bogus\nusage: grove recipe audit [--json]"), "\(unknown.stderr)")
    }

    /// A maintainer may not list hooks or service accounts: the audit says so and goes on.
    @Test(arguments: GroveTarget.Kind.allCases)
    func auditAsAMaintainerReportsWhatItCannotSee(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind, seed: RecipeRun.seed + "\n" + """
            local alice = users.create{username = "alice", name = "Alice", email = "alice@example.com"}
            members.add("platform", {user_id = alice.id, access_level = 40})
            """)
        let run = try r.grove(["--as", "alice", "run", RecipeRun.recipes.appendingPathComponent("audit.lua").path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("traceback"), "\(run.stderr)")
        let findings = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: String]] ?? []
        #expect(findings.contains { $0["check"] == "not visible" && $0["group"] == "platform" && $0["detail"] == "hooks.list: 403 Forbidden" },
                "\(findings)")
        #expect(findings.contains { $0["check"] == "not visible" && $0["group"] == "team-a" && ($0["detail"] ?? "").hasPrefix("service_accounts.list: 403") },
                "\(findings)")
        // A push rule alice may not read is not a missing one.
        #expect(!findings.contains { $0["check"] == "no push rule" && $0["group"] == "team-a" }, "\(findings)")
        #expect(findings.contains { $0["check"] == "not visible" && $0["group"] == "team-a" && $0["detail"] == "push_rules.get: needs the Maintainer role" },
                "\(findings)")
    }

    @Test(arguments: GroveTarget.Kind.allCases)
    func reorganiseNamesAnUnusableFileAndCountsInEnglish(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind)
        let before = try r.changeCount()
        let missing = r.dir.appendingPathComponent("missing.csv").path
        let absent = try r.recipe("reorganise.lua", [missing])
        #expect(absent.status == 2, "\(absent.stderr)")
        #expect(absent.stderr.contains("reorganise: \(missing): No such file or directory"), "\(absent.stderr)")
        #expect(!absent.stderr.contains("traceback"), "\(absent.stderr)")
        let short = r.dir.appendingPathComponent("short.csv").path
        try "source_path,new_parent_path\nplatform/web,data\nplatform/api\n".write(toFile: short, atomically: true, encoding: .utf8)
        let shortRow = try r.recipe("reorganise.lua", [short])
        #expect(shortRow.status == 2, "\(shortRow.stderr)")
        #expect(shortRow.stderr.contains("reorganise: \(short): line 3 has 1 field"), "\(shortRow.stderr)")
        #expect(!shortRow.stderr.contains("traceback"), "\(shortRow.stderr)")
        #expect(try r.changeCount() == before)

        let one = r.dir.appendingPathComponent("one.csv").path
        try "source_path,new_parent_path\nplatform/web,data\n".write(toFile: one, atomically: true, encoding: .utf8)
        let run = try r.recipe("reorganise.lua", [one])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("1 group moved") && !run.stdout.contains("1 groups"), "\(run.stdout)")
    }

    @Test(arguments: GroveTarget.Kind.allCases)
    func secretPushProtectionReportsOnlyRealChanges(_ kind: GroveTarget.Kind) throws {
        let r = try RecipeRun(kind)
        let first = try r.recipe("secret-push-protection.lua", ["platform*"])
        #expect(first.stdout.contains("1 group updated, 0 unchanged"), "\(first.stdout)")
        let before = try r.changeCount()
        let again = try r.recipe("secret-push-protection.lua", ["platform*"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("unchanged platform"), "\(again.stdout)")
        #expect(again.stdout.contains("0 groups updated, 1 unchanged"), "\(again.stdout)")
        #expect(try r.changeCount() == before, "a re-run changes nothing")
        let off = try r.recipe("secret-push-protection.lua", ["platform*", "--disable"])
        #expect(off.stdout.contains("1 group updated, 0 unchanged"), "\(off.stdout)")
    }
}

/// One seeded store and the recipes run against it through `kind`.
final class RecipeRun {
    let target: GroveTarget
    var dir: URL { target.dir }

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

    init(_ kind: GroveTarget.Kind, seed: String = RecipeRun.seed) throws {
        target = try GroveTarget(kind, seed: seed)
    }

    func grove(_ arguments: [String]) throws -> GroveProcess.Output { try target.grove(arguments) }

    func recipe(_ name: String, _ arguments: [String], dryRun: Bool = false) throws -> GroveProcess.Output {
        try grove(["run"] + (dryRun ? ["--dry-run"] : []) + [Self.recipes.appendingPathComponent(name).path] + arguments)
    }

    func value(_ expression: String) throws -> String {
        let result = try grove(["-e", expression])
        #expect(result.status == 0, "\(expression): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    /// Every committed change writes an audit event: equal counts, nothing written.
    func changeCount() throws -> String { try value("audit.list{}:count()") }

    /// Runs the recipe with --dry-run first and checks that nothing changed; a remote
    /// connection refuses the dry run before anything runs.
    func expectDryRunChangesNothing(_ name: String, _ arguments: [String]) throws {
        let before = try changeCount()
        let rehearsal = try recipe(name, arguments, dryRun: true)
        switch target.kind {
        case .embedded:
            #expect(rehearsal.status == 0, "\(name) --dry-run: \(rehearsal.stderr)")
            #expect(rehearsal.stdout.contains("nothing was written"))
        case .remote:
            #expect(rehearsal.status != 0)
            #expect(rehearsal.stderr.contains("--dry-run needs the embedded store"), "\(rehearsal.stderr)")
        }
        #expect(try changeCount() == before, "\(name) --dry-run wrote something")
    }
}
