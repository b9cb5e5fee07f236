import GroveFormats
import GRDB

/// Evaluates a would-be push against a push rule and lists every violation with the
/// attribute that caused it (`ee/lib/gitlab/checks/push_rules/*`, `diff_check.rb`).
struct PushRuleChecker {
    /// `files_denylist.yml` (prevent_secrets).
    static let secretsDenylist = [
        #"aws\/credentials$"#,
        #"(ssh|config)\/(personal|server)_(rsa|dsa|ed25519|ecdsa|ecdsa_sk|ed25519_sk)"#,
        #"id_rsa$"#, #"id_dsa$"#, #"id_ed25519$"#, #"id_ecdsa$"#, #"id_ecdsa_sk$"#, #"id_ed25519_sk$"#,
        #"\.(pem|key)$"#, #"[._]history$"#,
    ]
    /// `PushRule::DCO_COMMIT_REGEX`
    static let dcoSignOff = #"Signed-off-by:.+<.+@.+>"#

    struct Push {
        var branchName: String?
        var commitMessage: String?
        var authorEmail: String?
        var authorName: String?
        var committerEmail: String?
        var committerName: String?
        var signed: Bool?
        var files: [(path: String, size: Int64)] = []
        var deletesTag: Bool = false
        var pusher: UserRecord?
    }

    struct Violation {
        let rule: String
        let message: String
        var json: JSONValue { .object([("rule", .string(rule)), ("message", .string(message))]) }
    }

    let db: Database

    func check(_ push: Push, against rule: PushRule) throws -> [Violation] {
        var out: [Violation] = []
        func add(_ rule: String, _ message: String) { out.append(Violation(rule: rule, message: message)) }

        if push.deletesTag && rule.flag("deny_delete_tag") { add("deny_delete_tag", "You cannot delete a tag") }
        if let pattern = rule.string("branch_name_regex"), let branch = push.branchName, !UntrustedRegexp.matches(pattern, branch) {
            add("branch_name_regex", "Branch name does not follow the pattern '\(pattern)'")
        }
        if let message = push.commitMessage {
            if let pattern = rule.string("commit_message_regex"), !UntrustedRegexp.matches(pattern, message) {
                add("commit_message_regex", "Commit message does not follow the pattern '\(pattern)'")
            }
            if let pattern = rule.string("commit_message_negative_regex"), UntrustedRegexp.matches(pattern, message) {
                add("commit_message_negative_regex", "Commit message contains the forbidden pattern '\(pattern)'")
            }
            if rule.flag("reject_non_dco_commits"), !UntrustedRegexp.matches(Self.dcoSignOff, message) {
                add("reject_non_dco_commits", "Commit message must contain a DCO signoff")
            }
        }
        if let pattern = rule.string("author_email_regex") {
            if let email = push.authorEmail, !UntrustedRegexp.matches(pattern, email) {
                add("author_email_regex", "Author's commit email '\(email)' does not follow the pattern '\(pattern)'")
            }
            if let email = push.committerEmail, !UntrustedRegexp.matches(pattern, email) {
                add("author_email_regex", "Committer's email '\(email)' does not follow the pattern '\(pattern)'")
            }
        }
        if rule.flag("member_check"), let email = push.authorEmail,
           !(try Bool.fetchOne(db, sql: UserService.emailTakenSQL, arguments: [email]) ?? false) {
            add("member_check", "Author '\(email)' is not a member of team")
        }
        if rule.flag("commit_committer_check"), let email = push.committerEmail, email.lowercased() != push.pusher?.email.lowercased() {
            add("commit_committer_check", "You cannot push commits for '\(email)'. You can only push commits if the committer email is one of your own verified emails.")
        }
        if rule.flag("commit_committer_name_check"), let name = push.authorName ?? push.committerName, name != push.pusher?.name {
            add("commit_committer_name_check", "Your git username is inconsistent with GitLab account name")
        }
        if rule.flag("reject_unsigned_commits"), push.signed != true {
            add("reject_unsigned_commits", "Commit must be signed with a GPG key")
        }
        for file in push.files {
            if let pattern = rule.string("file_name_regex"), UntrustedRegexp.matches(pattern, file.path) {
                add("file_name_regex", "File name \(file.path) was prohibited by the pattern \"\(pattern)\".")
            }
            if rule.flag("prevent_secrets"), let pattern = Self.secretsDenylist.first(where: { UntrustedRegexp.matches($0, file.path) }) {
                add("prevent_secrets", "File name \(file.path) was prohibited by the pattern \"\(pattern)\".")
            }
            // A limit too large for bytes in 64 bits (the caller's number) bounds nothing.
            let (limit, overflow) = rule.maxFileSize.multipliedReportingOverflow(by: 1024 * 1024)
            if rule.maxFileSize > 0, !overflow, file.size > limit {
                add("max_file_size", "File \"\(file.path)\" is larger than the allowed size of \(rule.maxFileSize) MiB. Use Git LFS to manage this file.")
            }
        }
        return out
    }
}
