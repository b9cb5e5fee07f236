import Foundation

/// The checks of `WebHooks::Hook` and its JSON schemas, with the texts GitLab answers.
enum HookValidation {
    static let urlVariableKey = try! NSRegularExpression(pattern: #"\A[A-Za-z_][A-Za-z0-9_]*\z"#)
    static let customHeaderKey = try! NSRegularExpression(pattern: #"\A[A-Za-z]+[0-9]*(?:[._-][A-Za-z0-9]+)*\z"#)
    static let maxPairs = 20
    static let maxTemplate = 4096
    static let maxHooks = 50

    static func matches(_ regex: NSRegularExpression, _ s: String) -> Bool {
        regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    static func validVariable(key: String, value: String) -> Bool {
        matches(urlVariableKey, key) && (1...100).contains(value.count)
    }

    static func validHeader(key: String, value: String) -> Bool {
        matches(customHeaderKey, key) && (1...2048).contains(value.count)
    }

    /// `[{key, value}]` pairs from a parameter; nil when an item lacks either.
    static func pairs(_ value: JSONValue?) -> [(key: String, value: String)]? {
        guard let items = value?.arrayValue else { return [] }
        var out: [(key: String, value: String)] = []
        for item in items {
            guard let key = item["key"]?.stringValue, let value = item["value"]?.stringValue ?? item["value"]?.intValue.map(String.init) else { return nil }
            out.append((key, value))
        }
        return out
    }

    /// Placeholders `{name}` of a URL template.
    static func placeholders(_ url: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: #"\{([A-Za-z_][A-Za-z0-9_]*)\}"#)
        return regex.matches(in: url, range: NSRange(url.startIndex..., in: url)).compactMap { Range($0.range(at: 1), in: url).map { String(url[$0]) } }
    }

    static func error(_ text: String) -> APIError { APIError.grape(text, status: 422) }
}
