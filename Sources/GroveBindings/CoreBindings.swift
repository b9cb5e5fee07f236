import GroveCore
import GroveLua

/// Where Lua calls land: a backend (the embedded store, or a GitLab over HTTP) and the
/// user calls act as (`grove.as`, `--as`).
public final class GroveSession {
    /// The REPL's `.connect` replaces it.
    public var backend: any GroveBackend
    public var actingAs: ActingUser?
    /// `grove.parallel`'s, when installed: bindings in its coroutines yield while they wait.
    var scheduler: ParallelScheduler?

    public init(backend: any GroveBackend) {
        self.backend = backend
    }

    /// The embedded store, opened on first use.
    public convenience init(actor: Actor = .root, open: @escaping () throws -> GroveStore) {
        self.init(backend: EmbeddedBackend(actor: actor, open: open))
    }

    /// The embedded store behind this session; a remote connection has none.
    public func store() throws -> GroveStore {
        guard let embedded = backend as? EmbeddedBackend else {
            throw APIError.badRequest("\(backend.name) is a remote GitLab, not the embedded store")
        }
        return try embedded.store()
    }
}

/// Makes every core operation a Lua function, generically from its description:
/// `groups.create` becomes `groups.create{name=..., path=...}`; an operation on a
/// resource takes its path parameters first: `groups.get("platform/api")`,
/// `groups.unshare(group, shared_group_id)`, then a table of options. The option
/// names are checked here, so that the error names the Lua function and lists what
/// its table accepts; their values are checked by the core. Lists are lazy
/// iterators that fetch page after page as the loop advances.
public enum CoreBindings {
    /// `under`: the table the modules go in, the globals when nil (`grove.connect` puts a
    /// connection's modules in a table of its own).
    /// The globals `install` defines (without a prefix), known without building the
    /// registry: a host that installs the bindings on first use waits for these names.
    /// `CoreBindingsTests` holds the list to what `install` does.
    public static let globals = ["audit", "branches", "groups", "hooks", "ldap_links", "members", "namespaces", "projects",
                                 "push_rules", "saml_links", "security", "service_accounts", "settings", "users"]

    public static func install(into lua: LuaState, session: GroveSession, registry: OperationRegistry, under prefix: String? = nil) throws {
        var modules: [String: [LuaFunction]] = [:]
        for descriptor in registry.descriptors {
            // `groups.custom_attributes.get` lives in the table `groups.custom_attributes`.
            for name in [descriptor.luaName] + descriptor.luaAliases {
                guard let dot = name.lastIndex(of: ".") else { continue }
                modules[String(name[..<dot]), default: []].append(function(for: descriptor, named: name, session: session))
            }
        }
        modules["groups", default: []] += GroupConveniences.functions(session: session, registry: registry)
        for (module, functions) in modules.sorted(by: { $0.key < $1.key }) {
            try lua.register(module: prefix.map { $0 + "." + module } ?? module, summary: registry.moduleSummaries[module] ?? "", functions)
        }
    }

    static func function(for descriptor: OperationDescriptor, named name: String, session: GroveSession) -> LuaFunction {
        let positional = descriptor.pathParams
        let optionsPosition = positional.count + 1
        let options = optionParams(of: descriptor, positional: positional)
        let help = {
            LuaFunctionInfo(
                name: name,
                signature: signature(name, hasOptions: !options.isEmpty, required: options.contains(where: \.required), positional: positional),
                summary: name == descriptor.luaName
                    ? descriptor.summary + (descriptor.luaAliases.isEmpty ? "" : " Also: " + descriptor.luaAliases.joined(separator: ", ") + ".")
                    : descriptor.summary + " (the same as \(descriptor.luaName))",
                options: options.map { .init(name: $0.name, type: $0.type.name, required: $0.required, summary: $0.description) },
                example: LuaExamples.example(descriptor, positional: positional, options: options))
        }
        let optionChecker = OptionChecker(function: name, positional: positional.map(\.name), accepted: options.map(\.name))
        return LuaFunction(name: name, help: help) { call in
            var params = JSONObject()
            for (offset, spec) in positional.enumerated() {
                params[spec.name] = try positionalArgument(call, offset + 1, spec)
            }
            let given = try call.options(optionsPosition).sorted(by: { $0.key < $1.key })
            try optionChecker.check(given.map(\.key))
            for (key, value) in given {
                guard value.isText else { throw call.fail(optionsPosition, "option '\(key)' is not valid UTF-8 text") }
                guard var json = JSONValue(lua: value) else {
                    throw call.fail(optionsPosition, "option '\(key)' cannot be a \(value.typeName)")
                }
                // Lua has one empty table: `{}` for a list parameter is the empty list.
                if case .object(let object) = json, object.isEmpty, descriptor.param(key)?.type.isList == true {
                    json = .array([])
                }
                params[key] = json
            }
            if descriptor.pagination.isPaged {
                try descriptor.checkArguments(params)
                return [.iterator(try session.backend.list(descriptor, params: params, as: session.actingAs))]
            }
            // In a coroutine of grove.parallel, a remote call yields while GitLab answers
            // and is called again, with the same arguments, to take its answer.
            if let scheduler = session.scheduler, let remote = session.backend as? RemoteBackend,
               call.isYieldable, scheduler.owns(call.thread) {
                if let outcome = scheduler.take(call.thread) {
                    return [answer(descriptor, try remote.value(of: outcome))]
                }
                let user = session.actingAs
                let token = try scheduler.wait(call.thread) { completion in
                    try remote.start(descriptor, params: params, as: user, completion: completion)
                }
                call.yield(ParallelBindings.pending, .integer(Int64(token)))
                return []
            }
            return [answer(descriptor, try session.backend.perform(descriptor, params: params, as: session.actingAs))]
        }
    }

    /// An operation's answer as Lua sees it: a list GitLab answers whole is a lazy list
    /// all the same, so that every list has `:all()`, `:first(n)` and `:count()`.
    static func answer(_ descriptor: OperationDescriptor, _ body: JSONValue?) -> LuaValue {
        guard descriptor.pagination == .unpaged else { return body?.luaResult ?? .nil }
        let items = body?.arrayValue ?? []
        var index = 0
        let keys = LuaKeyCache()
        return .iterator(LuaIterator(next: {
            guard index < items.count else { return nil }
            defer { index += 1 }
            return items[index].luaResult(reusingKeys: keys)
        }, count: { items.count - index }))
    }

    /// What the options table of an operation's function takes: its parameters but
    /// the positional ones, in the order of the operation's description.
    static func optionParams(of descriptor: OperationDescriptor, positional: [ParamSpec]) -> [ParamSpec] {
        let positionalNames = Set(positional.map(\.name))
        return descriptor.params.filter { !positionalNames.contains($0.name) }
    }

    /// A positional argument as the core takes it: a number or a string. A wrong
    /// type is reported as its parameter's type expects, like luaL_check*.
    static func positionalArgument(_ call: LuaCall, _ position: Int, _ spec: ParamSpec) throws -> JSONValue {
        switch try call.argument(position) {
        case .integer(let number): return .int(number)
        case .string(let text): return .string(text)
        case .bytes: throw call.fail(position, "\(spec.name): not valid UTF-8 text")
        case .number(let d) where Int64(exactly: d) != nil: return .int(Int64(exactly: d) ?? 0)
        default: break
        }
        let expected = switch spec.type {
        case .idOrPath: "\(spec.name): id or full path"
        case .integer: "number"
        default: "string"
        }
        throw call.fail(position, "\(expected) expected, got \(call.typeName(position))")
    }

    /// Items of a paginated operation, one batch fetched when the loop needs it. A loop
    /// goes on from the key of the last item fetched (`ListRequest.after`), never by
    /// skipping rows: each batch costs what it holds, and batches double from `per_page`
    /// (100 by default) up to `maxBatch`, so a long loop makes few round trips. An explicit
    /// `page` fetches that offset page only, as REST does.
    static let maxBatch = 5_000

    static func pages(of name: String, params: JSONObject, store: GroveStore, actor: Actor) -> LuaIterator {
        if params["page"] != nil { return onePage(of: name, params: params, store: store, actor: actor) }
        return pages(params: params) { request in try store.perform(name, params: params, as: actor, list: request) }
    }

    /// The iteration by key over `list`, which answers a `ListRequest` for the operation.
    static func pages(params: JSONObject, list: @escaping (ListRequest) throws -> OperationResult) -> LuaIterator {
        // per_page stays among the options, checked as REST checks it; it is the first batch.
        var batch = min(max(Int(clamping: params["per_page"]?.intValue ?? 100), 1), maxBatch)
        var key: ListKey?
        var more = true
        var buffer = ListBatch.values([])
        var index = 0
        var wanted: Int?
        let keys = LuaKeyCache()
        func fetch() throws {
            var limit = batch
            if let wanted { limit = max(1, min(limit, wanted)) }
            let result = try list(.after(key, limit: limit))
            buffer = ListBatch(result)
            index = 0
            key = result.page?.continuation
            more = key != nil
            if let w = wanted { wanted = max(w - buffer.count, 0) }
            if limit == batch { batch = min(batch * 2, maxBatch) }
        }
        func next() throws -> LuaValue? {
            if index >= buffer.count {
                guard more else { return nil }
                try fetch()
                guard index < buffer.count else { return nil }
            }
            defer { index += 1 }
            return buffer.luaResult(at: index, reusingKeys: keys)
        }
        /// What is left: the items fetched and not yet taken, and a count of the rows
        /// after the last key, which reads no item.
        func count() throws -> Int {
            let fetched = buffer.count - index
            guard more else { return fetched }
            let result = try list(.count(after: key))
            return fetched + Int(result.page?.total ?? 0)
        }
        return LuaIterator(next: next, count: count, expect: { n in
            // Items already fetched count towards what `:first(n)` takes.
            wanted = n.map { max($0 - (buffer.count - index), 0) }
        })
    }

    /// The items of one answer to a `ListRequest`: trees, or records with their presenter
    /// where the operation keeps them so.
    enum ListBatch {
        case values([JSONValue])
        case presented(any PresentableItems)

        init(_ result: OperationResult) {
            if let presented = result.presented { self = .presented(presented) } else { self = .values(result.body?.arrayValue ?? []) }
        }

        var count: Int {
            switch self {
            case .values(let items): items.count
            case .presented(let items): items.count
            }
        }

        func luaResult(at index: Int, reusingKeys keys: LuaKeyCache) -> LuaValue {
            switch self {
            case .values(let items): items[index].luaResult(reusingKeys: keys)
            case .presented(let items): items.luaResult(at: index, reusingKeys: keys)
            }
        }
    }

    /// `page = n`: that offset page only.
    private static func onePage(of name: String, params: JSONObject, store: GroveStore, actor: Actor) -> LuaIterator {
        var params = params
        if params["per_page"] == nil { params["per_page"] = .int(100) }
        var buffer: [JSONValue]?
        var index = 0
        let keys = LuaKeyCache()
        func load() throws -> [JSONValue] {
            if let buffer { return buffer }
            let loaded = try store.perform(name, params: params, as: actor).body?.arrayValue ?? []
            buffer = loaded
            return loaded
        }
        func next() throws -> LuaValue? {
            let items = try load()
            guard index < items.count else { return nil }
            defer { index += 1 }
            return items[index].luaResult(reusingKeys: keys)
        }
        return LuaIterator(next: next, count: { let items = try load(); return items.count - index })
    }

    static func signature(_ name: String, hasOptions: Bool, required: Bool, positional: [ParamSpec]) -> String {
        var arguments = positional.map(\.name)
        if hasOptions { arguments.append(required ? "{options}" : "[{options}]") }
        return "\(name)(\(arguments.joined(separator: ", ")))"
    }
}

extension ParamType {
    var isList: Bool {
        switch self {
        case .integerArray, .stringArray, .hashArray, .fieldsArray: true
        default: false
        }
    }
}

/// Checks the names in a function's options table, before the core sees them: a
/// positional parameter given again as an option is refused (it would replace the
/// argument), and an unknown name is reported in the Lua function's name with the
/// options its table accepts, the nearest first when the name looks misspelt:
/// `branches.protect: 400 unknown option colour; accepted: name, allow_force_push, ...`,
/// `groups.create: 400 unknown option paht; did you mean path? accepted: name, path, ...`.
struct OptionChecker {
    let function: String
    let positional: [String]
    let accepted: [String]
    private let acceptedNames: Set<String>

    init(function: String, positional: [String], accepted: [String]) {
        self.function = function
        self.positional = positional
        self.accepted = accepted
        self.acceptedNames = Set(accepted)
    }

    /// `given`: the names in the table, sorted, so that the first refusal is always the same.
    func check(_ given: [String]) throws {
        var unknown: [String] = []
        for key in given where !acceptedNames.contains(Self.baseName(key)) {
            if let index = positional.firstIndex(of: key) {
                throw refusal("\(key) is argument #\(index + 1), not an option")
            }
            unknown.append(key)
        }
        guard !unknown.isEmpty else { return }
        let names = unknown.count == 1 ? "option \(unknown[0])" : "options \(unknown.joined(separator: ", "))"
        let choice = accepted.isEmpty ? "takes no options" : "accepted: \(accepted.joined(separator: ", "))"
        // `paht` -> "did you mean path?", ahead of the whole list.
        let guesses = unknown.compactMap { NameSuggestion.closest(to: Self.baseName($0), among: accepted) }
        let hint = guesses.isEmpty ? "" : "did you mean \(guesses.joined(separator: ", "))? "
        throw refusal("unknown \(names); \(hint)\(choice)")
    }

    /// `custom_attributes[key]` and `skip_groups[]` (query-string style) stand for
    /// `custom_attributes` and `skip_groups`.
    static func baseName(_ key: String) -> String {
        key.firstIndex(of: "[").map { String(key[..<$0]) } ?? key
    }

    private func refusal(_ message: String) -> StructuredError {
        StructuredError(status: 400, message: message, function: function)
    }
}
