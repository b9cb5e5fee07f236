import Foundation

/// GitLab's path rules for groups (`namespace.rb`, `path_regex.rb`, `abstract_path_validator.rb`).
enum PathRules {
    static let maxLength = 255

    /// `Gitlab::PathRegex::TOP_LEVEL_ROUTES` (doc/user/reserved_names.md).
    static let topLevelRoutes: Set<String> = [
        "-", ".well-known", "404.html", "422.html", "500.html", "502.html", "503.html", "admin", "api",
        "apple-touch-icon.png", "assets", "dashboard", "deploy.html", "explore", "favicon.ico", "favicon.png",
        "files", "groups", "health_check", "help", "import", "jwt", "login", "oauth", "profile", "projects",
        "public", "robots.txt", "s", "search", "sitemap", "sitemap.xml", "sitemap.xml.gz",
        "slash-command-logo.png", "snippets", "unsubscribes", "uploads", "users", "v2",
    ]

    /// PROJECT_WILDCARD_ROUTES ∪ GROUP_ROUTES, checked for segments below the top level.
    static let deeperRoutes: Set<String> = [
        "-", "badges", "blame", "blob", "builds", "commits", "create", "create_dir", "edit", "environments/folders",
        "files", "find_file", "gitlab-lfs/objects", "info/lfs/objects", "new", "preview", "raw", "refs", "tree",
        "update", "wikis",
    ]

    static let formatMessage = "can only include non-accented letters, digits, '_', '-' and '.'. It must not start with '-', '_', or '.', nor end with '-', '_', '.', '.git', or '.atom'."
    static let namespaceFormatMessage = "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-' or end in '.', '.git' or '.atom'."

    private static let pathRegex = try! NSRegularExpression(pattern: "\\A[a-zA-Z0-9]+([._-][a-zA-Z0-9]+)*\\z")
    private static let namespaceRegex = try! NSRegularExpression(pattern: "\\A(?:[a-zA-Z0-9_.][a-zA-Z0-9_\\-.]{0,254}[a-zA-Z0-9_\\-]|[a-zA-Z0-9_])\\z")

    static func matches(_ regex: NSRegularExpression, _ s: String) -> Bool {
        regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    /// Format errors for `path`. `changed` mirrors GitLab: the stricter checks run only
    /// when the path is new or changes, so legacy paths stay valid.
    static func errors(path: String, topLevel: Bool, changed: Bool) -> [String] {
        if path.trimmingCharacters(in: .whitespaces).isEmpty { return ["can't be blank"] }
        var errors: [String] = []
        if path.count > maxLength { errors.append("is too long (maximum is \(maxLength) characters)") }
        guard changed else { return errors }
        if path.count < 2 { errors.append("is too short (minimum is 2 characters)") }
        let lower = path.lowercased()
        let endsBadly = lower.hasSuffix(".git") || lower.hasSuffix(".atom")
        if !matches(pathRegex, path) || endsBadly { errors.append(formatMessage) }
        if !matches(namespaceRegex, path) || endsBadly {
            errors.append(namespaceFormatMessage)
        } else if (topLevel ? topLevelRoutes : deeperRoutes).contains(lower) {
            errors.append("\(path) is a reserved name")
        }
        return errors
    }
}

/// Group name rules (`namespace.rb`, `group.rb`, `html_safety_validator.rb`).
enum NameRules {
    static let maxLength = 255
    static let formatMessage = "can contain only letters, digits, emoji, '_', '.', dash, space, parenthesis. It must start with letter, digit, emoji or '_'."
    static let htmlMessage = "cannot contain HTML/XML tags, including any word between angle brackets (<,>)."

    private static let nameRegex = try! NSRegularExpression(pattern: "\\A[\\p{Alnum}\\x{00A9}-\\x{1F9FF}_][\\p{Alnum}\\p{Pd}\\x{00A9}-\\x{1F9FF}_()\\. ]*\\z")
    private static let htmlRegex = try! NSRegularExpression(pattern: "<[^<>]*>")

    static func errors(name: String) -> [String] {
        if name.trimmingCharacters(in: .whitespaces).isEmpty { return ["can't be blank"] }
        var errors: [String] = []
        if name.count > maxLength { errors.append("is too long (maximum is \(maxLength) characters)") }
        if !PathRules.matches(nameRegex, name) { errors.append(formatMessage) }
        if PathRules.matches(htmlRegex, name) { errors.append(htmlMessage) }
        return errors
    }
}

/// Visibility rules between a group, its parent, its subgroups and its projects
/// (`group.rb` validations; texts from behaviour doc §3). Errors sit on `visibility_level`.
enum VisibilityRules {
    static let field = "visibility_level"

    static func parentMessage(_ v: Visibility, parent: Visibility) -> String {
        "\(v.name) is not allowed since the parent group has a \(parent.name) visibility."
    }
    static func projectsMessage(_ v: Visibility) -> String { "\(v.name) is not allowed since this group contains projects with higher visibility." }
    static func subgroupsMessage(_ v: Visibility) -> String { "\(v.name) is not allowed since there are sub-groups with higher visibility." }
    static func restrictedMessage(_ v: Visibility) -> String { "\(v.name) has been restricted by your GitLab administrator" }

    /// A project may not be more visible than its group (`project.rb`).
    static func projectMessage(_ v: Visibility, group: Visibility) -> String { "\(v.name) is not allowed in a \(group.name) group." }
}
