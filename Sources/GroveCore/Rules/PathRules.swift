import Foundation

/// `s.trimmingCharacters(in: .whitespaces).isEmpty` without a trip through NSString:
/// tab and the space separators, with U+200B as Foundation's whitespace set has it.
func isBlank(_ s: String) -> Bool {
    s.unicodeScalars.allSatisfy { scalar in
        switch scalar.value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}

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

    // The regexes, hand-matched over ASCII bytes (NSRegularExpression costs more than the
    // rest of a group creation).
    private static func isAlnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }

    /// `\A[a-zA-Z0-9]+([._-][a-zA-Z0-9]+)*\z`
    static func matchesPathFormat(_ s: String) -> Bool {
        var previousSpecial = true
        for b in s.utf8 {
            if isAlnum(b) { previousSpecial = false }
            else if b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") {
                if previousSpecial { return false }
                previousSpecial = true
            } else { return false }
        }
        return !previousSpecial
    }

    /// `\A(?:[a-zA-Z0-9_.][a-zA-Z0-9_\-.]{0,254}[a-zA-Z0-9_\-]|[a-zA-Z0-9_])\z`
    static func matchesNamespaceFormat(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 256 else { return false }
        func body(_ b: UInt8) -> Bool { isAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") }
        if bytes.count == 1 { return isAlnum(first) || first == UInt8(ascii: "_") }
        return (isAlnum(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: "."))
            && bytes.allSatisfy(body) && last != UInt8(ascii: ".")
    }

    /// Format errors for `path`. `changed` mirrors GitLab: the stricter checks run only
    /// when the path is new or changes, so legacy paths stay valid.
    static func errors(path: String, topLevel: Bool, changed: Bool) -> [String] {
        if isBlank(path) { return ["can't be blank"] }
        var errors: [String] = []
        if path.count > maxLength { errors.append("is too long (maximum is \(maxLength) characters)") }
        guard changed else { return errors }
        if path.count < 2 { errors.append("is too short (minimum is 2 characters)") }
        let lower = path.lowercased()
        let endsBadly = lower.hasSuffix(".git") || lower.hasSuffix(".atom")
        if !matchesPathFormat(path) || endsBadly { errors.append(formatMessage) }
        if !matchesNamespaceFormat(path) || endsBadly {
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
    /// Groups and users alike (`length: { maximum: 255 }`).
    static func tooLong(_ name: String) -> String? { name.count > maxLength ? "is too long (maximum is \(maxLength) characters)" : nil }
    static let formatMessage = "can contain only letters, digits, emoji, '_', '.', dash, space, parenthesis. It must start with letter, digit, emoji or '_'."
    static let htmlMessage = "cannot contain HTML/XML tags, including any word between angle brackets (<,>)."

    /// `\A[\p{Alnum}\u{00A9}-\u{1f9ff}_][\p{Alnum}\p{Pd}\u{00A9}-\u{1f9ff}_()\. ]*\z`
    static func matchesNameFormat(_ name: String) -> Bool {
        var first = true
        for scalar in name.unicodeScalars {
            let p = scalar.properties
            var ok = p.isAlphabetic || p.generalCategory == .decimalNumber || (0xA9...0x1F9FF).contains(scalar.value) || scalar == "_"
            if !first { ok = ok || p.generalCategory == .dashPunctuation || "(). ".unicodeScalars.contains(scalar) }
            if !ok { return false }
            first = false
        }
        return !first
    }

    /// Any `<...>` run: what GitLab's HTML safety check rejects.
    static func containsTag(_ name: String) -> Bool {
        var open = false
        for c in name.utf8 {
            if c == UInt8(ascii: "<") { open = true } else if c == UInt8(ascii: ">") && open { return true }
        }
        return false
    }

    static func errors(name: String) -> [String] {
        if isBlank(name) { return ["can't be blank"] }
        var errors: [String] = []
        if let problem = tooLong(name) { errors.append(problem) }
        if !matchesNameFormat(name) { errors.append(formatMessage) }
        if containsTag(name) { errors.append(htmlMessage) }
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
