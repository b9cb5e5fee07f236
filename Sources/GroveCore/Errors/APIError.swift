import GroveFormats
/// The one error every GroveCore operation throws: GitLab's HTTP status and body.
/// Lua maps it to an error value once, REST renders `json` once.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Body: Sendable, Equatable {
        /// `{"message": "404 Group Not Found"}` (render_api_error!, not_found!, forbidden!)
        case message(String)
        /// `{"message": {"path": ["has already been taken"]}}` (render_validation_error!)
        case fields(FieldErrors)
        /// `{"error": "name is missing"}` (Grape parameter errors, keyset errors)
        case error(String)
        /// Any other shape, e.g. the 429 body.
        case raw(JSONValue)
    }

    public let status: Int
    public let body: Body
    /// Per-field messages behind the error, also when the body flattens them into text
    /// (GitLab's create says `Failed to save group {:path=>[...]}`).
    public let fieldErrors: FieldErrors

    public init(status: Int, body: Body, fieldErrors: FieldErrors = FieldErrors()) {
        self.status = status
        self.body = body
        if case .fields(let f) = body, fieldErrors.isEmpty { self.fieldErrors = f } else { self.fieldErrors = fieldErrors }
    }

    public var json: JSONValue {
        switch body {
        case .message(let m): return .object([("message", .string(m))])
        case .fields(let f): return .object([("message", f.json)])
        case .error(let e): return .object([("error", .string(e))])
        case .raw(let v): return v
        }
    }

    /// The human text: `404 Group Not Found`, `400 {path: has already been taken}`.
    public var message: String {
        switch body {
        case .message(let m): return m
        case .fields(let f): return "{" + f.pairs.map { "\($0.field): \($0.messages.joined(separator: ", "))" }.joined(separator: "; ") + "}"
        case .error(let e): return e
        case .raw(let v): return JSONText.encode(v)
        }
    }

    public var description: String {
        let m = message
        return m.hasPrefix(String(status)) ? m : "\(status) \(m)"
    }

    // MARK: GitLab's helpers (lib/api/helpers.rb)

    public static func notFound(_ resource: String? = nil) -> APIError {
        APIError(status: 404, body: .message(resource.map { "404 \($0) Not Found" } ?? "404 Not Found"))
    }
    public static func forbidden(_ reason: String? = nil) -> APIError {
        APIError(status: 403, body: .message(reason.map { "403 Forbidden - \($0)" } ?? "403 Forbidden"))
    }
    public static let unauthorized = APIError(status: 401, body: .message("401 Unauthorized"))
    public static func badRequest(_ reason: String? = nil) -> APIError {
        APIError(status: 400, body: .message(reason.map { "400 Bad request - \($0)" } ?? "400 Bad request"))
    }
    /// `render_api_error!(msg, status)`
    public static func api(_ message: String, status: Int) -> APIError { APIError(status: status, body: .message(message)) }
    /// Grape's `error!(text, status)`, parameter errors.
    public static func grape(_ text: String, status: Int = 400) -> APIError { APIError(status: status, body: .error(text)) }
    /// A broken invariant of the store (a row just written that cannot be read back):
    /// GitLab's 500, never a trap that would stop the server for every user.
    public static func internalError(_ detail: String) -> APIError {
        APIError(status: 500, body: .message("500 Internal Server Error"), fieldErrors: FieldErrors("base", detail))
    }
    /// `render_validation_error!`
    public static func validation(_ errors: FieldErrors, status: Int = 400) -> APIError { APIError(status: status, body: .fields(errors)) }
}

/// Ordered `field → [messages]`, as ActiveModel::Errors#messages.
public struct FieldErrors: Sendable, Equatable {
    public private(set) var pairs: [(field: String, messages: [String])] = []

    public init() {}
    public init(_ field: String, _ message: String) { add(field, message) }

    public var isEmpty: Bool { pairs.isEmpty }

    public mutating func add(_ field: String, _ message: String) {
        if let i = pairs.firstIndex(where: { $0.field == field }) {
            pairs[i].messages.append(message)
        } else {
            pairs.append((field, [message]))
        }
    }

    public subscript(field: String) -> [String] { pairs.first { $0.field == field }?.messages ?? [] }

    public var json: JSONValue { .object(pairs.map { ($0.field, JSONValue.array($0.messages.map { .string($0) })) }) }

    /// Ruby ≤ 3.3 `Hash#inspect` of `errors.messages`: `{:path=>["has already been taken"]}`.
    public var rubyInspect: String {
        "{" + pairs.map { pair in
            ":\(pair.field)=>[" + pair.messages.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ", ") + "]"
        }.joined(separator: ", ") + "}"
    }

    public static func == (lhs: FieldErrors, rhs: FieldErrors) -> Bool {
        lhs.pairs.map(\.field) == rhs.pairs.map(\.field) && lhs.pairs.map(\.messages) == rhs.pairs.map(\.messages)
    }
}

/// A row the operation itself has just written, or a value a block it ran has just set,
/// read back: its absence is a broken store, GitLab's 500, never a trap.
func readBack<T>(_ value: T?, _ file: StaticString = #fileID, _ line: UInt = #line) throws -> T {
    guard let value else { throw APIError.internalError("nothing to read back at \(file):\(line)") }
    return value
}
