import Foundation
import GroveCore

/// GitLab's answer to one request, as the bindings take it: the JSON body, the headers
/// that matter to a client (pagination, rate limits) and, for a download, the file.
public struct RemoteAnswer: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var bytes: [UInt8]
    /// How many times the request was sent to get this answer.
    public var tries = 1

    public init(status: Int, headers: [String: String], bytes: [UInt8]) {
        self.status = status
        self.headers = headers
        self.bytes = bytes
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as JSON: nil for an empty body (204); a download as the value the embedded
    /// store gives for it (`{filename, content_type, size}`).
    public func value() throws -> JSONValue? {
        if bytes.isEmpty { return nil }
        let type = header("content-type") ?? ""
        if !type.contains("json"), let disposition = header("content-disposition"), disposition.contains("attachment") {
            let filename = disposition.firstRange(of: "filename=\"").map { range in
                String(disposition[range.upperBound...].prefix { $0 != "\"" })
            } ?? ""
            return .object([("filename", .string(filename)), ("content_type", .string(type)), ("size", .int(bytes.count))])
        }
        do {
            return try JSONText.decode(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw APIError(status: 502, body: .message("502 Bad Gateway - the answer to a \(status) is not JSON: \(error)"))
        }
    }

    /// The URL of `Link: <...>; rel="next"`, nil on the last page.
    public var nextLink: String? {
        guard let link = header("link") else { return nil }
        for entry in link.split(separator: ",") {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count >= 2, parts.dropFirst().contains(where: { $0 == "rel=\"next\"" || $0 == "rel=next" }),
                  parts[0].hasPrefix("<"), parts[0].hasSuffix(">") else { continue }
            return String(parts[0].dropFirst().dropLast())
        }
        return nil
    }

    /// GitLab's error body as the embedded store's error: `{"message": "..."}`,
    /// `{"message": {field: [...]}}`, `{"error": "..."}`, anything else raw.
    public var error: APIError {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let json = try? JSONText.decode(text), case .object(let object) = json else {
            let line = text.split(separator: "\n").first.map(String.init) ?? ""
            return APIError(status: status, body: .message(line.isEmpty ? "\(status) \(Self.reason(status))" : "\(status) \(line)"))
        }
        if object.count == 1, let message = object["message"] {
            if case .string(let m) = message {
                return APIError(status: status, body: .message(m), fieldErrors: Self.rubyFieldErrors(m))
            }
            if case .object(let fields) = message {
                var errors = FieldErrors()
                for (field, messages) in fields {
                    for m in messages.arrayValue ?? [messages] { errors.add(field, m.stringValue ?? JSONText.encode(m)) }
                }
                return APIError(status: status, body: .fields(errors))
            }
        }
        if object.count == 1, let e = object["error"]?.stringValue { return APIError(status: status, body: .error(e)) }
        return APIError(status: status, body: .raw(json))
    }

    /// The field errors GitLab flattens into a message (`Failed to save group
    /// {:path=>["has already been taken"]}`), read back so `err.errors` is the same on
    /// both backends.
    static func rubyFieldErrors(_ message: String) -> FieldErrors {
        var errors = FieldErrors()
        guard let open = message.firstIndex(of: "{"), message.hasSuffix("}") else { return errors }
        var rest = message[message.index(after: open)...].dropLast()
        while let colon = rest.firstIndex(of: ":"), let arrow = rest.range(of: "=>[") {
            let field = String(rest[rest.index(after: colon)..<arrow.lowerBound])
            rest = rest[arrow.upperBound...]
            while rest.first == "\"" {
                var text = ""
                var index = rest.index(after: rest.startIndex)
                while index < rest.endIndex, rest[index] != "\"" {
                    if rest[index] == "\\", rest.index(after: index) < rest.endIndex { index = rest.index(after: index) }
                    text.append(rest[index])
                    index = rest.index(after: index)
                }
                errors.add(field, text)
                rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
                if rest.hasPrefix(", ") { rest = rest.dropFirst(2) }
            }
            guard rest.first == "]" else { break }
            rest = rest.dropFirst()
            if rest.hasPrefix(", ") { rest = rest.dropFirst(2) }
        }
        return errors
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Request Entity Too Large"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Error"
        }
    }
}
