import Foundation
import GroveCore
import HTTPTypes
import Hummingbird
import Logging

/// One line per request: request id, method, path, query (credentials masked), status,
/// duration. Headers are never logged, so neither are `PRIVATE-TOKEN`, `Authorization`
/// nor `Sudo`.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info("\(context.id) \(request.method.rawValue) \(CredentialMasking.loggable(request.uri.path, request.uri.query)) \(response.status.code) \(String(format: "%.1f", millis))ms")
        return response
    }
}

/// What the access log writes of a URL.
enum CredentialMasking {
    /// The path and query with the value of every credential-like parameter replaced by
    /// `[FILTERED]`, however its name is spelt: percent-encoded (`private%5Ftoken`, once or
    /// more), `+` for a space, any case, with Rails brackets, `&` or `;` separated.
    static func loggable(_ path: String, _ query: String?) -> String {
        guard let query, !query.isEmpty else { return path }
        var out = ""
        var item = Substring()
        func flush() {
            let key = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            // A masked item keeps only its name, decoded and cut at the first `=` (an encoded
            // `%3D` in the name must not let a value through).
            out += isCredential(key) ? "\(decoded(key).prefix { $0 != "=" && $0 != "&" && $0 != ";" })=[FILTERED]" : String(item)
        }
        var rest = query[...]
        while let i = rest.firstIndex(where: { $0 == "&" || $0 == ";" }) {
            item = rest[..<i]; flush(); out.append(rest[i]); rest = rest[rest.index(after: i)...]
        }
        item = rest; flush()
        return path + "?" + out
    }

    /// Names whose values are secrets: tokens, hook secrets and variables, passwords, sudo.
    static let credentialFragments = ["token", "secret", "password", "passwd", "authorization", "sudo", "url_variables", "custom_headers",
                                      "private", "credential", "api_key", "apikey"]

    /// The name with any depth of percent-encoding undone (`%255F` is `%5F` is `_`), a few
    /// rounds at most, `+` read as a space.
    static func decoded(_ rawKey: Substring) -> String {
        var key = String(rawKey)
        for _ in 0..<4 {
            let spaced = key.replacingOccurrences(of: "+", with: " ")
            guard let decoded = spaced.removingPercentEncoding ?? lenientDecode(spaced), decoded != key else { break }
            key = decoded
        }
        return key
    }

    static func isCredential(_ rawKey: Substring) -> Bool {
        let normal = decoded(rawKey).lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        return credentialFragments.contains { normal.contains($0) }
    }

    /// `%XX` decoded where well formed, anything else kept (`removingPercentEncoding` gives
    /// up on the whole text for one stray `%`).
    private static func lenientDecode(_ s: String) -> String? {
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        while i < u.count {
            if u[i] == UInt8(ascii: "%"), i + 2 < u.count, let h = hex(u[i + 1]), let l = hex(u[i + 2]) {
                bytes.append(h << 4 | l); i += 3
            } else { bytes.append(u[i]); i += 1 }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}


/// Errors that escape a route (unknown routes, anything unexpected) as GitLab's JSON; an
/// unforeseen error or a cancelled task is a 500 `{"message":"500 Internal Server Error"}`
/// and one log line with the request id, and the server goes on answering. Every response
/// carries its request id in `X-Request-Id`, as GitLab's do.
struct GitLabErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            response = ResponseRendering.error(ResponseRendering.unknownRoute)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            response = ResponseRendering.error(APIError.api("413 Request Entity Too Large", status: 413))
        } catch let error as HTTPError {
            response = ResponseRendering.json(.object([("error", .string(error.body ?? "\(error.status.code) \(error.status.reasonPhrase)"))]), status: error.status.code)
        } catch {
            FailureLog.log(logger, context.id, request, error)
            response = ResponseRendering.error(ResponseRendering.internalError)
        }
        response.headers[FailureLog.requestIdHeader] = context.id
        return response
    }
}

/// The one log line of an unforeseen failure: request id, method, path (no query: it may
/// hold credentials), the error.
enum FailureLog {
    static let requestIdHeader = HTTPField.Name("X-Request-Id")!

    static func log(_ logger: Logger, _ id: String, _ request: Request, _ error: any Error) {
        let what: String
        switch error {
        case is CancellationError: what = "was cancelled"
        // The core's 500 says what broke in its field errors, not in the body clients see.
        case let error as APIError where !error.fieldErrors.isEmpty:
            what = "failed: \(error): \(error.fieldErrors.pairs.flatMap(\.messages).joined(separator: "; "))"
        default: what = "failed: \(String(describing: error))"
        }
        logger.error("\(id) \(request.method.rawValue) \(request.uri.path) 500 \(what)")
    }
}
