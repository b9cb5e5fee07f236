import Foundation

/// `multipart/form-data` bodies (python-gitlab's avatar upload, curl `-F`). A part with a
/// filename becomes the core's file value `{"filename": ..., "content": <base64>}`; other
/// parts are text fields with Rails-style names.
public enum MultipartForm {
    public struct Part: Equatable {
        public var name: String
        public var filename: String?
        public var data: [UInt8]
        public init(name: String, filename: String?, data: [UInt8]) { self.name = name; self.filename = filename; self.data = data }
    }

    /// A body that does not follow its boundary (Grape's 400 `multipart body is malformed`).
    public struct Malformed: Error, Equatable { public init() {} }

    public static func boundary(contentType: String) -> String? {
        for item in contentType.split(separator: ";").dropFirst() {
            let kv = item.trimmingCharacters(in: .whitespaces)
            guard kv.lowercased().hasPrefix("boundary=") else { continue }
            var value = String(kv.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    public static func parts(_ body: [UInt8], boundary: String) throws -> [Part] {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        guard var start = find(delimiter, in: body, from: 0) else { throw Malformed() }
        while true {
            var cursor = start + delimiter.count
            // `--` after a delimiter closes the body.
            if cursor + 1 < body.count, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") { break }
            cursor = skipLineEnd(body, cursor)
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: cursor) else { throw Malformed() }
            let headerText = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find(Array("\r\n".utf8) + delimiter, in: body, from: contentStart) else { throw Malformed() }
            if let part = part(headers: headerText, data: Array(body[contentStart..<next])) { parts.append(part) }
            start = next + 2
        }
        return parts
    }

    /// Adds the parts to `object` the way the core expects them.
    public static func merge(_ parts: [Part], into object: inout JSONObject) throws {
        for part in parts {
            let value: JSONValue
            if let filename = part.filename {
                value = .object([("filename", .string(filename)), ("content", .string(Data(part.data).base64EncodedString()))])
            } else {
                value = .string(String(decoding: part.data, as: UTF8.self))
            }
            try RailsParams.nest([(part.name, value)], into: &object)
        }
    }

    private static func part(headers: String, data: [UInt8]) -> Part? {
        var name: String?
        var filename: String?
        for line in headers.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "content-disposition" else { continue }
            for item in line[line.index(after: colon)...].split(separator: ";") {
                let kv = item.trimmingCharacters(in: .whitespaces)
                if let value = quoted(kv, key: "name") { name = value }
                if let value = quoted(kv, key: "filename") { filename = value }
            }
        }
        return name.map { Part(name: $0, filename: filename, data: data) }
    }

    private static func quoted(_ item: String, key: String) -> String? {
        guard item.lowercased().hasPrefix(key + "=") else { return nil }
        var value = String(item.dropFirst(key.count + 1))
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        return value
    }

    private static func skipLineEnd(_ body: [UInt8], _ index: Int) -> Int {
        var i = index
        while i < body.count, body[i] == UInt8(ascii: " ") || body[i] == UInt8(ascii: "\t") { i += 1 }
        if i + 1 < body.count, body[i] == 13, body[i + 1] == 10 { return i + 2 }
        return i
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        let first = needle[0]
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
