import GroveCore
import HTTPTypes
import Hummingbird

/// Who a request runs as: the token's user, or `Actor.anonymous` when it carries none.
struct AuthenticatedCaller: Sendable {
    let actor: Actor
    let identity: TokenIdentity?
    /// The token's `last_used_at` is due to be rewritten (see `GroveStore.lookUpToken`).
    var useIsDue = false

    static let anonymous = AuthenticatedCaller(actor: .anonymous, identity: nil)
}

/// GitLab's token sources (`lib/gitlab/auth/auth_finders.rb`): the `private_token` query
/// parameter, the `PRIVATE-TOKEN` header, `Authorization: Bearer`, and the OAuth-style
/// `access_token` parameter. Tokens are checked by the core's digest look-up.
enum RequestAuthentication {
    static let privateTokenHeader = HTTPField.Name("PRIVATE-TOKEN")!

    static func token(in request: Request, query: [(key: String, value: String)]) -> String? {
        if let t = query.first(where: { $0.key == "private_token" })?.value, !t.isEmpty { return t }
        if let t = request.headers[privateTokenHeader], !t.isEmpty { return t }
        if let auth = request.headers[.authorization] {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        if let t = query.first(where: { $0.key == "access_token" })?.value, !t.isEmpty { return t }
        return nil
    }

    /// 401 for an unknown, revoked or expired token (never anonymous: GitLab refuses rather
    /// than downgrade). A read: it joins the caller's snapshot when one is open.
    static func caller(token: String?, store: GroveStore) throws -> AuthenticatedCaller {
        guard let token else { return .anonymous }
        guard let found = try store.lookUpToken(token) else { throw APIError.unauthorized }
        return AuthenticatedCaller(actor: found.identity.actor, identity: found.identity, useIsDue: found.useIsDue)
    }

    /// Writes `last_used_at` when the look-up found it due (every 10 minutes at most): a
    /// write, so on the executor's threads, after the request's read.
    static func recordUse(of caller: AuthenticatedCaller, executor: StoreExecutor) async throws {
        guard caller.useIsDue, let identity = caller.identity else { return }
        try await executor.run { store in try store.recordTokenUse(identity) }
    }
}

/// Token scopes, kept to GitLab's three API-level ones (`lib/gitlab/auth.rb`); each
/// route declares the one it needs (`OperationDescriptor.scope`). Any other scope set
/// (`read_repository`, `create_runner` ...) reaches no API route. Anonymous callers are
/// not checked here: the core decides what they may see.
enum ScopePolicy {
    static func check(_ caller: AuthenticatedCaller, route: RouteEntry) throws {
        guard let identity = caller.identity else { return }
        let allowed = route.scope.accepted
        if identity.scopes.contains(where: allowed.contains) { return }
        throw APIError(status: 403, body: .raw(.object([
            ("error", "insufficient_scope"),
            ("error_description", "The request requires higher privileges than provided by the access token."),
            ("scope", .string(allowed.joined(separator: " "))),
        ])))
    }
}
