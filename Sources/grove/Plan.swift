import Foundation
import GroveCore

/// What a script would change on a GitLab (`grove plan`): the audit events the core
/// recorded while the script ran on a mirror of the groups it needs, the change the core
/// refused when one ended the script, and the state of the mirrored groups the plan was
/// made from (`grove apply --plan` checks it is still so).
struct Plan {
    /// One audit event as a line of the plan.
    struct Change {
        enum Kind: String { case create, change, delete }

        let event: AuditEvent
        let kind: Kind
        /// `group`, `member`, `hook`, `protected_branch`...: the action without its verb.
        let resource: String
        /// `create`, `update`, `transfer`, `delete`...
        let verb: String
        /// The event's changes, secrets redacted.
        let changes: [AuditEvent.Change]

        /// Verbs that add something (a share adds a link, `set` a custom attribute) and
        /// verbs that take something away; any other verb changes what is there.
        static let creating: Set<String> = ["create", "share", "set", "star", "add"]
        static let deleting: Set<String> = ["destroy", "delete", "unshare", "mark_for_deletion", "revoke", "remove"]
        /// Attributes whose new value is an id the GitLab assigns when the change is made:
        /// the mirror's would be a guess, so the plan says so instead.
        static let assignedOnApply: Set<String> = ["rotated_from"]
        static let assignedId: JSONValue = .string("(assigned on apply)")

        /// Attributes that say which one of a group's resources an event is about.
        static let identifying = ["hook_id", "user", "name", "saml_group_name", "cn", "filter", "key", "shared_with_group"]

        init(_ event: AuditEvent) {
            self.event = event
            var parts = event.action.split(separator: ".").map(String.init)
            let last = parts.count > 1 ? parts.removeLast() : "update"
            verb = last == "destroy" ? "delete" : last
            resource = parts.isEmpty ? event.action : parts.joined(separator: ".")
            // `set` over a value already there (a custom attribute) changes it.
            let overwrites = last == "set" && event.changes.contains { !$0.old.isNull }
            kind = Self.creating.contains(last) && !overwrites ? .create : Self.deleting.contains(last) ? .delete : .change
            changes = event.changes.map { change in
                let shown = Plan.redacted(change)
                guard Self.assignedOnApply.contains(shown.attribute), !shown.new.isNull else { return shown }
                return AuditEvent.Change(attribute: shown.attribute, old: shown.old, new: Self.assignedId)
            }
        }

        var target: String { event.targetPath ?? event.targetId.map { "#\($0)" } ?? event.targetType }

        var sign: String { kind == .create ? "+" : kind == .delete ? "-" : "~" }

        /// `+ create group platform/api: visibility = internal`, `~ update group platform:
        /// visibility private -> internal`, `- delete hook 12 of platform`.
        var line: String {
            let words = resource.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: ".", with: " ")
            var text = "\(sign) \(verb) \(words)"
            var shown = changes
            if resource == event.targetType.lowercased() {
                text += " " + target
            } else {
                if let i = shown.firstIndex(where: { Self.identifying.contains($0.attribute) }) {
                    let id = shown[i]
                    text += " " + Plan.show(id.new.isNull ? id.old : id.new)
                    shown.remove(at: i)
                }
                text += " of " + target
            }
            // A deletion says what goes; what it had is not a change to read.
            if kind == .delete { shown = [] }
            let details = shown.map { c in c.old.isNull ? "\(c.attribute) = \(Plan.show(c.new))" : "\(c.attribute) \(Plan.show(c.old)) -> \(Plan.show(c.new))" }
            return details.isEmpty ? text : text + ": " + details.joined(separator: ", ")
        }

        var json: JSONValue {
            .object([
                ("kind", .string(kind.rawValue)), ("resource", .string(resource)), ("action", .string(event.action)),
                ("entity_type", .string(event.targetType)), ("entity_id", event.targetId.map(JSONValue.int) ?? .null),
                ("entity_path", event.targetPath.map(JSONValue.string) ?? .null),
                ("changes", .array(changes.map { .object([("attribute", .string($0.attribute)), ("from", $0.old), ("to", $0.new)]) })),
                ("line", .string(line)),
            ])
        }
    }

    /// A change the core refused, which ended the script.
    struct Refused {
        let function: String
        let target: String?
        let status: Int
        let message: String

        var line: String { "! refused \(function)\(target.map { " " + $0 } ?? ""): \(message)" }

        var json: JSONValue {
            .object([("function", .string(function)), ("target", target.map(JSONValue.string) ?? .null),
                     ("status", .int(status)), ("message", .string(message))])
        }
    }

    /// A mirrored group as the plan saw it.
    struct GroupState: Equatable {
        let id: Int64
        let fullPath: String
        let fingerprint: String

        var json: JSONValue { .object([("id", .int(id)), ("full_path", .string(fullPath)), ("fingerprint", .string(fingerprint))]) }
    }

    static let format = "grove-plan/1"

    var origin: Origin
    var user: String
    var unreadable: [String]
    var changes: [Change] = []
    var refused: [Refused] = []
    /// The error that ended the script, when one did.
    var error: String?

    func count(_ kind: Change.Kind) -> Int { changes.filter { $0.kind == kind }.count }

    var summary: String {
        "\(count(.create)) to create, \(count(.change)) to change, \(count(.delete)) to delete, \(refused.count) refused"
    }

    /// The lines of the plan, grouped by resource in the order each first appears.
    var text: String {
        var resources: [String] = []
        for change in changes where !resources.contains(change.resource) { resources.append(change.resource) }
        var out = ""
        for resource in resources {
            out += resource.replacingOccurrences(of: "_", with: " ") + "\n"
            for change in changes where change.resource == resource { out += "  " + change.line + "\n" }
        }
        if !refused.isEmpty { out += "refused\n" }
        for refusal in refused { out += "  " + refusal.line + "\n" }
        if let error { out += "the script failed: \(error)\nthe plan above is what it did before it failed\n" }
        return out + summary + "\n"
    }

    var json: JSONValue {
        .object([
            ("format", .string(Self.format)),
            ("url", .string(origin.url)), ("user", .string(user)),
            ("script", .string(origin.script)), ("script_sha256", .string(origin.scriptDigest)),
            ("arguments", .array(origin.arguments.map(JSONValue.string))),
            ("groups", .array(origin.roots.map(JSONValue.string))), ("all_top_level_groups", .bool(origin.allTopLevel)),
            ("state", .array(origin.state.map(\.json))),
            ("settings_fingerprint", origin.settingsFingerprint.map(JSONValue.string) ?? .null),
            ("unreadable", .array(unreadable.map(JSONValue.string))),
            ("changes", .array(changes.map(\.json))),
            ("refused", .array(refused.map(\.json))),
            ("error", error.map(JSONValue.string) ?? .null),
            ("summary", .object([("create", .int(count(.create))), ("change", .int(count(.change))),
                                 ("delete", .int(count(.delete))), ("refused", .int(refused.count))])),
        ])
    }

    // MARK: Showing values

    /// Attributes whose values are secrets: the core records them redacted (`[REDACTED]`,
    /// or a hook token as `set`); the plan also hides any other value of an attribute named
    /// like a secret, in case a new one is not yet known to the core.
    static func isSecret(_ attribute: String) -> Bool {
        let name = attribute.lowercased()
        return ["token", "secret", "password"].contains { name.contains($0) }
    }

    static func redacted(_ change: AuditEvent.Change) -> AuditEvent.Change {
        guard isSecret(change.attribute) else { return change }
        func hide(_ value: JSONValue) -> JSONValue {
            switch value {
            case .null, .bool, .string("set"), .string("[REDACTED]"): value
            default: .string("[REDACTED]")
            }
        }
        return AuditEvent.Change(attribute: change.attribute, old: hide(change.old), new: hide(change.new))
    }

    /// A word as itself, anything else as JSON.
    static func show(_ value: JSONValue) -> String {
        if let text = value.stringValue, !text.isEmpty,
           text.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "_-./:*@+[]".unicodeScalars.contains($0) }) {
            return text
        }
        return JSONText.encode(value)
    }
}

extension Plan {
    /// What a plan was made from: the GitLab, the script, and the state of the mirrored
    /// groups; `grove apply --plan` reads it back from the plan's JSON.
    struct Origin {
        var url: String
        var script: String
        var scriptDigest: String
        var arguments: [String]
        /// The --group subtrees; empty with `allTopLevel`: every top-level group the token saw.
        var roots: [String]
        var allTopLevel: Bool
        var state: [GroupState]
        /// Of the instance settings the store knows; nil when the token could not read them.
        var settingsFingerprint: String?
        /// The token's user the plan ran as (read back from a plan file; nil in older ones).
        var user: String?
    }

    struct PlanFileError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension Plan.Origin {
    /// Read back from a plan's JSON.
    init(_ value: JSONValue) throws {
        guard value["format"]?.stringValue == Plan.format else { throw Plan.PlanFileError("not a plan of grove plan --json (format \(Plan.format))") }
        func string(_ key: String) throws -> String {
            guard let text = value[key]?.stringValue else { throw Plan.PlanFileError("\(key) is missing") }
            return text
        }
        func strings(_ key: String) throws -> [String] {
            guard let items = value[key]?.arrayValue else { throw Plan.PlanFileError("\(key) is missing") }
            return try items.map { item in
                guard let text = item.stringValue else { throw Plan.PlanFileError("\(key) holds a value that is not a string") }
                return text
            }
        }
        url = try string("url")
        script = try string("script")
        scriptDigest = try string("script_sha256")
        arguments = try strings("arguments")
        roots = try strings("groups")
        allTopLevel = value["all_top_level_groups"]?.boolValue ?? false
        guard let groups = value["state"]?.arrayValue else { throw Plan.PlanFileError("state is missing") }
        state = try groups.map { group in
            guard let id = group["id"]?.intValue, let path = group["full_path"]?.stringValue, let print = group["fingerprint"]?.stringValue else {
                throw Plan.PlanFileError("a group of state lacks its id, full_path or fingerprint")
            }
            return Plan.GroupState(id: id, fullPath: path, fingerprint: print)
        }
        settingsFingerprint = value["settings_fingerprint"]?.stringValue
        user = value["user"]?.stringValue
    }

    /// What differs between the recorded state and `current`: groups changed, gone or new,
    /// and the instance settings.
    func differences(from current: [Plan.GroupState], settings: String?) -> [String] {
        var out: [String] = []
        if settings != settingsFingerprint { out.append("the instance settings changed") }
        let now = Dictionary(current.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let then = Set(state.map(\.id))
        for group in state {
            guard let found = now[group.id] else { out.append("group \(group.fullPath) is gone"); continue }
            if found.fullPath != group.fullPath { out.append("group \(group.fullPath) moved to \(found.fullPath)") }
            else if found.fingerprint != group.fingerprint { out.append("group \(group.fullPath) changed") }
        }
        for group in current where !then.contains(group.id) { out.append("group \(group.fullPath) is new") }
        return out
    }
}
