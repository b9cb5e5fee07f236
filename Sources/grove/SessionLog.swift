import Foundation

/// The statements of a shell session that succeeded, in order: `.history` lists them and
/// `.save FILE` writes them as a script that `grove run` replays.
struct SessionLog {
    struct Entry {
        let code: String
        /// Shown as an expression: the shell set `_` to its value.
        let isExpression: Bool
        /// Also compiles as a statement (a call): it runs in a script as it was typed.
        let isStatement: Bool
        /// Spells out a secret (`SecretLines`): listed and saved as `SecretLines.redacted`.
        var holdsSecret: Bool { SecretLines.holdsSecret(code) }
        /// The code as `.history` and `.save` show it.
        var shown: String { holdsSecret ? SecretLines.redacted : code }
    }

    private(set) var entries: [Entry] = []

    mutating func record(_ code: String, isExpression: Bool, isStatement: Bool) {
        guard !code.allSatisfy(\.isWhitespace) else { return }
        entries.append(Entry(code: code, isExpression: isExpression, isStatement: isStatement))
    }

    /// `.history`: each statement numbered, continuation lines indented under it.
    var listing: String {
        entries.enumerated().map { index, entry in
            let number = String(index + 1).leftPadded(to: 4)
            return number + "  " + entry.shown.replacingOccurrences(of: "\n", with: "\n      ")
        }.joined(separator: "\n")
    }

    /// The script: a header comment, then the statements. An expression whose value the
    /// next statements read as `_` is saved as `_ = expression`; a look at a value that changes nothing
    /// (`groups.list{}`, `x`) is left out unless it is also a statement.
    func script(connection: String, date: Date = Date()) -> String {
        var lines = [
            "-- Grove shell session saved \(ISO8601DateFormatter().string(from: date))",
            "-- connection: \(connection)",
            "",
        ]
        for (index, entry) in entries.enumerated() {
            if entry.holdsSecret {
                if entry.isStatement || underscoreIsRead(after: index) { lines.append(entry.shown) }
            } else if entry.isExpression && underscoreIsRead(after: index) {
                lines.append("_ = " + entry.code)
            } else if entry.isStatement {
                lines.append(entry.code)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// How many of the statements hold a secret (shown redacted).
    var secretCount: Int { entries.filter(\.holdsSecret).count }

    /// Whether a statement after `index` reads `_` before another expression replaces it.
    private func underscoreIsRead(after index: Int) -> Bool {
        for entry in entries[(index + 1)...] {
            if Self.readsUnderscore(entry.code) { return true }
            if entry.isExpression { return false }
        }
        return false
    }

    /// Whether `code` names the variable `_` (rough: strings are not told apart).
    static func readsUnderscore(_ code: String) -> Bool {
        code.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).contains("_")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
