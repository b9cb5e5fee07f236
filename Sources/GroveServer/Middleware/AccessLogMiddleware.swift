import Foundation
import Hummingbird
import Logging

/// One line per request: method, path, query (credentials masked), status, duration.
/// Headers are never logged, so neither are tokens.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info("\(request.method.rawValue) \(Self.loggable(request.uri.path, request.uri.query)) \(response.status.code) \(String(format: "%.1f", millis))ms")
        return response
    }

    static func loggable(_ path: String, _ query: String?) -> String {
        guard let query, !query.isEmpty else { return path }
        let masked = query.split(separator: "&").map { item -> String in
            let key = item.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return RequestParameters.credentialNames.contains(key) ? "\(key)=[FILTERED]" : String(item)
        }
        return path + "?" + masked.joined(separator: "&")
    }
}

/// Errors that escape a route (unknown routes, anything unexpected) as GitLab's JSON.
struct GitLabErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return ResponseRendering.error(ResponseRendering.unknownRoute)
        } catch let error as HTTPError {
            return ResponseRendering.json(.object([("error", .string(error.body ?? "\(error.status.code) \(error.status.reasonPhrase)"))]), status: error.status.code)
        } catch {
            logger.error("\(request.method.rawValue) \(request.uri.path) failed: \(String(describing: error))")
            return ResponseRendering.error(ResponseRendering.internalError)
        }
    }
}
