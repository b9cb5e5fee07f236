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

    /// Whether `token` hashes to `stored`, in time independent of where they differ (the
    /// store finds a row by its digest; this check does not answer sooner for a closer guess).
    static func matches(_ token: String, digest stored: String) -> Bool {
        let a = Array(digest(token).utf8), b = Array(stored.utf8)
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }

    /// 32 lower-case hex digits (usernames of service accounts).
    static func randomHex() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", rng.next(upperBound: UInt16(256))) }.joined()
    }
}
