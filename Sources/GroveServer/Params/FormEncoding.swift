import Foundation
import GroveCore

/// `application/x-www-form-urlencoded` text (query strings and form bodies): `+` is a space,
/// `%XX` a byte; keys keep their Rails brackets for `RailsParameters` to nest.
enum FormEncoding {
    /// The decoded `key=value` pairs in the order written.
    static func pairs(_ text: Substring) -> [(key: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { item in
            if let eq = item.firstIndex(of: "=") {
                return (decode(item[..<eq]), decode(item[item.index(after: eq)...]))
            }
            return (decode(item), "")
        }
    }

    static func decode(_ s: Substring) -> String { PercentEncoding.decodeForm(s) }

    /// Encodes pairs for a URL (the `Link` header).
    static func encode(_ pairs: [(key: String, value: String)]) -> String { PercentEncoding.encodeQuery(pairs.map { ($0.key, $0.value) }) }
}
