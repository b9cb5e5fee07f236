import Crypto
import Foundation

/// Token values and their digests. A token is shown once; the store keeps only
/// Base64(SHA-256(token)), so a leaked database reveals no usable token.
enum TokenDigest {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// `prefix` + 32 characters from a 64-symbol alphabet (192 bits), from the system CSPRNG.
    static func generate(prefix: String) -> String {
        var rng = SystemRandomNumberGenerator()
        return prefix + String((0..<32).map { _ in alphabet[Int(rng.next(upperBound: UInt8(alphabet.count)))] })
    }

    static func digest(_ token: String) -> String {
        Data(SHA256.hash(data: Data(token.utf8))).base64EncodedString()
    }

    /// 32 lower-case hex digits (usernames of service accounts).
    static func randomHex() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", rng.next(upperBound: UInt16(256))) }.joined()
    }
}
