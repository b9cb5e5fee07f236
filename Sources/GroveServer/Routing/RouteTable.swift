import GroveCore

/// Every route the server answers under `/api/v4`: one per operation descriptor, plus the
/// few that are the server's own. The router and the OpenAPI document both read this list,
/// so they cannot drift apart.
public struct RouteEntry: Sendable, Equatable {
    public enum Handler: Sendable, Equatable {
        /// Runs the core operation of this name.
        case operation(String)
        /// `GET /version`, `GET /openapi.json`.
        case server(String)
    }

    public let method: String
    /// GitLab's spelling, `:id` for captures, without the `/api/v4` prefix.
    public let path: String
    public let summary: String
    /// The token scope the route needs: the operation's, or the server route's own.
    public let scope: TokenScope
    public let handler: Handler

    /// The capture names in path order (`["id", "group_id"]`).
    public var pathParameters: [String] { OperationDescriptor.pathParameters(of: path) }
}

public enum RouteTable {
    public static let prefix = "/api/v4"

    public static let serverRoutes: [RouteEntry] = [
        RouteEntry(method: "GET", path: "/version", summary: "Version of this server", scope: .read, handler: .server("version")),
        RouteEntry(method: "GET", path: "/openapi.json", summary: "This API as an OpenAPI 3 document", scope: .read, handler: .server("openapi")),
    ]

    public static func entries(_ registry: OperationRegistry) -> [RouteEntry] {
        registry.descriptors.map { RouteEntry(method: $0.method, path: $0.path, summary: $0.summary, scope: $0.scope, handler: .operation($0.name)) }
            + serverRoutes
    }
}
