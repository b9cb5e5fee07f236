import Testing
@testable import GroveCore

@Suite("groups.push_rule and push_rules.check")
struct PushRuleTests {
    func setup() throws -> (Fixture, Int64) {
        try Fixture.withAlpha([("bob", AccessLevel.developer), ("carol", AccessLevel.maintainer)])
    }

    @Test func lifecycle() throws {
        let (f, a) = try setup()
        #expect(f.error("groups.push_rule.get", ["id": .int(a)], as: f.user("carol"))?.json == .object([("message", "404 Not Found")]))
        let r = try f.run("groups.push_rule.create", ["id": .int(a), "prevent_secrets": true, "max_file_size": 100, "commit_message_regex": "[a-zA-Z]"], as: f.user("carol"))
        #expect(r.status == 201)
        #expect(r.body?.keys == ["id", "created_at", "commit_committer_check", "commit_committer_name_check", "reject_unsigned_commits", "reject_non_dco_commits",
                                 "commit_message_regex", "commit_message_negative_regex", "branch_name_regex", "deny_delete_tag", "member_check",
                                 "prevent_secrets", "author_email_regex", "file_name_regex", "max_file_size"])
        #expect(r.body?["prevent_secrets"] == true && r.body?["max_file_size"] == 100)
        #expect(r.body?["commit_committer_check"] == .null && r.body?["reject_unsigned_commits"] == .null)
        #expect(r.body?["commit_committer_name_check"] == false && r.body?["branch_name_regex"] == .null)
        let again = f.error("groups.push_rule.create", ["id": .int(a), "member_check": true], as: f.user("carol"))
        #expect(again?.status == 422)
        #expect(again?.json == .object([("message", "Group push rule exists, try updating")]))
        let u = try f.body("groups.push_rule.update", ["id": .int(a), "member_check": true, "reject_unsigned_commits": false], as: f.user("carol"))
        #expect(u["member_check"] == true && u["reject_unsigned_commits"] == false && u["prevent_secrets"] == true)
        #expect(try f.body("groups.push_rule.get", ["id": .int(a)], as: f.user("carol")) == u)
        #expect(try f.run("groups.push_rule.delete", ["id": .int(a)], as: f.user("carol")).status == 204)
        #expect(f.error("groups.push_rule.delete", ["id": .int(a)], as: f.user("carol"))?.status == 404)
        #expect(f.error("groups.push_rule.update", ["id": .int(a), "member_check": true], as: f.user("carol")) == APIError.notFound("Push rule"))
        let actions = try f.store.auditEvents().map(\.action)
        #expect(actions.contains("push_rule.create") && actions.contains("push_rule.update") && actions.contains("push_rule.destroy"))
    }

    @Test func validation() throws {
        let (f, a) = try setup()
        #expect(f.error("groups.push_rule.create", ["id": .int(a)], as: f.user("carol"))?.json["error"]?.stringValue?.hasSuffix("are missing, at least one parameter must be provided") == true)
        let e = f.error("groups.push_rule.create", ["id": .int(a), "branch_name_regex": "(feature", "commit_message_regex": "(?=x)", "max_file_size": -1], as: f.user("carol"))
        #expect(e?.status == 400)
        #expect(e?.fieldErrors["branch_name_regex"] == ["not valid RE2 syntax: missing ): (feature"])
        #expect(e?.fieldErrors["commit_message_regex"] == ["not valid RE2 syntax: invalid perl operator: (?="])
        #expect(e?.fieldErrors["max_file_size"] == ["must be greater than or equal to 0"])
        let long = String(repeating: "a", count: 512)
        #expect(f.error("groups.push_rule.create", ["id": .int(a), "file_name_regex": .string(long)], as: f.user("carol"))?.fieldErrors["file_name_regex"] == ["is too long (maximum is 511 characters)"])
        #expect(try f.run("groups.push_rule.create", ["id": .int(a), "commit_message_negative_regex": .string(String(repeating: "a", count: 2047))], as: f.user("carol")).status == 201)
        #expect(f.error("groups.push_rule.update", ["id": .int(a), "max_file_size": "big"], as: f.user("carol"))?.json == .object([("error", "max_file_size is invalid")]))
    }

    @Test func permissions() throws {
        let (f, a) = try setup()
        #expect(f.error("groups.push_rule.get", ["id": .int(a)], as: f.user("erin")) == APIError.notFound("Group"))
        #expect(f.error("groups.push_rule.create", ["id": .int(a), "deny_delete_tag": true], as: f.user("bob")) == APIError.notFound())
        #expect(try f.run("groups.push_rule.create", ["id": .int(a), "deny_delete_tag": true], as: f.user("alice")).status == 201)
        #expect(try f.run("groups.push_rule.get", ["id": .int(a)]).status == 200)
    }

    @Test func newProjectsReceiveACopy() throws {
        let (f, a) = try setup()
        let sub = try f.group("sub", parent: a, as: f.user("alice"))
        try f.run("groups.push_rule.create", ["id": .int(a), "deny_delete_tag": true, "branch_name_regex": "^(main|feature/.*)$"], as: f.user("alice"))
        let p = try f.project("api", in: sub, as: f.user("alice"))
        let copy = try f.body("projects.push_rule.get", ["id": .int(p)], as: f.user("alice"))
        #expect(copy["deny_delete_tag"] == true && copy["branch_name_regex"] == "^(main|feature/.*)$")
        // A copy, not a link: changing the group's rule leaves the project's alone.
        try f.run("groups.push_rule.update", ["id": .int(a), "deny_delete_tag": false], as: f.user("alice"))
        #expect(try f.body("projects.push_rule.get", ["id": .int(p)], as: f.user("alice"))["deny_delete_tag"] == true)
        let b = try f.group("beta", as: f.user("alice"))
        #expect(try f.body("projects.push_rule.get", ["id": .int(try f.project("web", in: b, as: f.user("alice")))], as: f.user("alice")) == .null)
    }

    @Test func checkerListsEveryViolation() throws {
        let (f, a) = try setup()
        try f.run("groups.push_rule.create", [
            "id": .int(a), "branch_name_regex": "^(main|feature/.*)$", "commit_message_regex": "^JIRA-\\d+", "commit_message_negative_regex": "ssh://",
            "author_email_regex": "@example\\.com$", "file_name_regex": "(jar|exe)$", "deny_delete_tag": true, "member_check": true,
            "prevent_secrets": true, "max_file_size": 1, "commit_committer_check": true, "commit_committer_name_check": true,
            "reject_unsigned_commits": true, "reject_non_dco_commits": true,
        ], as: f.user("alice"))
        let bad = try f.body("push_rules.check", [
            "id": .int(a), "branch_name": "hotfix", "commit_message": "see ssh://host", "author_email": "x@evil.org", "author_name": "X",
            "committer_email": "x@evil.org", "signed": false, "delete_tag": true,
            "files": [["path": "app.exe", "size": 10], ["path": "home/.ssh/id_rsa", "size": 1], ["path": "big.bin", "size": 2_000_000]],
        ], as: f.user("bob"))
        #expect(bad["allowed"] == false)
        let rules = bad["violations"]!.arrayValue!.map { $0["rule"]!.stringValue! }
        #expect(Set(rules) == ["deny_delete_tag", "branch_name_regex", "commit_message_regex", "commit_message_negative_regex", "reject_non_dco_commits",
                               "author_email_regex", "member_check", "commit_committer_check", "commit_committer_name_check", "reject_unsigned_commits",
                               "file_name_regex", "prevent_secrets", "max_file_size"])
        #expect(bad["violations"]!.arrayValue!.first { $0["rule"] == "prevent_secrets" }?["message"] == "File name home/.ssh/id_rsa was prohibited by the pattern \"id_rsa$\".")
        let good = try f.body("push_rules.check", [
            "id": .int(a), "branch_name": "feature/x", "commit_message": "JIRA-1 fix\n\nSigned-off-by: Bob <bob@example.com>",
            "author_email": "bob@example.com", "author_name": "bob", "committer_email": "bob@example.com", "signed": true,
            "files": [["path": "src/main.swift", "size": 100]],
        ], as: f.user("bob"))
        #expect(good["allowed"] == true)
        #expect(good["violations"] == [])
        #expect(f.error("push_rules.check", ["id": .int(a)], as: f.user("erin")) == APIError.notFound("Group"))
    }
}
