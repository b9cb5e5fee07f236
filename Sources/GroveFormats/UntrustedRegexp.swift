import Foundation

/// `UntrustedRegexpValidator`: push rule patterns must compile as RE2, which has no
/// look-around and no back-references.
public enum UntrustedRegexp {
    public struct Invalid: Error { public let reason: String }

    /// Compiled patterns by their text, at most `cacheLimit`: pushes are checked against the
    /// same few patterns over and over, and Foundation's NSRegularExpression on Linux leaks
    /// its copy of a pattern longer than 256 UTF-16 units at every compile (found by the
    /// libFuzzer target push-rule-regex).
    nonisolated(unsafe) private static var compiled: [String: Result<NSRegularExpression, Invalid>] = [:]
    private static let lock = NSLock()
    static let cacheLimit = 512

    public static func compile(_ pattern: String) -> Result<NSRegularExpression, Invalid> {
        lock.lock()
        let cached = compiled[pattern]
        lock.unlock()
        if let cached { return cached }
        let result = compileUncached(pattern)
        lock.lock()
        if compiled.count >= cacheLimit { compiled.removeAll(keepingCapacity: true) }
        compiled[pattern] = result
        lock.unlock()
        return result
    }

    private static func compileUncached(_ pattern: String) -> Result<NSRegularExpression, Invalid> {
        for op in ["(?=", "(?!", "(?<=", "(?<!"] where pattern.contains(op) {
            return .failure(Invalid(reason: "invalid perl operator: \(op)"))
        }
        if let r = pattern.range(of: #"\\[1-9]"#, options: .regularExpression) {
            return .failure(Invalid(reason: "invalid escape sequence: \(pattern[r])"))
        }
        do {
            return .success(try NSRegularExpression(pattern: pattern))
        } catch {
            let opens = pattern.filter { $0 == "(" }.count, closes = pattern.filter { $0 == ")" }.count
            if opens > closes { return .failure(Invalid(reason: "missing ): \(pattern)")) }
            if closes > opens { return .failure(Invalid(reason: "unexpected ): \(pattern)")) }
            if pattern.contains("[") && !pattern.contains("]") { return .failure(Invalid(reason: "missing ]: \(pattern)")) }
            return .failure(Invalid(reason: "invalid regular expression: \(pattern)"))
        }
    }

    public static func matches(_ pattern: String, _ text: String) -> Bool {
        guard case .success(let regex) = compile(pattern) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
