import Foundation
import GroveFormats

/// Turns create/update parameters into group settings: which a caller may set, the
/// emails_enabled/emails_disabled pair, and per-attribute checks. One place for both services.
struct GroupAttributes {
    let ctx: OperationContext

    /// Settings only instance administrators may set (`ee/lib/ee/api/groups.rb`).
    static let adminOnly: Set<String> = ["shared_runners_minutes_limit", "extra_shared_runners_minutes_limit"]
    /// Settings that exist only on top-level groups; ignored on subgroups.
    static let topLevelOnly: Set<String> = ["prevent_sharing_groups_outside_hierarchy", "unique_project_download_limit",
                                            "unique_project_download_limit_interval_in_seconds", "unique_project_download_limit_allowlist",
                                            "unique_project_download_limit_alertlist", "auto_ban_user_on_excessive_projects_download"]
    static let allowedAvatarExtensions = ["png", "jpg", "jpeg", "gif", "bmp", "tiff", "ico", "webp"]
    static let maxAvatarBytes = 200 * 1024

    /// The settings present in `params` that this caller may set on this group, in
    /// parameter order. Forbidden ones are dropped silently, as GitLab's update does.
    func settings(from params: Params, topLevel: Bool) -> [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        for (name, value) in params.values where GroupSettings.names.contains(name) {
            if Self.adminOnly.contains(name) && !ctx.caller.isAdmin { continue }
            if Self.topLevelOnly.contains(name) && !topLevel { continue }
            out.append((name, value.isNull && GroupSettings.nullIsDefault.contains(name) ? GroupSettings.defaults[name] ?? .null : value))
        }
        // emails_disabled is the deprecated inverse of emails_enabled; keep both in step.
        if let enabled = params.bool("emails_enabled") {
            out.removeAll { $0.0 == "emails_disabled" }
            out.append(("emails_disabled", .bool(!enabled)))
        } else if let disabled = params.bool("emails_disabled") {
            out.append(("emails_enabled", .bool(!disabled)))
        }
        return out
    }

    /// Range and shape checks of settings values (`errors.add` in the models).
    func errors(_ settings: [(String, JSONValue)]) -> FieldErrors {
        var errors = FieldErrors()
        for (name, value) in settings {
            switch name {
            case "default_branch_protection":
                if let v = value.intValue, !(0...4).contains(v) { errors.add(name, "is not included in the list") }
            case "two_factor_grace_period":
                // `validates :two_factor_grace_period, presence: true, numericality: ...` (group.rb)
                if value.isNull {
                    errors.add(name, "can't be blank")
                    errors.add(name, "is not a number")
                } else if let v = value.intValue, v < 0 { errors.add(name, "must be greater than or equal to 0") }
            case "shared_runners_minutes_limit", "extra_shared_runners_minutes_limit":
                if let v = value.intValue, v < 0 { errors.add(name, "must be greater than or equal to 0") }
            case "unique_project_download_limit":
                if let v = value.intValue, !(0...10_000).contains(v) { errors.add(name, "must be less than or equal to 10000") }
            case "unique_project_download_limit_interval_in_seconds":
                if let v = value.intValue, !(0...864_000).contains(v) { errors.add(name, "must be less than or equal to 864000") }
            case "unique_project_download_limit_allowlist", "unique_project_download_limit_alertlist":
                if let v = value.arrayValue, v.count > 100 { errors.add(name, "exceeds maximum length (100 usernames)") }
            case "default_branch_protection_defaults":
                for key in ["allowed_to_push", "allowed_to_merge"] {
                    for item in value[key]?.arrayValue ?? [] {
                        if let level = item["access_level"]?.intValue, ![30, 40].contains(level) { errors.add(name, "\(key) access level must be Developer (30) or Maintainer (40)") }
                    }
                }
            case "ip_restriction_ranges":
                if let s = value.stringValue, !s.isEmpty, s.split(separator: ",").contains(where: { !Self.looksLikeIPRange($0.trimmingCharacters(in: .whitespaces)) }) {
                    errors.add(name, "is invalid")
                }
            default: break
            }
        }
        return errors
    }

    static func looksLikeIPRange(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        let host = String(parts[0])
        let isV4 = host.split(separator: ".", omittingEmptySubsequences: false).count == 4 &&
            host.split(separator: ".").allSatisfy { UInt8($0) != nil }
        let isV6 = host.contains(":") && host.allSatisfy { $0.isHexDigit || $0 == ":" }
        guard isV4 || isV6 else { return false }
        if parts.count == 2 { guard let bits = Int(parts[1]), (0...(isV4 ? 32 : 128)).contains(bits) else { return false } }
        return true
    }

    /// An avatar upload: image types only, 200 KiB at most.
    func avatarErrors(_ file: UploadedFile) -> [String] {
        var errors: [String] = []
        let ext = (file.filename as NSString).pathExtension.lowercased()
        if !Self.allowedAvatarExtensions.contains(ext) {
            errors.append("file format is not supported. Please try one of the following supported formats: \(Self.allowedAvatarExtensions.joined(separator: ", "))")
        }
        if file.data.count > Self.maxAvatarBytes { errors.append("is too big (should be at most 200 KiB)") }
        return errors
    }

    /// Non-admins may not pick a level the administrator restricted.
    func restrictedVisibilityError(_ v: Visibility) throws -> String? {
        guard !ctx.caller.isAdmin, try ctx.settings.restrictedVisibilityLevels.contains(v) else { return nil }
        return VisibilityRules.restrictedMessage(v)
    }

    /// `GR1348941` + 20 random alphanumerics, from three system random words read in one
    /// call (not one per word, nor per character).
    static func newRunnersToken() -> String {
        var words = [UInt64](repeating: 0, count: 3)
        words.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
        var bytes: [UInt8] = Array("GR1348941".utf8)
        bytes.reserveCapacity(29)
        for i in 0..<20 {
            bytes.append(tokenAlphabet[Int(words[i % 3] % UInt64(tokenAlphabet.count))])
            words[i % 3] /= UInt64(tokenAlphabet.count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let tokenAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
}
