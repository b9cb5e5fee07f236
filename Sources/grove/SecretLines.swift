import Foundation

/// The one rule for which shell lines spell out a secret: they stay out of the history
/// file (it outlives the session in the user's home), and `.history` and `.save` show them
/// redacted. Rough on purpose: a line is withheld when in doubt.
enum SecretLines {
    /// GitLab's token prefixes: personal, OAuth, SCIM, deploy, runner, CI job, trigger,
    /// feed, incoming mail, agent, feature flags.
    private static let tokenPrefixes = ["glpat-", "gloas-", "glsoat-", "gldt-", "glrt-", "glcbt-", "glptt-", "glft-", "glimt-",
                                        "glagent-", "glffct-"]

    /// `token = "..."`, `private_token = '...'`, `password = [[...]]`, `t["secret"] = "..."`: a
    /// credential's name given a literal string.
    private static let namedCredential = #"(?i)(token|password|passwd|secret)["']?\]?\s*=\s*["'\[]"#

    /// A hook's custom header or URL variable (`hooks.set_header(..., {value = "Bearer x"})`,
    /// `custom_headers = {{key = "X-K", value = "z"}}`): the value is the secret.
    private static let hookValueContexts = ["set_header", "set_url_variable", "custom_headers", "url_variables"]
    private static let literalValue = #"\bvalue\s*=\s*["'\[]"#

    /// A URL with userinfo: `https://admin:hunter2@host/...`, `https://TOKEN@host`.
    private static let urlUserinfo = #"[A-Za-z][A-Za-z0-9+.-]*://[^/\s"'@]+@"#

    static func holdsSecret(_ line: String) -> Bool {
        if tokenPrefixes.contains(where: line.contains) { return true }
        if matches(namedCredential, line) || matches(urlUserinfo, line) { return true }
        return hookValueContexts.contains(where: line.contains) && matches(literalValue, line)
    }

    /// What `.history` and `.save` show in place of such a line.
    static let redacted = "-- (left out: it holds a secret)"

    /// Said once a session, the first time a line is withheld.
    static let notice = "grove: a line holding a secret (a token, password, hook header or URL variable value, or a URL's user:password) is kept out of the history file, .history and .save"

    private static func matches(_ pattern: String, _ line: String) -> Bool {
        line.range(of: pattern, options: .regularExpression) != nil
    }
}
