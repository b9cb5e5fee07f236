import Crypto
import Foundation
import GroveCore
import GroveRemote

/// What was read from the GitLab, parents before children.
struct MirrorSnapshot {
    struct Group {
        var record: JSONValue
        var id: Int64
        var fullPath: String
        /// nil: an ancestor of a mirrored group, mirrored without its contents.
        var members: [JSONValue]?
        var protectedBranches: [JSONValue]?
        var pushRule: JSONValue??
        var hooks: [JSONValue]?
        var ldapLinks: [JSONValue]?
        var samlLinks: [JSONValue]?
        /// The group's own projects.
        var projects: [JSONValue]?
        /// Top-level groups: the service accounts they provisioned, with their tokens.
        var serviceAccounts: [(account: JSONValue, tokens: [JSONValue])]?

        /// SHA-256 of everything read of the group, keys sorted: a plan records it, and
        /// `grove apply --plan` reads the group again to see whether it changed since.
        var fingerprint: String {
            func part(_ value: JSONValue??) -> JSONValue { value.flatMap { $0 } ?? .null }
            // Of projects and tokens, what a script on groups can see; not what every push
            // or use changes (last_activity_at, last_used_at).
            func only(_ keys: [String], of items: [JSONValue]?) -> JSONValue {
                items.map { list in .array(list.map { item in .object(JSONObject(keys.map { ($0, item[$0] ?? .null) })) }) } ?? .null
            }
            let accounts: JSONValue = serviceAccounts.map { list in
                .array(list.map { .array([$0.account, only(["id", "name", "scopes", "revoked", "expires_at"], of: $0.tokens)]) })
            } ?? .null
            let whole: JSONValue = .array([record, members.map(JSONValue.array) ?? .null, protectedBranches.map(JSONValue.array) ?? .null,
                                           part(pushRule), hooks.map(JSONValue.array) ?? .null,
                                           ldapLinks.map(JSONValue.array) ?? .null, samlLinks.map(JSONValue.array) ?? .null,
                                           only(["id", "name", "path", "visibility", "archived", "topics", "default_branch", "secret_push_protection_enabled"], of: projects),
                                           accounts])
            return Fingerprint.of(whole)
        }
    }
    var groups: [Group] = []
    var users: [Int64: JSONValue] = [:]
    /// The token's own user (`GET /user`), written last so that it keeps its `is_admin`.
    var caller: JSONValue?
    /// The instance settings group rules read (administrators only); nil: not readable.
    var instanceSettings: JSONObject?

    /// The settings the store knows, as a plan records them: the others change nothing in a plan.
    var settingsFingerprint: String? {
        guard let instanceSettings else { return nil }
        let known = Set(MirrorWriter.settingsOperations.flatMap { OperationRegistry.standard()[$0]?.descriptor.params.map(\.name) ?? [] })
        return Fingerprint.of(.object(JSONObject(instanceSettings.pairs.filter { known.contains($0.key) }.map { ($0.key, $0.value) })))
    }

    /// Each group's fingerprint, as a plan records it.
    var state: [Plan.GroupState] { groups.map { Plan.GroupState(id: $0.id, fullPath: $0.fullPath, fingerprint: $0.fingerprint) } }
    /// The roots asked for, with the ids of their subtree.
    var subtrees: [(rootId: Int64, ids: Set<Int64>)] = []
    var unreadable: [String] = []
}

/// Reads the subtrees through GitLab's REST API: one request per resource kind per
/// group, lists paged by 100.
struct MirrorReader: Sendable {
    let client: RemoteClient
    /// Groups read at once: a mirror waits on the network, not on the CPU.
    var concurrency = 8
    /// Drawn on stderr while the groups are read (only on a terminal).
    var progress: MirrorProgress?

    enum Read { case value(JSONValue), missing(Int, String) }

    func get(_ path: String, _ query: [(String, String)] = []) throws -> Read {
        let answer = try client.send(RemoteRequest(get: path, query: query))
        guard (200..<300).contains(answer.status) else { return .missing(answer.status, "\(answer.error)") }
        return .value(try answer.value() ?? .null)
    }

    func list(_ path: String, _ query: [(String, String)] = []) throws -> Read {
        var items: [JSONValue] = [], page = 1
        while true {
            let answer = try client.send(RemoteRequest(get: path, query: query + [("per_page", "100"), ("page", String(page))]))
            guard (200..<300).contains(answer.status) else { return .missing(answer.status, "\(answer.error)") }
            let batch = try answer.value()?.arrayValue ?? []
            items += batch
            guard let next = answer.header("x-next-page"), let n = Int(next), n > page, !batch.isEmpty else { break }
            page = n
        }
        return .value(.array(items))
    }

    /// A user by username (`GET /users?username=`); nil when the GitLab has none.
    func user(named username: String) throws -> JSONValue? {
        guard case .value(let found) = try get("/users", [("username", username)]) else { return nil }
        return found.arrayValue?.first
    }

    /// The full paths of the top-level groups the token can see.
    func topLevelGroups() throws -> [String] {
        switch try list("/groups", [("top_level_only", "true"), ("all_available", "true"), ("order_by", "path"), ("sort", "asc")]) {
        case .value(let groups): return (groups.arrayValue ?? []).compactMap { $0["full_path"]?.stringValue }
        case .missing(let status, let message): throw MirrorFailure("listing the top-level groups: \(status) \(message)")
        }
    }

    static func encoded(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? path
    }

    func read(roots: [String]) throws -> MirrorSnapshot {
        var snapshot = MirrorSnapshot()
        var seen: Set<Int64> = []
        // The token's own user, so that scripts can run as it against the mirror.
        if case .value(let me) = try get("/user"), me["id"]?.intValue != nil { snapshot.caller = me }
        // GitLab answers every setting at /application/settings; grove serve the ones of
        // hooks, service accounts and tokens at .../integrations.
        var settings = JSONObject()
        for path in ["/application/settings", "/application/settings/integrations"] {
            guard case .value(let answer) = try get(path), let object = answer.objectValue else { continue }
            for (key, value) in object { settings[key] = value }
        }
        if settings.isEmpty { snapshot.unreadable.append("instance settings (administrators only): GitLab's defaults are assumed") }
        else { snapshot.instanceSettings = settings }
        func add(_ group: MirrorSnapshot.Group) {
            if let i = snapshot.groups.firstIndex(where: { $0.id == group.id }) {
                if group.members != nil { snapshot.groups[i] = group }
            } else {
                snapshot.groups.append(group)
            }
            seen.insert(group.id)
        }
        for rootPath in roots {
            guard case .value(let root) = try get("/groups/" + Self.encoded(rootPath), [("with_projects", "false")]), let rootId = root["id"]?.intValue else {
                snapshot.unreadable.append("group \(rootPath): not found or not readable")
                continue
            }
            // The ancestors, without their contents: the hierarchy needs them.
            var ancestors: [JSONValue] = [], parent = root["parent_id"]?.intValue
            while let id = parent, !seen.contains(id) {
                guard case .value(let record) = try get("/groups/\(id)", [("with_projects", "false")]) else {
                    snapshot.unreadable.append("group \(id), an ancestor of \(rootPath)")
                    break
                }
                ancestors.insert(record, at: 0)
                parent = record["parent_id"]?.intValue
            }
            for record in ancestors {
                add(.init(record: record, id: record["id"]?.intValue ?? 0, fullPath: record["full_path"]?.stringValue ?? ""))
            }
            var tree = [root]
            switch try list("/groups/\(rootId)/descendant_groups", [("all_available", "true")]) {
            case .value(let descendants): tree += descendants.arrayValue ?? []
            case .missing(let status, let message): snapshot.unreadable.append("subgroups of \(rootPath): \(status) \(message)")
            }
            let depth = { (g: JSONValue) in (g["full_path"]?.stringValue ?? "").split(separator: "/").count }
            tree.sort { depth($0) != depth($1) ? depth($0) < depth($1) : ($0["full_path"]?.stringValue ?? "") < ($1["full_path"]?.stringValue ?? "") }
            progress?.start(rootPath, total: tree.count)
            var ids: Set<Int64> = []
            for (group, part) in try readGroups(tree) {
                ids.insert(group.id)
                snapshot.users.merge(part.users) { _, new in new }
                snapshot.unreadable += part.unreadable
                add(group)
            }
            progress?.finish()
            snapshot.subtrees.append((rootId, ids))
        }
        return snapshot
    }

    /// The groups of `tree`, `concurrency` at a time, in the order of `tree`, each with
    /// the users and unreadable parts it found; the first error (in that order) is thrown.
    func readGroups(_ tree: [JSONValue]) throws -> [(MirrorSnapshot.Group, MirrorSnapshot)] {
        let results = OrderedResults<(MirrorSnapshot.Group, MirrorSnapshot)>(count: tree.count)
        let slots = DispatchSemaphore(value: max(concurrency, 1))
        let running = DispatchGroup()
        for (index, brief) in tree.enumerated() {
            guard let id = brief["id"]?.intValue else { continue }
            slots.wait()
            running.enter()
            DispatchQueue.global().async {
                defer { slots.signal(); running.leave() }
                var part = MirrorSnapshot()
                results.set(index, Result { (try readGroup(id, brief: brief, into: &part), part) })
                progress?.tick()
            }
        }
        running.wait()
        return try results.values()
    }

    /// One group with what it holds; the users it names join the snapshot.
    func readGroup(_ id: Int64, brief: JSONValue, into snapshot: inout MirrorSnapshot) throws -> MirrorSnapshot.Group {
        let path = brief["full_path"]?.stringValue ?? String(id)
        var record = brief
        switch try get("/groups/\(id)", [("with_projects", "false")]) {
        case .value(let detail): record = detail
        case .missing(let status, _): snapshot.unreadable.append("group \(path): details (\(status))")
        }
        var group = MirrorSnapshot.Group(record: record, id: id, fullPath: path)
        func note(_ what: String, _ status: Int, _ message: String) { snapshot.unreadable.append("\(what) of \(path): \(message)") }

        switch try list("/groups/\(id)/members") {
        case .value(let members):
            group.members = members.arrayValue ?? []
            for m in group.members ?? [] { if let uid = m["id"]?.intValue { snapshot.users[uid] = m } }
        case .missing(let status, let message): note("members", status, message); group.members = []
        }
        if record["parent_id"]?.isNull ?? true {
            switch try list("/groups/\(id)/protected_branches") {
            case .value(let rules):
                group.protectedBranches = rules.arrayValue ?? []
                for rule in group.protectedBranches ?? [] {
                    for kind in ["push_access_levels", "merge_access_levels", "unprotect_access_levels"] {
                        for entry in rule[kind]?.arrayValue ?? [] {
                            guard let uid = entry["user_id"]?.intValue, snapshot.users[uid] == nil else { continue }
                            if case .value(let user) = try get("/users/\(uid)") { snapshot.users[uid] = user }
                            else { snapshot.unreadable.append("user \(uid) of protected branch \(rule["name"]?.stringValue ?? "") of \(path)") }
                        }
                    }
                }
            case .missing(let status, let message): note("protected branches", status, message)
            }
        } else {
            group.protectedBranches = []
        }
        switch try get("/groups/\(id)/push_rule") {
        case .value(let rule): group.pushRule = .some(rule.isNull ? nil : rule)
        case .missing(404, _): group.pushRule = .some(nil)
        case .missing(let status, let message): note("push rule", status, message)
        }
        switch try list("/groups/\(id)/hooks") {
        case .value(let hooks): group.hooks = hooks.arrayValue ?? []
        case .missing(let status, let message): note("hooks", status, message)
        }
        // GitLab answers 404 "No linked LDAP groups found" for none.
        switch try get("/groups/\(id)/ldap_group_links") {
        case .value(let links): group.ldapLinks = links.arrayValue ?? []
        case .missing(404, _): group.ldapLinks = []
        case .missing(let status, let message): note("LDAP links", status, message)
        }
        switch try get("/groups/\(id)/saml_group_links") {
        case .value(let links): group.samlLinks = links.arrayValue ?? []
        case .missing(let status, let message): note("SAML links", status, message)
        }
        switch try list("/groups/\(id)/projects", [("include_subgroups", "false"), ("with_shared", "false")]) {
        case .value(let projects):
            group.projects = []
            for project in projects.arrayValue ?? [] {
                guard let pid = project["id"]?.intValue, var fields = project.objectValue else { continue }
                // The security settings are the project's own request; a script on groups reads them.
                switch try get("/projects/\(pid)/security_settings") {
                case .value(let settings): fields["secret_push_protection_enabled"] = settings["secret_push_protection_enabled"]
                case .missing(let status, let message): note("security settings of project \(project["path"]?.stringValue ?? String(pid))", status, message)
                }
                group.projects?.append(.object(fields))
            }
        case .missing(let status, let message): note("projects", status, message)
        }
        // Service accounts belong to top-level groups.
        if record["parent_id"]?.isNull ?? true {
            switch try list("/groups/\(id)/service_accounts") {
            case .value(let accounts):
                var read: [(account: JSONValue, tokens: [JSONValue])] = []
                for account in accounts.arrayValue ?? [] {
                    guard let uid = account["id"]?.intValue else { continue }
                    switch try list("/groups/\(id)/service_accounts/\(uid)/personal_access_tokens") {
                    case .value(let tokens): read.append((account, tokens.arrayValue ?? []))
                    case .missing(let status, let message): note("tokens of service account \(account["username"]?.stringValue ?? String(uid))", status, message)
                    }
                }
                group.serviceAccounts = read
            case .missing(let status, let message): note("service accounts", status, message)
            }
        }
        return group
    }
}

/// Writes a snapshot into the store in one transaction, as its administrator.
struct MirrorWriter {
    let snapshot: MirrorSnapshot
    init(_ snapshot: MirrorSnapshot) { self.snapshot = snapshot }

    struct Outcome { var removed: [String] = []; var unreadable: [String] = [] }

    /// The operations that write the instance settings a mirror copies.
    static let settingsOperations = ["settings.update", "settings.integrations.update"]

    func write(into store: GroveStore) throws -> Outcome {
        // One block: a record the import refuses leaves the settings as they were too.
        try store.transaction { try writeInBlock(into: store) }
    }

    private func writeInBlock(into store: GroveStore) throws -> Outcome {
        // The settings through the operations that change them: they check the values.
        if let settings = snapshot.instanceSettings {
            for name in Self.settingsOperations {
                guard let descriptor = store.registry[name]?.descriptor else { continue }
                let known = JSONObject(descriptor.params.compactMap { spec in settings[spec.name].map { (spec.name, $0) } })
                if !known.isEmpty { _ = try store.perform(name, known, as: .root) }
            }
        }
        return try store.importRecords(as: .root) { imported in
            var outcome = Outcome()
            for id in snapshot.users.keys.sorted() { try imported.user(snapshot.users[id] ?? .null) }
            if let caller = snapshot.caller { try imported.user(caller) }
            // What is gone goes first: a group renamed since may take a removed one's path.
            // A group moved to another mirrored subtree is kept (and moved by its record).
            let kept = Set(snapshot.groups.map(\.id))
            for subtree in snapshot.subtrees {
                outcome.removed += try imported.removeDescendants(of: subtree.rootId, keeping: kept)
            }
            for group in snapshot.groups { try imported.group(group.record) }
            for group in snapshot.groups {
                if let members = group.members { try imported.members(ofGroup: group.id, members) }
                if let rules = group.protectedBranches { try imported.protectedBranches(ofGroup: group.id, rules) }
                if let rule = group.pushRule { try imported.pushRule(ofGroup: group.id, rule) }
                if let hooks = group.hooks { try imported.hooks(ofGroup: group.id, hooks) }
                if let links = group.ldapLinks { try imported.ldapLinks(ofGroup: group.id, links) }
                if let links = group.samlLinks { try imported.samlLinks(ofGroup: group.id, links) }
                if let projects = group.projects { try imported.projects(ofGroup: group.id, projects) }
                if let accounts = group.serviceAccounts { try imported.serviceAccounts(ofGroup: group.id, accounts) }
                if group.members != nil {
                    let shares = group.record["shared_with_groups"]?.arrayValue ?? []
                    for missing in try imported.shares(ofGroup: group.id, shares) {
                        outcome.unreadable.append("share of \(group.fullPath) with \(missing): that group is not mirrored")
                    }
                    try imported.record("group.mirror", groupId: group.id, path: group.fullPath)
                }
            }
            return outcome
        }
    }
}

/// The GitLab answered something the mirror cannot go on without.
struct MirrorFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Results filled in by concurrent work, read back in order.
final class OrderedResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<T, Error>) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = result
    }

    /// The values of the slots filled, in order; the first error throws.
    func values() throws -> [T] {
        lock.lock()
        defer { lock.unlock() }
        return try slots.compactMap { try $0?.get() }
    }
}

/// `grove mirror`'s progress on stderr: `mirror platform 120/2000 groups`, redrawn in place
/// at most ten times a second, only when stderr is a terminal ($GROVE_PROGRESS=always|never
/// forces it, as for grove.progress).
final class MirrorProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var label = "", total = 0, done = 0, drawn = Date.distantPast

    /// nil when no bar is to be drawn.
    static func onTerminal(environment: [String: String] = ProcessInfo.processInfo.environment) -> MirrorProgress? {
        switch environment["GROVE_PROGRESS"] {
        case "always": return MirrorProgress()
        case "never": return nil
        default:
            guard let term = environment["TERM"], !term.isEmpty, term != "dumb", isatty(STDERR_FILENO) != 0 else { return nil }
            return MirrorProgress()
        }
    }

    func start(_ label: String, total: Int) {
        lock.lock()
        defer { lock.unlock() }
        (self.label, self.total, done, drawn) = (label, total, 0, .distantPast)
        draw()
    }

    func tick() {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if Date().timeIntervalSince(drawn) >= 0.1 { draw() }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        draw()
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw() {
        drawn = Date()
        FileHandle.standardError.write(Data("\rmirror \(label) \(done)/\(total) groups".utf8))
    }
}

/// SHA-256 in hex of data, or of JSON with the keys of every object sorted (the same data,
/// the same fingerprint whatever order a server sends the keys in).
enum Fingerprint {
    static func of(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    static func of(_ value: JSONValue) -> String {
        var text = ""
        canonical(value, into: &text)
        return of(Data(text.utf8))
    }

    static func canonical(_ value: JSONValue, into text: inout String) {
        switch value {
        case .object(let object):
            text += "{"
            for (i, pair) in object.pairs.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { text += "," }
                text += JSONText.encode(.string(pair.key)) + ":"
                canonical(pair.value, into: &text)
            }
            text += "}"
        case .array(let items):
            text += "["
            for (i, item) in items.enumerated() {
                if i > 0 { text += "," }
                canonical(item, into: &text)
            }
            text += "]"
        default:
            text += JSONText.encode(value)
        }
    }
}
