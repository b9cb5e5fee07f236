import GroveCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Hummingbird's basic context plus the client's address (for the failed-authentication ban).
public struct GroveRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// The server: every route of `RouteTable` on a Hummingbird router, behind the access log
/// and GitLab's error shapes. `grove serve` runs it; tests build it on port 0 and read the
/// bound port from `onServerRunning`.
public func buildApplication(
    store: GroveStore,
    configuration: ServerConfiguration,
    logger: Logger? = nil,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "grove.server")
    logger.logLevel = configuration.logLevel
    let router = buildRouter(store: store, configuration: configuration, logger: logger)
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(configuration.idleTimeoutSeconds))),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "Grove"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// The router alone (middleware first: Hummingbird wraps each route as it is added).
public func buildRouter(store: GroveStore, configuration: ServerConfiguration, logger: Logger) -> Router<GroveRequestContext> {
    let router = Router(context: GroveRequestContext.self)
    if configuration.accessLog { router.add(middleware: AccessLogMiddleware(logger: logger)) }
    router.add(middleware: GitLabErrorMiddleware(logger: logger))
    router.add(middleware: MalformedStringsMiddleware())
    if let limit = configuration.failedAuthenticationLimit {
        router.add(middleware: FailedAuthenticationMiddleware(limiter: FailedAuthenticationLimiter(limit)))
    }
    let responder = OperationResponder(executor: StoreExecutor(store: store), configuration: configuration, logger: logger)
    let routes = RouteTable.entries(store.registry)
    for route in routes {
        guard let method = HTTPRequest.Method(route.method) else { continue }
        router.on(RouterPath(RouteTable.prefix + route.path), method: method) { request, context in
            await responder.respond(request, context, route: route)
        }
        // Grape answers HEAD on every GET route: the GET's status and headers, no body.
        if method == .get {
            router.on(RouterPath(RouteTable.prefix + route.path), method: .head) { request, context in
                let full = await responder.respond(request, context, route: route)
                return Response(status: full.status, headers: full.headers, body: ResponseBody())
            }
        }
    }
    // A known path with another verb: Grape's 405 rather than the unknown-route 404.
    let methodsByPath = Dictionary(grouping: routes, by: \.path).mapValues { Set($0.map(\.method)) }
    for (path, methods) in methodsByPath.sorted(by: { $0.key < $1.key }) {
        let answered = methods.contains("GET") ? methods.union(["HEAD"]) : methods
        for verb in ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] where !answered.contains(verb) {
            router.on(RouterPath(RouteTable.prefix + path), method: HTTPRequest.Method(verb)!) { _, _ in
                ResponseRendering.error(ResponseRendering.notAllowed)
            }
        }
    }
    return router
}
