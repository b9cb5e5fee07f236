import GroveCore
import HTTPTypes
import Hummingbird
import Logging

/// The one generic handler: authenticate, decode parameters, call one core operation,
/// render. No GitLab rule lives here; the core decides everything.
struct OperationResponder: Sendable {
    let executor: StoreExecutor
    let configuration: ServerConfiguration
    let logger: Logger

    func respond(_ request: Request, _ context: some RequestContext, route: RouteEntry) async -> Response {
        var request = request
        let query = RequestParameters.query(of: request)
        do {
            let token = RequestAuthentication.token(in: request, query: query)
            let captures = route.pathParameters.map { name in
                (name, PercentEncoding.decode(context.parameters.get(name) ?? ""))
            }
            // Grape parses the body before the endpoint authenticates: malformed input is a 400 first.
            let params = try await RequestParameters.decode(&request, pathParameters: captures, maxBodySize: configuration.maxBodySize)
            let link = LinkContext(externalURL: configuration.externalURL, request: request, query: query)
            // The token's use is recorded once it is known valid, whatever the operation answers.
            let sudo = RequestAuthentication.sudoIdentifier(in: request, parameter: params.sudo)
            let authenticate: @Sendable (GroveStore) throws -> AuthenticatedCaller = { store in
                try RequestAuthentication.caller(token: token, sudo: sudo, store: store)
            }
            switch route.handler {
            case .operation(let name):
                let values = params.values
                let perform: @Sendable (GroveStore, AuthenticatedCaller) -> Result<OperationResult, any Error> = { store, caller in
                    Result {
                        try ScopePolicy.check(caller, route: route)
                        return try store.perform(name, params: values, as: caller.actor, ignoreUnknown: true)
                    }
                }
                let caller: AuthenticatedCaller, outcome: Result<OperationResult, any Error>
                if executor.store.registry[name]?.descriptor.isMutation ?? true {
                    caller = try await executor.read(authenticate)
                    outcome = try await executor.run { store in perform(store, caller) }
                } else {
                    // A read answers from one snapshot: the token look-up and the operation together.
                    (caller, outcome) = try await executor.read { store in
                        try store.snapshot {
                            let caller = try authenticate(store)
                            return (caller, perform(store, caller))
                        }
                    }
                }
                try await RequestAuthentication.recordUse(of: caller, executor: executor)
                return ResponseRendering.render(try outcome.get(), link: link)
            case .server(let name):
                let caller = try await executor.read(authenticate)
                try await RequestAuthentication.recordUse(of: caller, executor: executor)
                try ScopePolicy.check(caller, route: route)
                return try await serverRoute(name, caller: caller)
            }
        } catch is MalformedStrings.Found {
            return MalformedStrings.badRequest
        } catch let error as APIError {
            // A broken store is the core's 500: logged with its detail like any other failure.
            if error.status >= 500 { FailureLog.log(logger, context.id, request, error) }
            return ResponseRendering.error(error)
        } catch {
            FailureLog.log(logger, context.id, request, error)
            return ResponseRendering.error(ResponseRendering.internalError)
        }
    }

    /// Routes of the server itself.
    private func serverRoute(_ name: String, caller: AuthenticatedCaller) async throws -> Response {
        switch name {
        case "version":
            guard caller.identity != nil else { throw APIError.unauthorized }
            return ResponseRendering.json(.object([
                ("version", .string(GroveVersion.version)), ("revision", .string(GroveVersion.revision)),
                ("kas", .object([("enabled", false), ("externalUrl", .null), ("externalK8sProxyUrl", .null), ("version", .null)])),
                ("enterprise", true),
            ]), status: 200)
        case "openapi":
            let document = OpenAPIDocument.build(RouteTable.entries(executor.store.registry), registry: executor.store.registry,
                                                 serverURL: configuration.externalURL)
            return ResponseRendering.json(document, status: 200)
        default:
            throw ResponseRendering.unknownRoute
        }
    }
}

extension LinkContext {
    /// For answers that are never lists.
    static let none = LinkContext(baseURL: "", query: [])

    init(baseURL: String, query: [(key: String, value: String)]) {
        self.baseURL = baseURL
        self.query = query
    }
}
