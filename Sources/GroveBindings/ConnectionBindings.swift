import Foundation
import GroveCore
import GroveHookDelivery
import GroveLua
import GroveRemote

/// `grove.connect(name)` / `grove.connect{url = ..., token = ...}`: a second connection in
/// one script, with every module of its own (`src.groups.list{}`), plus `src.as`,
/// `src.transaction`, `src.dry_run` and `src.backend()`. A name is a section of
/// python-gitlab's configuration file; `{db = path}` opens another embedded store.
/// Copying between instances is two connections in one script.
public enum ConnectionBindings {
    /// How retries are reported (`--verbose`), shared by every connection of the run.
    public struct Context {
        public var registry: OperationRegistry
        public var environment: [String: String]
        public var log: (@Sendable (String) -> Void)?
        /// The session of the global modules: its grove.parallel schedules every connection's calls.
        public var defaultSession: GroveSession?
        /// Connections only read (`grove plan`: a change through them would be real).
        public var readOnly: Bool

        public init(registry: OperationRegistry, environment: [String: String], log: (@Sendable (String) -> Void)? = nil,
                    defaultSession: GroveSession? = nil, readOnly: Bool = false) {
            self.registry = registry
            self.environment = environment
            self.log = log
            self.defaultSession = defaultSession
            self.readOnly = readOnly
        }
    }

    public static func install(into lua: LuaState, context: Context) throws {
        var opened = 0
        try lua.register(module: "grove", [
            LuaFunction(
                LuaFunctionInfo(
                    name: "grove.connect", signature: "grove.connect(name | {options}) -> connection",
                    summary: "Opens another connection: a section of python-gitlab's configuration file (nil: GITLAB_URL or GITLAB_HOST with GITLAB_TOKEN when set, else the file's default section), or {url = ..., token = ... | token_file = ..., ssl_verify = true | false | 'ca.pem', timeout = seconds, max_retries = n, per_page = n}, or {db = 'file.sqlite'} for another embedded store. The connection has every module: src.groups.list{}, and src.as, src.transaction, src.dry_run, src.backend().",
                    options: [
                        .init(name: "url", type: "string", required: false, summary: "The GitLab's address"),
                        .init(name: "token", type: "string", required: false, summary: "A personal access token (better: token_file, or a python-gitlab section)"),
                        .init(name: "token_file", type: "string", required: false, summary: "A file whose first line is the token"),
                        .init(name: "ssl_verify", type: "boolean/string", required: false, summary: "Verify TLS (default true), or a CA bundle's path"),
                        .init(name: "timeout", type: "number", required: false, summary: "Seconds a request may take (default 60)"),
                        .init(name: "max_retries", type: "integer", required: false, summary: "Retries after the first try (default 10)"),
                        .init(name: "per_page", type: "integer", required: false, summary: "First page size of lists (default 100)"),
                        .init(name: "db", type: "string", required: false, summary: "An embedded store file instead of a GitLab"),
                    ],
                    example: "local src = grove.connect('prod')\nfor g in src.groups.list{top_level_only = true} do print(g.full_path) end")
            ) { call in
                let connected = try Self.backend(for: call, context: context)
                let backend = context.readOnly ? ReadOnlyBackend(connected) : connected
                opened += 1
                let key = "c\(opened)"
                let session = GroveSession(backend: backend)
                session.scheduler = context.defaultSession?.scheduler
                try CoreBindings.install(into: call.state, session: session, registry: context.registry, under: "grove.connections." + key)
                try SessionBindings.install(into: call.state, session: session, module: "grove.connections." + key)
                return [.string(key)]
            },
        ])
        // The Swift function answers the key; the connection is the table it filled.
        try lua.run("""
            local open = grove.connect
            local help = debug.getregistry()["grove.help"]
            grove.connect = function(...) local key = open(...) return grove.connections[key] end
            help[grove.connect] = help[open]
            """, chunkName: "=[grove.connect]")
    }

    static func backend(for call: LuaCall, context: Context) throws -> any GroveBackend {
        let configuration: RemoteConfiguration
        do {
            switch try call.argument(1) {
            case .nil:
                configuration = try RemoteConfiguration.resolve(section: nil, environment: context.environment)
            case .string(let name):
                configuration = try RemoteConfiguration.resolve(section: name, environment: context.environment)
            case .map(let options):
                if case .string(let path)? = options["db"] {
                    guard options.count == 1 else { throw RemoteConfigurationError("db takes no other option") }
                    return EmbeddedBackend { try GroveStore.open(path: path, registry: context.registry, hookTransport: HTTPHookTransport()) }
                }
                configuration = try Self.configuration(options)
            default:
                throw call.fail(1, "configuration name or table expected, got \(call.typeName(1))")
            }
        } catch let error as RemoteConfigurationError {
            throw StructuredError(status: 400, message: error.description, function: "grove.connect")
        }
        return RemoteBackend(try RemoteClient(configuration, log: context.log), registry: context.registry)
    }

    /// `{url = ..., token = ...}` as a configuration; an unknown or mistyped option names itself.
    static func configuration(_ options: [String: LuaValue]) throws -> RemoteConfiguration {
        let known = ["url", "token", "token_file", "ssl_verify", "timeout", "max_retries", "per_page"]
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            let guess = NameSuggestion.closest(to: unknown, among: known).map { "did you mean \($0)? " } ?? ""
            throw RemoteConfigurationError("unknown option \(unknown); \(guess)accepted: \(known.joined(separator: ", ")), or db alone")
        }
        guard case .string(let url)? = options["url"] else { throw RemoteConfigurationError("url is missing") }
        var configuration = try RemoteConfiguration(url: url)
        configuration.origin = "grove.connect"
        if case .string(let token)? = options["token"] {
            configuration.credential = .privateToken(Secret(token))
        } else if case .string(let path)? = options["token_file"] {
            configuration.credential = .privateToken(try RemoteConfiguration.readTokenFile(path))
        }
        switch options["ssl_verify"] {
        case nil, .boolean(true)?: break
        case .boolean(false)?: configuration.tls = .off
        case .string(let path)?: configuration.tls = .caFile(path)
        default: throw RemoteConfigurationError("ssl_verify must be true, false or a CA bundle's path")
        }
        if let timeout = options["timeout"] {
            guard let seconds = timeout.doubleValue.flatMap(RemoteConfiguration.timeout) else {
                throw RemoteConfigurationError("timeout must be a number of seconds between 0 and 86400")
            }
            configuration.timeout = seconds
        }
        if let retries = options["max_retries"] {
            guard let n = retries.intValue, (0...100).contains(n) else { throw RemoteConfigurationError("max_retries must be an integer from 0 to 100") }
            configuration.maxRetries = Int(n)
        }
        if let perPage = options["per_page"] {
            guard let n = perPage.intValue.flatMap(RemoteConfiguration.pageSize) else {
                throw RemoteConfigurationError("per_page must be an integer from 1 to \(PaginationParams.maxPerPage)")
            }
            configuration.perPage = n
        }
        return configuration
    }
}
