import Foundation
import Testing

/// `grove plan` against `grove serve`, then `grove apply --plan` of the same script: the
/// plan lists exactly the changes the server then records in its audit events (same
/// actions, objects and attributes, in the same order); a change the core refuses is
/// refused on apply too; a plan made on a state that has changed since is not applied.
@Suite("grove plan and apply")
struct PlanTests {
    static func recipe(_ name: String) -> String { RecipeRun.recipes.appendingPathComponent(name).path }

    /// A served store seeded as the recipe tests seed theirs.
    final class Served {
        let target: GroveTarget
        let server: GroveServe
        var dir: URL { target.dir }

        init(seed: String = RecipeRun.seed) throws {
            target = try GroveTarget(.remote, seed: seed)
            server = try #require(target.server)
        }

        /// grove with --url and the administrator's token (or `token`).
        func grove(_ arguments: [String], token: String? = nil) throws -> GroveProcess.Output {
            try GroveProcess.run(["--url", server.url] + arguments, environment: ["GITLAB_TOKEN": token ?? server.token])
        }

        /// The served store's audit events after `id`, oldest first, as the REST API answers
        /// (read with curl: through Lua an empty JSON array would read back as an object).
        /// One page of `GET /audit_events` (`query` after the `?`).
        func auditPage(_ query: String) throws -> [[String: Any]] {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            curl.arguments = ["curl", "-sf", "-H", "PRIVATE-TOKEN: \(server.token)", "\(server.url)/api/v4/audit_events?\(query)"]
            let out = Pipe()
            curl.standardOutput = out
            try curl.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            curl.waitUntilExit()
            #expect(curl.terminationStatus == 0, "curl audit_events: \(curl.terminationStatus)")
            return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        }

        /// Every event after `id`, oldest first, page after page.
        func events(after id: Int) throws -> [[String: Any]] {
            var all: [[String: Any]] = []
            for page in 1... {
                let items = try auditPage("after_id=\(id)&per_page=100&page=\(page)")
                all += items
                if items.count < 100 { break }
            }
            return all
        }

        func lastEventId() throws -> Int {
            try auditPage("order=desc&per_page=1").first?["id"] as? Int ?? 0
        }

        func token(for username: String) throws -> String {
            let minted = try GroveProcess.run(["admin", "token", "--db", target.db, "--user", username, "--scopes", "api"])
            return minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// What identifies a change on both sides: the action, the object and its attributes.
    /// The id a rotated token gets is the GitLab's to assign: the plan says so instead of
    /// the mirror's, and the applied event's id is read the same way.
    static func comparable(_ event: [String: Any]) throws -> String {
        var kept = ["action", "entity_type", "entity_path", "changes"].reduce(into: [String: Any]()) { out, key in out[key] = event[key] ?? NSNull() }
        kept["changes"] = (event["changes"] as? [[String: Any]] ?? []).map { change in
            guard change["attribute"] as? String == "rotated_from", !(change["to"] is NSNull) else { return change }
            return change.merging(["to": "(assigned on apply)"]) { $1 }
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Plans `script` with `planArguments` (`--group`...), applies the plan, and expects the
    /// plan's changes to be the audit events the apply recorded. Answers the plan.
    @discardableResult
    static func expectPlanIsApplied(_ served: Served, _ script: String, _ arguments: [String], planArguments: [String] = [],
                                    expectChanges: Bool = true) throws -> [String: Any] {
        let planned = try served.grove(["plan", "--json"] + planArguments + [script] + arguments)
        #expect(planned.status == 0, "plan \(script): \(planned.stderr)")
        let plan = try JSONSerialization.jsonObject(with: Data(planned.stdout.utf8)) as? [String: Any] ?? [:]
        let planFile = served.dir.appendingPathComponent("plan.json").path
        try planned.stdout.write(toFile: planFile, atomically: true, encoding: .utf8)
        let changes = plan["changes"] as? [[String: Any]] ?? []
        if expectChanges { #expect(!changes.isEmpty, "\(script) plans no change: \(planned.stdout)") }

        let before = try served.lastEventId()
        let applied = try served.grove(["apply", "--plan", planFile])
        #expect(applied.status == 0, "apply \(script): \(applied.stderr)")
        let recorded = try served.events(after: before).map(comparable), plannedChanges = try changes.map(comparable)
        #expect(plannedChanges == recorded)
        return plan
    }

    @Test func protectBranchesOnEveryTopLevelGroup() throws {
        let served = try Served()
        let plan = try Self.expectPlanIsApplied(served, Self.recipe("protect-branches.lua"), ["team-*", "release/*", "--push", "40", "--merge", "30"])
        #expect((plan["all_top_level_groups"] as? Bool) == true)
        #expect((plan["state"] as? [Any])?.count == 6, "every group below the four top-level ones")
    }

    @Test func enforcePushRulesOnASubtree() throws {
        let served = try Served()
        let text = try served.grove(["plan", "--group", "platform", Self.recipe("enforce-push-rules.lua"), "platform"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("push rule\n  + create push rule of platform: commit_message_negative_regex = "), "\(text.stdout)")
        #expect(text.stdout.contains("3 to create, 0 to change, 0 to delete, 0 refused"), "\(text.stdout)")
        let plan = try Self.expectPlanIsApplied(served, Self.recipe("enforce-push-rules.lua"), ["platform"], planArguments: ["--group", "platform"])
        #expect((plan["summary"] as? [String: Int])?["create"] == 3)
        let again = try served.grove(["plan", "--group", "platform", Self.recipe("enforce-push-rules.lua"), "platform"])
        #expect(again.stdout.contains("0 to create, 0 to change, 0 to delete, 0 refused"), "applied already: \(again.stdout)")
    }

    @Test func reorganiseMovesGroups() throws {
        let served = try Served()
        let moves = served.dir.appendingPathComponent("moves.csv").path
        try "source_path,new_parent_path\nplatform/web,data\n\"platform/api\",\n".write(toFile: moves, atomically: true, encoding: .utf8)
        let plan = try Self.expectPlanIsApplied(served, Self.recipe("reorganise.lua"), [moves])
        #expect((plan["summary"] as? [String: Int])?["change"] == 2)
    }

    @Test func rotateTokensOfServiceAccounts() throws {
        let served = try Served()
        let tokens = served.dir.appendingPathComponent("new-tokens.txt").path
        let plan = try Self.expectPlanIsApplied(served, Self.recipe("rotate-tokens.lua"), ["30", tokens])
        let lines = (plan["changes"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? String }
        #expect(lines.contains { $0.hasPrefix("~ rotate personal access token due-soon of deploy-bot: rotated_from ") && $0.contains("(assigned on apply)") }, "\(lines)")
        // The plan's tokens never existed: the file holds the one apply issued, no rehearsal's.
        let written = try String(contentsOfFile: tokens, encoding: .utf8).split(separator: "\n")
        #expect(written.count == 1 && written.first?.hasPrefix("team-a deploy-bot due-soon glpat-") == true, "\(written.count) lines")
    }

    @Test func secretPushProtectionOnProjects() throws {
        let served = try Served()
        try Self.expectPlanIsApplied(served, Self.recipe("secret-push-protection.lua"), ["platform*", "--exclude", "999999"])
    }

    @Test func tourCreatesAndChanges() throws {
        let served = try Served()
        try Self.expectPlanIsApplied(served, Self.recipe("tour.lua"), [])
    }

    @Test func auditPlansNothing() throws {
        let served = try Served()
        let plan = try Self.expectPlanIsApplied(served, Self.recipe("audit.lua"), ["--json"], expectChanges: false)
        #expect((plan["changes"] as? [Any])?.isEmpty == true)
    }

    /// Users who are members of no mirrored group come from the GitLab when a script names
    /// them, by username or by id.
    @Test func usersOutsideTheMirrorAreLookedUp() throws {
        let served = try Served(seed: RecipeRun.seed + """
            users.create{username = "newcomer", name = "N", email = "n@example.com"}
            users.create{username = "other", name = "O", email = "o@example.com"}
            """)
        let id = try GroveProcess.run(["--db", served.target.db, "-e", "users.list{username = 'other'}:first(1)[1].id"])
        let script = served.dir.appendingPathComponent("add.lua").path
        try """
            members.add("platform", {user_id = users.list{username = "newcomer"}:first(1)[1].id, access_level = 30})
            members.add("platform/api", {user_id = tonumber(arg[1]), access_level = 20})
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let plan = try Self.expectPlanIsApplied(served, script, [id.stdout.trimmingCharacters(in: .whitespacesAndNewlines)],
                                                planArguments: ["--group", "platform"])
        #expect((plan["summary"] as? [String: Int])?["create"] == 2)
    }

    @Test func copyTreeFromAnotherStore() throws {
        let served = try Served(seed: CopyTreeTests.destinationSeed)
        let source = served.dir.appendingPathComponent("source.sqlite").path
        let seeded = try GroveProcess.run(["--db", source, "-e", CopyTreeTests.sourceSeed])
        #expect(seeded.status == 0, "\(seeded.stderr)")
        try Self.expectPlanIsApplied(served, CopyTreeTests.recipe, ["--from-db", source, "platform", ""])
        // Copied: a second plan has nothing to do.
        let again = try served.grove(["plan", CopyTreeTests.recipe, "--from-db", source, "platform", ""])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("0 to create, 0 to change, 0 to delete, 0 refused"), "\(again.stdout)")
    }

    @Test func aRefusedChangeIsRefusedOnApplyToo() throws {
        let served = try Served(seed: RecipeRun.seed + """
            local m = users.create{username = "maintainer", name = "M", email = "m@example.com"}
            members.add("platform", {user_id = m.id, access_level = 40})
            """)
        let script = served.dir.appendingPathComponent("owner-only.lua").path
        try """
            groups.create{name = "Tools", path = "tools", parent_id = groups.get("platform").id}
            groups.update("platform", {visibility = "private"})
            print("not reached")
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let token = try served.token(for: "maintainer")
        let before = try served.lastEventId()
        let plan = try served.grove(["plan", script], token: token)
        #expect(plan.status == 1)
        #expect(plan.stdout.contains("+ create group platform/tools"), "a maintainer may create subgroups: \(plan.stdout)")
        #expect(plan.stdout.contains("! refused groups.update platform: 403"), "\(plan.stdout)")
        #expect(plan.stdout.contains("1 to create, 0 to change, 0 to delete, 1 refused"), "\(plan.stdout)")
        #expect(!plan.stdout.contains("not reached"))
        #expect(try served.events(after: before).isEmpty, "a plan changes nothing on the GitLab")

        // A plan is applied with the rights it was made with: another user's token is refused.
        let planFile = served.dir.appendingPathComponent("maintainer-plan.json").path
        let json = try served.grove(["plan", "--json", script], token: token)
        try json.stdout.write(toFile: planFile, atomically: true, encoding: .utf8)
        let asRoot = try served.grove(["apply", "--plan", planFile])
        #expect(asRoot.status == 1 && asRoot.stderr.contains("the plan was made as @maintainer, not @root"), "\(asRoot.stderr)")
        #expect(try served.events(after: before).isEmpty, "nothing was run")

        let applied = try served.grove(["apply", script], token: token)
        #expect(applied.status == 3, "\(applied.stderr)")
        #expect(applied.stderr.contains("groups.update: 403"), "\(applied.stderr)")
        let recorded = try served.events(after: before)
        #expect(recorded.map { $0["action"] as? String } == ["group.create"])
    }

    /// os.exit would leave before the plan is printed: it ends the plan with its status.
    @Test func osExitEndsThePlanWithItsStatus() throws {
        let served = try Served()
        let moves = served.dir.appendingPathComponent("bad.csv").path
        try "source_path,new_parent_path\nplatform/web,data\nplatform/api,platform/api\n".write(toFile: moves, atomically: true, encoding: .utf8)
        let refused = try served.grove(["plan", Self.recipe("reorganise.lua"), moves])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("1 of 2 moves would fail"), "\(refused.stderr)")
        #expect(refused.stdout.contains("the script failed: the script called os.exit(1)"), "\(refused.stdout)")
        #expect(refused.stdout.contains("0 to create, 0 to change, 0 to delete, 0 refused"), "\(refused.stdout)")
        let usage = try served.grove(["plan", "--json", Self.recipe("rotate-tokens.lua"), "soon", "tokens.txt"])
        #expect(usage.status == 2, "\(usage.stderr)")
        let plan = try JSONSerialization.jsonObject(with: Data(usage.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(plan["error"] as? String == "the script called os.exit(2)", "\(usage.stdout)")
    }

    @Test func helpAndUsageErrors() throws {
        for command in ["plan", "apply"] {
            let help = try GroveProcess.run([command, "--help"])
            #expect(help.status == 0 && help.stdout.contains("USAGE: grove \(command)"), "\(help.stdout)\(help.stderr)")
            let noGitLab = try GroveProcess.run([command, "script.lua"])
            #expect(noGitLab.status == 2 && noGitLab.stderr.contains("--url or --gitlab"), "\(noGitLab.stderr)")
        }
    }

    @Test func secretsAreRedacted() throws {
        let served = try Served()
        let script = served.dir.appendingPathComponent("hook.lua").path
        try """
            hooks.add("platform", {url = "https://hooks.example.com/{team}", token = "tok-s3cret", push_events = true,
                                   url_variables = {{key = "team", value = "var-s3cret"}}, custom_headers = {{key = "X-Key", value = "hdr-s3cret"}}})
            """.write(toFile: script, atomically: true, encoding: .utf8)
        for format in [[], ["--json"]] {
            let plan = try served.grove(["plan", "--group", "platform"] + format + [script])
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("create hook"), "\(plan.stdout)")
            #expect(!plan.stdout.contains("s3cret") && !plan.stderr.contains("s3cret"), "\(plan.stdout)")
        }
    }

    @Test func aStalePlanIsNotApplied() throws {
        let served = try Served()
        let planned = try served.grove(["plan", "--json", "--group", "platform", "--group", "data", Self.recipe("enforce-push-rules.lua"), "platform"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let planFile = served.dir.appendingPathComponent("plan.json").path
        try planned.stdout.write(toFile: planFile, atomically: true, encoding: .utf8)
        let changed = try served.grove(["-e", "groups.update('platform/web', {description = 'changed after the plan'})"])
        #expect(changed.status == 0, "\(changed.stderr)")

        let before = try served.lastEventId()
        let refused = try served.grove(["apply", "--plan", planFile])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("group platform/web changed"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("group data"), "data did not change: \(refused.stderr)")
        #expect(try served.events(after: before).isEmpty, "nothing was run")

        // The instance settings a plan depends on are part of its state.
        let again = try served.grove(["plan", "--json", "--group", "data", Self.recipe("enforce-push-rules.lua"), "data"])
        try again.stdout.write(toFile: planFile, atomically: true, encoding: .utf8)
        let setting = try served.grove(["-e", "settings.update{deletion_adjourned_period = 3}"])
        #expect(setting.status == 0, "\(setting.stderr)")
        let stale = try served.grove(["apply", "--plan", planFile])
        #expect(stale.status == 1 && stale.stderr.contains("the instance settings changed"), "\(stale.stderr)")

        // An edited script is not the one planned either.
        let copy = served.dir.appendingPathComponent("edited.lua").path
        try (String(contentsOfFile: Self.recipe("enforce-push-rules.lua"), encoding: .utf8) + "\n-- edited\n").write(toFile: copy, atomically: true, encoding: .utf8)
        let edited = try served.grove(["apply", "--plan", planFile, copy, "platform"])
        #expect(edited.status == 1)
        #expect(edited.stderr.contains("is not the script planned"), "\(edited.stderr)")
    }
}
