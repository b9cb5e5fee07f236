import Foundation
import GroveFormats

/// The checks of `WebHooks::Hook` and its JSON schemas, with the texts GitLab answers.
enum HookValidation {
    nonisolated(unsafe) static let urlVariableKey = #/[A-Za-z_][A-Za-z0-9_]*/#
    nonisolated(unsafe) static let customHeaderKey = #/[A-Za-z]+[0-9]*(?:[._-][A-Za-z0-9]+)*/#
    nonisolated(unsafe) static let placeholder = #/\{([A-Za-z_][A-Za-z0-9_]*)\}/#
    static let maxPairs = 20
    static let maxTemplate = 4096
    static let maxHooks = 50

    static func matches<Output>(_ regex: Regex<Output>, _ s: String) -> Bool {
        (try? regex.wholeMatch(in: s)) != nil
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
        url.matches(of: placeholder).map { String($0.1) }
    }

    static func error(_ text: String) -> APIError { APIError.grape(text, status: 422) }
}
