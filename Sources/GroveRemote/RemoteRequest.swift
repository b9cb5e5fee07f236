import Foundation
import GroveCore

/// One operation as GitLab's REST v4 API takes it, built from the operation's descriptor
/// only: the path with its captures URL-encoded (`platform%2Fapi`), the other parameters
/// in the query string (GET, HEAD, DELETE: Rails bracket form) or a JSON body, and a
/// multipart body when a file travels (avatars).
public struct RemoteRequest: Sendable, Equatable {
    public var method: String
    /// Below `/api/v4`, with the query string: `/groups/platform%2Fapi/subgroups?per_page=100`.
    public var target: String
    public var contentType: String?
    public var body: [UInt8]?

    public init(method: String, target: String, contentType: String? = nil, body: [UInt8]? = nil) {
        self.method = method
        self.target = target
        self.contentType = contentType
        self.body = body
    }

    /// A GET of `path` with a query string.
    public init(get path: String, query: [(String, String)]) {
        self.init(method: "GET", target: query.isEmpty ? path : path + "?" + PercentEncoding.encodeQuery(query))
    }

    /// A retry may repeat a request GitLab has already processed only when doing it twice
    /// changes nothing more than doing it once.
    public var isIdempotent: Bool { method != "POST" }

    /// The arguments are checked as the embedded store checks them, so that a script meets
    /// the same error on either backend before anything is sent: an empty or NaN argument
    /// would otherwise change the request (`/groups/` is the list of groups).
    public init(_ operation: OperationDescriptor, params: JSONObject) throws {
        try operation.checkArguments(params)
        var path = ""
        var captured: Set<String> = []
        for segment in operation.path.split(separator: "/", omittingEmptySubsequences: true) {
            path += "/"
            guard segment.hasPrefix(":") else { path += segment; continue }
            let name = String(segment.dropFirst())
            guard let value = params[name], let text = RailsParams.scalar(value) else {
                throw APIError.grape("\(name) is missing")
            }
            captured.insert(name)
            path += PercentEncoding.escape(text)
        }
        let rest = params.pairs.filter { !captured.contains($0.key) }
        self.method = operation.method
        switch operation.method {
        case "GET", "HEAD", "DELETE":
            let query = RailsParams.pairs(rest)
            self.target = query.isEmpty ? path : path + "?" + PercentEncoding.encodeQuery(query)
        default:
            self.target = path
            if rest.contains(where: { operation.param($0.key)?.type == .file && $0.value.objectValue != nil }) {
                let form = MultipartBody(rest)
                self.contentType = form.contentType
                self.body = form.bytes
            } else if !rest.isEmpty {
                self.contentType = "application/json"
                self.body = JSONText.encodeBytes(.object(JSONObject(rest.map { ($0.key, $0.value) })))
            }
        }
    }
}

/// `multipart/form-data` for an upload: the core's file value `{filename, content (base64)}`
/// becomes a file part, everything else text parts in bracket form.
struct MultipartBody {
    let boundary = "grove-" + UUID().uuidString
    private(set) var bytes: [UInt8] = []

    var contentType: String { "multipart/form-data; boundary=" + boundary }

    init(_ params: [(key: String, value: JSONValue)]) {
        for (key, value) in params {
            if case .object(let file) = value, let filename = file["filename"]?.stringValue,
               let content = file["content"]?.stringValue {
                part(name: key, filename: filename, data: Data(base64Encoded: content).map { [UInt8]($0) } ?? Array(content.utf8))
            } else {
                for (name, text) in RailsParams.pairs([(key, value)]) { part(name: name, filename: nil, data: Array(text.utf8)) }
            }
        }
        bytes += Array("--\(boundary)--\r\n".utf8)
    }

    private mutating func part(name: String, filename: String?, data: [UInt8]) {
        var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.quoted(name))\""
        if let filename { head += "; filename=\"\(Self.quoted(filename))\"\r\nContent-Type: application/octet-stream" }
        head += "\r\n\r\n"
        bytes += Array(head.utf8) + data + Array("\r\n".utf8)
    }

    private static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
    }
}
