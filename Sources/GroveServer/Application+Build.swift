import GroveCore
import HTTPTypes
import Hummingbird
import Logging

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
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "Grove"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// The router alone (middleware first: Hummingbird wraps each route as it is added).
public func buildRouter(store: GroveStore, configuration: ServerConfiguration, logger: Logger) -> Router<BasicRequestContext> {
    let router = Router()
    if configuration.accessLog { router.add(middleware: AccessLogMiddleware(logger: logger)) }
    router.add(middleware: GitLabErrorMiddleware(logger: logger))
    let responder = OperationResponder(executor: StoreExecutor(store: store), configuration: configuration, logger: logger)
    for route in RouteTable.entries(store.registry) {
        guard let method = HTTPRequest.Method(route.method) else { continue }
        router.on(RouterPath(RouteTable.prefix + route.path), method: method) { request, context in
            await responder.respond(request, context, route: route)
        }
    }
    return router
}
