import Foundation
import GroveLua

/// A line the shell answers itself instead of running it as Lua: `groups.create?` or
/// `?groups.create` (help), and the dot commands. Lua code never starts with `.` or `?`
/// nor ends with `?`, so these take nothing from the language.
enum ShellCommand: Equatable {
    case help(String?)
    case history
    case save(String)
    case connect(String)
    case commands
    case unknown(String, problem: String?)

    static let names = [".help", ".history", ".save", ".connect"]
    static let summary = """
        name? or ?name     help(name): a function's options and example, a module's functions
        .history           the statements of this session that succeeded
        .save FILE         write them to FILE as a script (grove run FILE replays it)
        .connect NAME      switch the global modules to a python-gitlab configuration section (- for the default)
        .help              this list
        """

    init?(_ line: String) {
        let text = line.trimmingCharacters(in: .whitespaces)
        if let name = Self.helpTarget(text) {
            self = .help(name.isEmpty ? nil : name)
            return
        }
        guard text.hasPrefix("."), text.count > 1, text.dropFirst().first?.isLetter == true else { return nil }
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case ".history": self = .history
        case ".help": self = .commands
        case ".save": self = argument.isEmpty ? .unknown(".save", problem: ".save needs a file name: .save FILE") : .save(argument)
        case ".connect": self = argument.isEmpty ? .unknown(".connect", problem: ".connect needs a section name: .connect NAME") : .connect(argument)
        default: self = .unknown(parts[0], problem: nil)
        }
    }

    static func unknownMessage(_ word: String) -> String {
        let guess = NameSuggestion.closest(to: word, among: names).map { "did you mean \($0)? " } ?? ""
        return "unknown shell command \(word); \(guess)commands: \(names.joined(separator: ", "))"
    }

    /// `groups.create?`, `?groups.create`, `?`: the name (empty for plain help), else nil.
    private static func helpTarget(_ text: String) -> String? {
        let name: Substring
        if text.hasPrefix("?") {
            name = text.dropFirst()
        } else if text.hasSuffix("?") {
            name = text.dropLast()
        } else {
            return nil
        }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard trimmed.isEmpty || trimmed.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/) != nil else { return nil }
        return trimmed
    }
}
