import Foundation

/// JSON text for `JSONValue`: compact or pretty output in key order, and a strict parser
/// that keeps the order of object keys as written.
public enum JSONText {
    public static func encode(_ value: JSONValue, pretty: Bool = false) -> String {
        var out = Writer()
        out.value(value, pretty: pretty, indent: 0)
        return out.text
    }

    /// `encode` as UTF-8 bytes, for writers of bytes (the server's response bodies): no
    /// `String` to build and validate in between.
    public static func encodeBytes(_ value: JSONValue) -> [UInt8] {
        var out = Writer()
        out.value(value, pretty: false, indent: 0)
        return out.bytes
    }

    public static func decode(_ text: String) throws -> JSONValue {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipSpace()
        let value = try parser.parseValue(depth: 0)
        parser.skipSpace()
        guard parser.pos == parser.bytes.count else { throw parser.failure("trailing characters") }
        return value
    }

    public struct DecodingError: Error, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Compact or pretty JSON into UTF-8 bytes: appending bytes costs a fraction of
    /// appending to a `String` piece by piece (audit events serialise on every mutation).
    public struct Writer {
        private(set) var bytes: [UInt8] = []

        public init() { bytes.reserveCapacity(256) }

        public var text: String { String(decoding: bytes, as: UTF8.self) }

        public mutating func raw(_ s: StaticString) {
            s.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }

        public mutating func int(_ i: Int64) {
            if i < 0 { bytes.append(UInt8(ascii: "-")) }
            var v = i.magnitude
            let start = bytes.count
            repeat { bytes.append(UInt8(ascii: "0") + UInt8(v % 10)); v /= 10 } while v > 0
            bytes[start...].reverse()
        }

        public mutating func value(_ value: JSONValue, pretty: Bool = false, indent: Int = 0) {
            switch value {
            case .null: raw("null")
            case .bool(let b): if b { raw("true") } else { raw("false") }
            case .int(let i): int(i)
            case .double(let d):
                if d.isFinite {
                    if d == d.rounded() && abs(d) < 1e15 { int(Int64(d)); raw(".0") } else { bytes.append(contentsOf: String(d).utf8) }
                } else {
                    raw("null")
                }
            case .string(let s): string(s)
            case .array(let items):
                if items.isEmpty { raw("[]"); return }
                bytes.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { bytes.append(UInt8(ascii: ",")) }
                    if pretty { newline(indent + 1) }
                    self.value(item, pretty: pretty, indent: indent + 1)
                }
                if pretty { newline(indent) }
                bytes.append(UInt8(ascii: "]"))
            case .object(let object):
                if object.isEmpty { raw("{}"); return }
                bytes.append(UInt8(ascii: "{"))
                var first = true
                for (key, member) in object {
                    if !first { bytes.append(UInt8(ascii: ",")) }
                    first = false
                    if pretty { newline(indent + 1) }
                    string(key)
                    if pretty { raw(": ") } else { bytes.append(UInt8(ascii: ":")) }
                    self.value(member, pretty: pretty, indent: indent + 1)
                }
                if pretty { newline(indent) }
                bytes.append(UInt8(ascii: "}"))
            }
        }

        private mutating func newline(_ indent: Int) {
            bytes.append(UInt8(ascii: "\n"))
            for _ in 0..<indent { raw("  ") }
        }

        /// A quoted string. Everything to escape is ASCII, so multi-byte UTF-8 sequences
        /// are copied as they are: runs between escapes are appended whole.
        public mutating func string(_ s: String) {
            var s = s
            s.withUTF8 { quoted($0) }
        }

        private mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>) {
            bytes.append(UInt8(ascii: "\""))
            var runStart = 0
            for i in utf8.indices {
                let b = utf8[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                escape(b)
                runStart = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            bytes.append(UInt8(ascii: "\""))
        }

        private mutating func escape(_ b: UInt8) {
            switch b {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            default:
                raw("\\u00")
                for nibble in [b >> 4, b & 0xF] { bytes.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10) }
            }
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var pos = 0

        func failure(_ reason: String) -> DecodingError { DecodingError(offset: pos, reason: reason) }

        mutating func skipSpace() {
            while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
        }

        mutating func parseValue(depth: Int) throws -> JSONValue {
            guard depth < 512 else { throw failure("nesting too deep") }
            guard pos < bytes.count else { throw failure("unexpected end") }
            switch bytes[pos] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return try parseNumber()
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else { throw failure("invalid literal") }
            pos += w.count
        }

        mutating func parseObject(depth: Int) throws -> JSONValue {
            pos += 1
            var object = JSONObject()
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(object) }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw failure("expected key") }
                let key = try parseString()
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                pos += 1
                skipSpace()
                object[key] = try parseValue(depth: depth + 1)
                skipSpace()
                guard pos < bytes.count else { throw failure("unexpected end") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(object) }
                throw failure("expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws -> JSONValue {
            pos += 1
            var items: [JSONValue] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try parseValue(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw failure("unexpected end") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw failure("expected ',' or ']'")
            }
        }

        mutating func parseString() throws -> String {
            pos += 1
            var scalars = String.UnicodeScalarView()
            var chunkStart = pos
            func flush(_ p: Int) { if p > chunkStart { scalars.append(contentsOf: String(decoding: bytes[chunkStart..<p], as: UTF8.self).unicodeScalars) } }
            while pos < bytes.count {
                let b = bytes[pos]
                if b == UInt8(ascii: "\"") { flush(pos); pos += 1; return String(scalars) }
                if b < 0x20 { throw failure("control character in string") }
                if b == UInt8(ascii: "\\") {
                    flush(pos)
                    pos += 1
                    guard pos < bytes.count else { break }
                    let e = bytes[pos]
                    pos += 1
                    switch e {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        // A high surrogate takes the next escape only when that is a low one;
                        // otherwise it stands alone (U+FFFD) and the next escape is read as itself.
                        if (0xD800..<0xDC00).contains(code), pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                            let next = pos
                            pos += 2
                            let low = try hex4()
                            if (0xDC00..<0xE000).contains(low) { code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) } else { pos = next }
                        }
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: throw failure("invalid escape")
                    }
                    chunkStart = pos
                    continue
                }
                pos += 1
            }
            throw failure("unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            // Four hex digits exactly: UInt32(_:radix:) would also take a sign.
            guard pos + 4 <= bytes.count, bytes[pos..<pos + 4].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }),
                  let v = UInt32(String(decoding: bytes[pos..<pos + 4], as: UTF8.self), radix: 16) else {
                throw failure("invalid \\u escape")
            }
            pos += 4
            return v
        }

        mutating func parseNumber() throws -> JSONValue {
            let start = pos
            var isDouble = false
            while pos < bytes.count {
                let b = bytes[pos]
                if (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") { pos += 1 }
                else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { isDouble = true; pos += 1 }
                else { break }
            }
            let text = String(decoding: bytes[start..<pos], as: UTF8.self)
            if !isDouble, let i = Int64(text) { return .int(i) }
            guard !text.isEmpty, let d = Double(text) else { pos = start; throw failure("invalid value") }
            return .double(d)
        }
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { JSONText.encode(self) }
}
