import GroveCore
import GroveLua

/// Where Lua calls land: the store (opened on first use, so a script that never
/// touches it starts fast) and the actor operations run as.
public final class GroveSession {
    private let openStore: () throws -> GroveStore
    private var opened: GroveStore?
    public var actor: Actor

    public init(actor: Actor = .root, open: @escaping () throws -> GroveStore) {
        self.actor = actor
        self.openStore = open
    }

    public func store() throws -> GroveStore {
        if let opened { return opened }
        let store = try openStore()
        opened = store
        return store
    }
}

/// Makes every core operation a Lua function, generically from its description:
/// `groups.create` becomes `groups.create{name=..., path=...}`; an operation on a
/// resource takes its path parameters first: `groups.get("platform/api")`,
/// `groups.unshare(group, shared_group_id)`. Options are checked by the core
/// (unknown names are errors listing the accepted ones). Lists are lazy
/// iterators that fetch page after page as the loop advances.
public enum CoreBindings {
    /// What each module is about, for `help()`.
    static let moduleSummaries: [String: String] = [
        "groups": "GitLab groups: list, get, create, update, transfer, share, delete, restore ...",
        "projects": "Projects in groups (what group operations need)",
        "users": "Users of the embedded store",
        "members": "Group memberships and access levels",
        "groups.custom_attributes": "Custom attributes of groups (administrators)",
        "settings": "Instance settings of the embedded store",
        "audit": "What was changed, by whom and when",
        "branches": "Group-level protected branches (top-level groups)",
        "hooks": "Group webhooks, with test deliveries",
        "push_rules": "Group push rules and the push checker",
        "service_accounts": "Service accounts of a top-level group and their access tokens",
        "security": "Secret push protection for a group's projects",
        "ldap_links": "LDAP group links and sync",
        "saml_links": "SAML group links",
    ]

    public static func install(into lua: LuaState, session: GroveSession, registry: OperationRegistry) throws {
        var modules: [String: [LuaFunction]] = [:]
        for descriptor in registry.descriptors {
            // `groups.custom_attributes.get` lives in the table `groups.custom_attributes`.
            let name = LuaNames.name(of: descriptor.name)
            guard let dot = name.lastIndex(of: ".") else { continue }
            modules[String(name[..<dot]), default: []].append(function(for: descriptor, named: name, session: session))
        }
        for (module, functions) in modules.sorted(by: { $0.key < $1.key }) {
            try lua.register(module: module, summary: moduleSummaries[module] ?? "", functions)
        }
    }

    /// `:id`, `:group_id` ... in the order the REST path names them.
    static func positionalParams(of descriptor: OperationDescriptor) -> [ParamSpec] {
        descriptor.path.split(separator: "/").compactMap { segment in
            segment.hasPrefix(":") ? descriptor.param(String(segment.dropFirst())) : nil
        }
    }

    static func function(for descriptor: OperationDescriptor, named name: String, session: GroveSession) -> LuaFunction {
        let positional = positionalParams(of: descriptor)
        let optionsPosition = positional.count + 1
        let info = LuaFunctionInfo(
            name: name,
            signature: signature(name, descriptor, positional: positional),
            summary: descriptor.summary,
            options: descriptor.params.filter { $0.location != .path }.map {
                .init(name: $0.name, type: $0.type.name, required: $0.required, summary: $0.description)
            },
            example: LuaExamples.example(name, descriptor, positional: positional))
        return LuaFunction(info) { call in
            var params = JSONObject()
            for (offset, spec) in positional.enumerated() {
                let argument = try call.argument(offset + 1)
                switch argument {
                case .integer, .string: params[spec.name] = JSONValue(lua: argument)
                case .number(let d) where d.rounded() == d: params[spec.name] = .int(Int64(d))
                default: throw call.fail(offset + 1, "\(spec.name): id or full path expected, got \(call.typeName(offset + 1))")
                }
            }
            for (key, value) in try call.options(optionsPosition).sorted(by: { $0.key < $1.key }) {
                guard var json = JSONValue(lua: value) else {
                    throw call.fail(optionsPosition, "option '\(key)' cannot be a \(value.typeName)")
                }
                // Lua has one empty table: `{}` for a list parameter is the empty list.
                if case .object(let object) = json, object.isEmpty, descriptor.param(key)?.type.isList == true {
                    json = .array([])
                }
                params[key] = json
            }
            let store = try session.store()
            let actor = session.actor
            if descriptor.pagination != .none {
                return [.iterator(pages(of: descriptor.name, params: params, store: store, actor: actor))]
            }
            let result = try store.perform(descriptor.name, params: params, as: actor)
            return [result.body?.luaValue ?? .nil]
        }
    }

    /// Items of a paginated operation, one page fetched when the loop needs it.
    /// `per_page` defaults to 100 (the maximum) so a loop makes few round trips;
    /// an explicit `page` fetches that page only.
    static func pages(of name: String, params: JSONObject, store: GroveStore, actor: Actor) -> LuaIterator {
        var params = params
        let singlePage = params["page"] != nil
        if params["per_page"] == nil { params["per_page"] = .int(100) }
        var nextPage: Int64? = params["page"]?.intValue ?? 1
        var buffer: [JSONValue] = []
        var index = 0
        var total: Int64?
        func fetch() throws {
            guard let page = nextPage else { return }
            var request = params
            request["page"] = .int(page)
            let result = try store.perform(name, params: request, as: actor)
            buffer = result.body?.arrayValue ?? []
            index = 0
            total = result.page?.total ?? total
            nextPage = singlePage ? nil : result.page?.nextPage
        }
        func next() throws -> LuaValue? {
            if index >= buffer.count {
                guard nextPage != nil else { return nil }
                try fetch()
                guard index < buffer.count else { return nil }
            }
            defer { index += 1 }
            return buffer[index].luaValue
        }
        /// `:count()` of an untouched multi-page list answers from the first page's
        /// total instead of fetching every page; otherwise it counts what is left.
        func count() throws -> Int {
            if !singlePage, index == 0, buffer.isEmpty, nextPage != nil {
                try fetch()
                if let total { return Int(total) }
            }
            var remaining = 0
            while try next() != nil { remaining += 1 }
            return remaining
        }
        return LuaIterator(next: next, count: count)
    }

    static func signature(_ name: String, _ descriptor: OperationDescriptor, positional: [ParamSpec]) -> String {
        let hasOptions = descriptor.params.contains { $0.location != .path }
        let required = descriptor.params.contains { $0.location != .path && $0.required }
        var arguments = positional.map(\.name)
        if hasOptions { arguments.append(required ? "{options}" : "[{options}]") }
        return "\(name)(\(arguments.joined(separator: ", ")))"
    }
}

extension ParamType {
    var isList: Bool {
        switch self {
        case .integerArray, .stringArray, .hashArray: true
        default: false
        }
    }
}
