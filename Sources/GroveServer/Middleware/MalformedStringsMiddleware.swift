import Foundation
import GroveCore
import GroveFormats
import HTTPTypes
import Hummingbird
import NIOCore

/// GitLab's `Gitlab::Middleware::HandleMalformedStrings`: a request whose path or
/// parameters hold a NUL or text that is not UTF-8 is answered `400` `text/plain`
/// `Bad Request` before anything reads it. SQLite and C end text at a NUL, so
/// `groups/gg%00junk` would otherwise name `gg`. The path and query are checked here;
/// the body where it is read (`RequestParameters`), so that it is collected once.
struct MalformedStringsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if MalformedStrings.isMalformed(escaped: request.uri.path) || request.uri.query.map({ MalformedStrings.isMalformed(form: $0[...]) }) == true {
            return MalformedStrings.badRequest
        }
        return try await next(request, context)
    }
}

enum MalformedStrings {
    /// Thrown by a reader of the body that found one.
    struct Found: Error {}

    static var badRequest: Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain"
        return Response(status: .badRequest, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "Bad Request")))
    }

    static func isMalformed(body: [UInt8], contentType: String, header: String) -> Bool {
        if contentType.hasPrefix("application/json") {
            guard let text = String(validating: body, as: UTF8.self) else { return true }
            // A NUL can only come as an escape; the body is read again only when one may be there.
            guard text.range(of: "\\u0000", options: .caseInsensitive) != nil else { return false }
            return (try? JSONText.decode(text)).map(\.containsNullByte) ?? false
        }
        if contentType.hasPrefix("multipart/form-data") {
            guard let boundary = MultipartForm.boundary(contentType: header),
                  let parts = try? MultipartForm.parts(body, boundary: boundary) else { return false }
            return parts.contains { $0.filename == nil && !isText($0.data) }
        }
        if contentType.isEmpty || contentType.hasPrefix("application/x-www-form-urlencoded") {
            guard let text = String(validating: body, as: UTF8.self) else { return true }
            return isMalformed(form: text[...])
        }
        return false
    }

    /// `name=value&...`: any name or value that is malformed once its escapes are decoded.
    static func isMalformed(form: Substring) -> Bool {
        form.split(separator: "&").contains { pair in pair.split(separator: "=", omittingEmptySubsequences: false).contains { isMalformed(escaped: $0) } }
    }

    /// A bad escape (`%zz`, which Rack refuses too), escapes that decode to bytes that are
    /// not UTF-8, or a NUL.
    static func isMalformed(escaped text: some StringProtocol) -> Bool {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text.utf8.contains(0) }
        guard let decoded = text.removingPercentEncoding else { return true }
        return decoded.utf8.contains(0)
    }

    static func isText(_ bytes: [UInt8]) -> Bool {
        !bytes.contains(0) && String(validating: bytes, as: UTF8.self) != nil
    }
}
