import Foundation
import GroveFormats

/// One fuzz target per parser of GroveFormats: each takes arbitrary bytes, must not trap,
/// and checks a property of the parser beyond that. A broken property is reported with
/// `fail`, which stops the process (libFuzzer then keeps the input as a crash).
public enum FormatChecks {
    public static let targets: [(name: String, check: @Sendable ([UInt8]) -> Void)] = [
        ("timestamp", timestamp), ("json", json), ("rails-params", railsParams),
        ("multipart", multipart), ("percent-decoding", percentDecoding), ("push-rule-regex", pushRuleRegex),
    ]

    public static func check(named name: String) -> (@Sendable ([UInt8]) -> Void)? {
        targets.first { $0.name == name }?.check
    }

    static func fail(_ message: String, _ input: [UInt8]) -> Never {
        FileHandle.standardError.write(Data("property broken: \(message)\ninput: \(input)\n".utf8))
        abort()
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// ISO 8601 as `created_after` reads it: whatever parses renders back (GitLab's
    /// format, UTC, milliseconds) to text that parses to the same instant; an offset can
    /// only carry it a day past 0000-9999, written as `-0001` or `10000`.
    static func timestamp(_ input: [UInt8]) {
        let s = text(input)
        if let day = Timestamp.parseDay(s), Timestamp.day(day) != s { fail("day \(s) renders as \(Timestamp.day(day))", input) }
        guard let millis = Timestamp.parseDateTime(s) else { return }
        let rendered = Timestamp.iso8601(millis)
        if rendered.hasPrefix("-0001-12-31T") || rendered.hasPrefix("10000-01-01T") { return }
        guard Timestamp.parseDateTime(rendered) == millis else { fail("\(s) → \(millis) → \(rendered) does not parse back", input) }
    }

    /// JSON text: parse → serialise → parse gives the same value, compact and pretty
    /// (a number beyond Double's range is infinite, which JSON writes as null).
    static func json(_ input: [UInt8]) {
        guard let value = try? JSONText.decode(text(input)) else { return }
        let expected = finite(value)
        for pretty in [false, true] {
            let encoded = JSONText.encode(value, pretty: pretty)
            guard let again = try? JSONText.decode(encoded) else { fail("\(encoded) does not parse", input) }
            guard again == expected else { fail("\(encoded) parses to \(again), not \(expected)", input) }
        }
        guard JSONText.encodeBytes(value) == Array(JSONText.encode(value).utf8) else { fail("encodeBytes differs from encode", input) }
    }

    private static func finite(_ value: JSONValue) -> JSONValue {
        switch value {
        case .double(let d) where !d.isFinite: return .null
        case .array(let items): return .array(items.map(finite))
        case .object(let object): return .object(JSONObject(object.pairs.map { ($0.key, finite($0.value)) }))
        default: return value
        }
    }

    /// A form body or query string with Rails bracket names: nesting never traps, and a
    /// name without brackets keeps its last value.
    static func railsParams(_ input: [UInt8]) {
        let pairs = FormEncoding.pairs(text(input)[...])
        var object = JSONObject()
        do {
            try RailsParams.nest(pairs.map { ($0.key, JSONValue.string($0.value)) }, into: &object)
        } catch is RailsParams.TooDeep {
            let deepest = pairs.map { $0.key.utf8.filter { $0 == UInt8(ascii: "[") }.count }.max() ?? 0
            if deepest <= RailsParams.depthLimit { fail("refused as too deep at \(deepest) levels", input) }
            return
        } catch {
            fail("unexpected error \(error)", input)
        }
        let heads = Set(pairs.compactMap { pair in pair.key.firstIndex(of: "[").map { String(pair.key[..<$0]) } })
        for pair in pairs where !pair.key.contains("[") && !heads.contains(pair.key) {
            let last = pairs.last { $0.key == pair.key }!.value
            guard object[pair.key] == .string(last) else { fail("\(pair.key) is \(String(describing: object[pair.key])), not \(last)", input) }
        }
    }

    /// A multipart body, its boundary on the first line: what parses, written again with
    /// the same boundary, parses to the same parts.
    static func multipart(_ input: [UInt8]) {
        guard let newline = input.firstIndex(of: 10) else { return }
        let boundary = text(Array(input[..<newline]))
        let body = Array(input[(newline + 1)...])
        guard !boundary.isEmpty, let parts = try? MultipartForm.parts(body, boundary: boundary) else { return }
        var object = JSONObject()
        do { try MultipartForm.merge(parts, into: &object) } catch is RailsParams.TooDeep {} catch { fail("merge threw \(error)", input) }
        // Names and filenames are written quoted without escapes, as browsers and curl do:
        // only those that such a header can carry are written again.
        let writable = parts.allSatisfy { part in
            ([part.name] + (part.filename.map { [$0] } ?? [])).allSatisfy { !$0.contains { "\";\r\n".contains($0) } && !$0.hasPrefix(" ") && !$0.hasSuffix(" ") }
        }
        guard writable, !parts.isEmpty else { return }
        var written: [UInt8] = []
        for part in parts {
            written += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"".utf8)
            if let filename = part.filename { written += Array("; filename=\"\(filename)\"".utf8) }
            written += Array("\r\n\r\n".utf8) + part.data + Array("\r\n".utf8)
        }
        written += Array("--\(boundary)--\r\n".utf8)
        guard let again = try? MultipartForm.parts(written, boundary: boundary) else { fail("the parts written again do not parse", input) }
        guard again == parts else { fail("the parts written again parse to \(again.count) other parts", input) }
    }

    /// Percent-decoding of query strings and form bodies never traps, and what `PercentEncoding.escape`
    /// encodes decodes to the original.
    static func percentDecoding(_ input: [UInt8]) {
        let s = text(input)
        _ = FormEncoding.decode(s[...])
        let escaped = PercentEncoding.escape(s)
        guard FormEncoding.decode(escaped[...]) == s else { fail("\(escaped) decodes to \(FormEncoding.decode(escaped[...])), not the original", input) }
        let pairs = FormEncoding.pairs(FormEncoding.encode([(key: s, value: s)])[...])
        guard pairs.count == 1, pairs.first?.key == s, pairs.first?.value == s else { fail("encode → pairs is \(pairs)", input) }
    }

    /// A push rule's pattern (before a NUL) and a text to match: RE2's refusals are kept
    /// (no look-around, no back-references), and a pattern that compiles matches without
    /// trapping.
    static func pushRuleRegex(_ input: [UInt8]) {
        let split = input.firstIndex(of: 0) ?? input.endIndex
        let pattern = text(Array(input[..<split]))
        let subject = split < input.endIndex ? text(Array(input[(split + 1)...])) : ""
        switch UntrustedRegexp.compile(pattern) {
        case .success:
            for op in ["(?=", "(?!", "(?<=", "(?<!"] where pattern.contains(op) { fail("\(pattern) compiled with \(op)", input) }
            _ = UntrustedRegexp.matches(pattern, subject)
        case .failure(let invalid):
            if invalid.reason.isEmpty { fail("a refusal without a reason", input) }
            if UntrustedRegexp.matches(pattern, subject) { fail("a refused pattern matched", input) }
        }
    }
}
