import GroveCore
import HTTPTypes
import Hummingbird

/// Operation results and errors as GitLab puts them on the wire: JSON in the core's key
/// order, the descriptor's status, pagination headers with `Link`, attachments as files.
enum ResponseRendering {
    static let jsonType = "application/json"

    static func json(_ value: JSONValue, status: Int, headers: HTTPFields = HTTPFields()) -> Response {
        var headers = headers
        headers[.contentType] = jsonType
        return Response(status: HTTPResponse.Status(code: status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONText.encodeBytes(value))))
    }

    static func error(_ error: APIError) -> Response {
        var headers = HTTPFields()
        if error.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"GitLab\"" }
        return json(error.json, status: error.status, headers: headers)
    }

    /// `{"error":"404 Not Found"}`: Grape's answer for a route it does not have.
    static let unknownRoute = APIError(status: 404, body: .error("404 Not Found"))

    /// `{"error":"405 Not Allowed"}`: a route it has, with another method.
    static let notAllowed = APIError(status: 405, body: .error("405 Not Allowed"))

    static let internalError = APIError(status: 500, body: .message("500 Internal Server Error"))

    static func render(_ result: OperationResult, link: LinkContext) -> Response {
        var headers = HTTPFields()
        if let page = result.page {
            for (name, value) in page.headers { headers[HTTPField.Name(name)!] = value }
            if let linkValue = link.header(for: page) { headers[HTTPField.Name("Link")!] = linkValue }
        }
        if let attachment = result.attachment {
            headers[.contentType] = attachment.contentType
            headers[.contentDisposition] = "attachment; filename=\"\(attachment.filename.replacingOccurrences(of: "\"", with: ""))\""
            return Response(status: HTTPResponse.Status(code: result.status), headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: attachment.data)))
        }
        guard let body = result.body, result.status != 204 else {
            return Response(status: HTTPResponse.Status(code: result.status), headers: headers)
        }
        return json(body, status: result.status, headers: headers)
    }
}

/// The request a list answered, to build GitLab's `Link` header: the request URL with all
/// its query parameters, `page` and `per_page` replaced (`Gitlab::Pagination::OffsetHeaderBuilder`),
/// or with the next `cursor` for keyset pages.
struct LinkContext {
    /// `http://host:port/api/v4/groups` (no query).
    var baseURL: String
    var query: [(key: String, value: String)]

    init(externalURL: String?, request: Request, query: [(key: String, value: String)]) {
        let origin = externalURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            ?? "http://" + (request.head.authority ?? "localhost")
        baseURL = origin + request.uri.path
        self.query = query.filter { !RequestParameters.credentialNames.contains($0.key) }
    }

    func url(replacing overrides: [(key: String, value: String)], removing: Set<String> = []) -> String {
        let names = Set(overrides.map(\.key)).union(removing)
        return baseURL + "?" + FormEncoding.encode(query.filter { !names.contains($0.key) } + overrides)
    }

    func header(for page: PageInfo) -> String? {
        let perPage = ("per_page", String(page.perPage))
        if page.page == nil {
            // Keyset: only `next`, while there is one.
            guard let cursor = page.nextCursor else { return nil }
            return "<\(url(replacing: [("cursor", cursor), perPage], removing: ["page"]))>; rel=\"next\""
        }
        var links: [String] = []
        func add(_ number: Int64, _ rel: String) {
            links.append("<\(url(replacing: [("page", String(number)), perPage]))>; rel=\"\(rel)\"")
        }
        if let prev = page.prevPage { add(prev, "prev") }
        if let next = page.nextPage { add(next, "next") }
        add(1, "first")
        if let totalPages = page.totalPages { add(max(totalPages, 1), "last") }
        return links.joined(separator: ", ")
    }
}
