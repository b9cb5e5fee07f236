import GroveCore
import HTTPTypes
import Hummingbird

/// Everything a request says about an operation's parameters, merged as Grape does: the
/// query string, then the body (JSON, form or multipart), then the path's captures.
struct RequestParameters {
    /// The decoded query string, in order (also the base of `Link` URLs).
    var query: [(key: String, value: String)]
    var values: JSONObject
    /// The `sudo` parameter (body, else query): who the request asks to run as.
    var sudo: String?

    /// Names that carry credentials: never handed to an operation, never echoed in `Link`.
    static let credentialNames: Set<String> = ["private_token", "access_token", "sudo"]

    static func query(of request: Request) -> [(key: String, value: String)] {
        request.uri.query.map { FormEncoding.pairs($0[...]) } ?? []
    }

    static func decode(_ request: inout Request, pathParameters: [(String, String)], maxBodySize: Int) async throws -> RequestParameters {
        do {
            return try await decodeParameters(&request, pathParameters: pathParameters, maxBodySize: maxBodySize)
        } catch let error as RailsParams.TooDeep {
            throw APIError.badRequest(error.message)
        } catch is MultipartForm.Malformed {
            throw APIError.grape("multipart body is malformed")
        }
    }

    private static func decodeParameters(_ request: inout Request, pathParameters: [(String, String)], maxBodySize: Int) async throws -> RequestParameters {
        let query = Self.query(of: request)
        var values = JSONObject()
        try RailsParams.nest(query.filter { !credentialNames.contains($0.key) }.map { ($0.key, JSONValue.string($0.value)) }, into: &values)
        try await mergeBody(&request, into: &values, maxBodySize: maxBodySize)
        let sudo = values["sudo"].flatMap({ $0.stringValue ?? $0.intValue.map(String.init) }) ?? query.first(where: { $0.key == "sudo" })?.value
        for name in credentialNames { values[name] = nil }
        for (name, value) in pathParameters { values[name] = .string(value) }
        return RequestParameters(query: query, values: values, sudo: sudo)
    }

    private static func mergeBody(_ request: inout Request, into values: inout JSONObject, maxBodySize: Int) async throws {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodySize)
        } catch {
            throw APIError.api("413 Request Entity Too Large", status: 413)
        }
        guard buffer.readableBytes > 0 else { return }
        let bytes = Array(buffer.readableBytesView)
        if MalformedStrings.isMalformed(body: bytes, contentType: contentType, header: request.headers[.contentType] ?? "") {
            throw MalformedStrings.Found()
        }
        if contentType.hasPrefix("application/json") {
            let text = String(decoding: bytes, as: UTF8.self)
            guard let body = try? JSONText.decode(text) else { throw APIError.grape("message body does not match declared format") }
            guard let object = body.objectValue else { throw APIError.grape("message body does not match declared format") }
            for (key, value) in object { values[key] = value }
        } else if contentType.hasPrefix("multipart/form-data") {
            guard let boundary = MultipartForm.boundary(contentType: request.headers[.contentType] ?? "") else { throw MultipartForm.Malformed() }
            try MultipartForm.merge(try MultipartForm.parts(bytes, boundary: boundary), into: &values)
        } else if contentType.isEmpty || contentType.hasPrefix("application/x-www-form-urlencoded") {
            let pairs = FormEncoding.pairs(String(decoding: bytes, as: UTF8.self)[...])
            try RailsParams.nest(pairs.map { ($0.key, JSONValue.string($0.value)) }, into: &values)
        }
        // Other content types carry no parameters (Grape ignores what it cannot parse).
    }
}
