import Hummingbird
import HTTPTypes
import NIOCore

/// Counts the 401s of requests that carried credentials per client address and answers a
/// banned address with Rack::Attack's 429 (`text/plain` `Retry later`, `Retry-After`)
/// before authenticating it again.
struct FailedAuthenticationMiddleware<Context: RequestContext & RemoteAddressRequestContext>: RouterMiddleware {
    let limiter: FailedAuthenticationLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        if let seconds = limiter.retryAfter(address) {
            var headers = HTTPFields()
            headers[.contentType] = "text/plain"
            headers[.retryAfter] = String(seconds)
            return Response(status: .tooManyRequests, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "Retry later\n")))
        }
        let response = try await next(request, context)
        if Self.carriesCredentials(request) {
            if response.status == .unauthorized { limiter.recordFailure(address) } else { limiter.recordSuccess(address) }
        }
        return response
    }

    static func carriesCredentials(_ request: Request) -> Bool {
        if request.headers[RequestAuthentication.privateTokenHeader] != nil || request.headers[.authorization] != nil { return true }
        return RequestParameters.query(of: request).contains { RequestParameters.credentialNames.contains($0.key) }
    }
}
