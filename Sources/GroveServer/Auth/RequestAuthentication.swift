import GroveCore
import HTTPTypes
import Hummingbird

/// Who a request runs as: the token's user, or `Actor.anonymous` when it carries none.
struct AuthenticatedCaller: Sendable {
    let actor: Actor
    let identity: TokenIdentity?
    /// The token's `last_used_at` is due to be rewritten (see `GroveStore.lookUpToken`).
    var useIsDue = false
    /// The user a `Sudo` request runs as (`actor` is then that user); the endpoint's own
    /// scope check is skipped, as in GitLab.
    var sudoUserId: Int64?

    static let anonymous = AuthenticatedCaller(actor: .anonymous, identity: nil)
}

/// GitLab's token sources (`lib/gitlab/auth/auth_finders.rb`): the `private_token` query
/// parameter, the `PRIVATE-TOKEN` header, `Authorization: Bearer`, and the OAuth-style
/// `access_token` parameter. Tokens are checked by the core's digest look-up.
enum RequestAuthentication {
    static let privateTokenHeader = HTTPField.Name("PRIVATE-TOKEN")!
    static let sudoHeader = HTTPField.Name("Sudo")!

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
    /// With a sudo identifier (the `sudo` parameter, else the `Sudo` header) the request
    /// runs as that user once `Sudo.check` lets it.
    static func caller(token: String?, sudo: String?, store: GroveStore) throws -> AuthenticatedCaller {
        let caller: AuthenticatedCaller
        if let token {
            guard let found = try store.lookUpToken(token) else { throw APIError.unauthorized }
            caller = AuthenticatedCaller(actor: found.identity.actor, identity: found.identity, useIsDue: found.useIsDue)
        } else {
            caller = .anonymous
        }
        guard let sudo else { return caller }
        return try Sudo.check(sudo, caller: caller, store: store)
    }

    /// The sudo identifier: the `sudo` parameter wins over the `Sudo` header (GitLab's
    /// `sudo_identifier`); present but empty still asks for sudo.
    static func sudoIdentifier(in request: Request, parameter: String?) -> String? {
        parameter ?? request.headers[sudoHeader]
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
        guard let identity = caller.identity, caller.sudoUserId == nil else { return }
        let allowed = route.scope.accepted
        if identity.scopes.contains(where: allowed.contains) { return }
        throw insufficientScope(allowed)
    }

    /// 403 `insufficient_scope`, naming the scopes of which the token needs one.
    static func insufficientScope(_ allowed: [String]) -> APIError {
        APIError(status: 403, body: .raw(.object([
            ("error", "insufficient_scope"),
            ("error_description", "The request requires higher privileges than provided by the access token."),
            ("scope", .string(allowed.joined(separator: " "))),
        ])))
    }
}

/// GitLab's `sudo!` (`lib/api/helpers.rb`): an administrator's personal access token with
/// the `sudo` scope runs the request as another user, named by id or username.
enum Sudo {
    static func check(_ identifier: String, caller: AuthenticatedCaller, store: GroveStore) throws -> AuthenticatedCaller {
        guard let identity = caller.identity else { throw APIError.unauthorized }
        guard try store.isAdministrator(userId: identity.userId) else { throw APIError.forbidden("Must be admin to use sudo") }
        // Every Grove token is a personal access token, so GitLab's next refusal ("Must be
        // authenticated using an OAuth or personal access token to use sudo") cannot arise.
        guard identity.scopes.contains("sudo") else { throw ScopePolicy.insufficientScope(["sudo"]) }
        guard let userId = try store.userId(idOrUsername: identifier) else {
            throw APIError.notFound("User with ID or username '\(identifier)'")
        }
        return AuthenticatedCaller(actor: .user(id: userId), identity: identity, useIsDue: caller.useIsDue, sudoUserId: userId)
    }
}
