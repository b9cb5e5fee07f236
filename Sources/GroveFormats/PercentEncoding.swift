import Foundation

/// `%XX` escapes, as URL paths and `application/x-www-form-urlencoded` text carry them.
public enum PercentEncoding {
    /// The text with its escapes decoded; text without `%` is returned as it is (Foundation's
    /// decoder is slow and most ids and paths have none), malformed escapes as given.
    public static func decode(_ text: some StringProtocol) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        return text.removingPercentEncoding ?? String(text)
    }

    /// Form text: `+` is a space, then the escapes.
    public static func decodeForm(_ text: some StringProtocol) -> String {
        decode(text.replacingOccurrences(of: "+", with: " "))
    }

    /// Everything but RFC 3986's unreserved characters escaped, so `/` in a path capture is `%2F`.
    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// `name=value&...` with both sides escaped.
    public static func encodeQuery(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
