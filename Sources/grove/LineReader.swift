import CEditline
import Foundation
import GroveLua

/// Where the REPL's lines come from: libedit on a terminal (editing, history,
/// completion), plain standard input otherwise.
protocol LineReader {
    /// The next line without its newline; nil at end of input. `interrupted`
    /// is true when Ctrl-C cancelled the line being typed.
    mutating func readLine(prompt: String) -> (line: String?, interrupted: Bool)
    mutating func remember(_ entry: String)
    func close()
}

struct PlainLineReader: LineReader {
    mutating func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
        (Swift.readLine(strippingNewline: true), false)
    }
    mutating func remember(_ entry: String) {}
    func close() {}
}

/// libedit through its readline interface. History persists in `historyPath`.
struct EditlineReader: LineReader {
    let historyPath: String
    static let historyLimit: Int32 = 1000

    init(historyPath: String, completer: Completer) {
        self.historyPath = historyPath
        try? FileManager.default.createDirectory(
            atPath: (historyPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        activeCompleter = completer
        // `.` and `:` are part of the word so that `groups.cr<TAB>` completes fields.
        grove_editline_setup("grove", " \t\n\"\\'`@$><=;|&{(,+-*/%^~[]#", completeAttempt)
        using_history()
        _ = read_history(historyPath)
    }

    mutating func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
        _ = LuaState.takeInterrupt()
        guard let raw = readline(prompt) else {
            // libedit returns NULL both for Ctrl-D and for a read interrupted by SIGINT.
            return (nil, LuaState.takeInterrupt())
        }
        defer { free(raw) }
        return (String(cString: raw), false)
    }

    mutating func remember(_ entry: String) {
        guard !entry.allSatisfy(\.isWhitespace) else { return }
        add_history(entry)
        _ = write_history(historyPath)
        _ = history_truncate_file(historyPath, Self.historyLimit)
    }

    func close() { _ = write_history(historyPath) }
}

// libedit calls back through C function pointers, which cannot capture context.
nonisolated(unsafe) private var activeCompleter: Completer?
nonisolated(unsafe) private var pendingMatches: [String] = []

private let completeAttempt: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = {
    text, _, _ in
    grove_editline_completion_only()
    guard let text, let completer = activeCompleter else { return nil }
    pendingMatches = completer.candidates(for: String(cString: text))
    return rl_completion_matches(text, nextMatch)
}

private let nextMatch: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    let index = Int(state)
    guard index < pendingMatches.count else { return nil }
    return strdup(pendingMatches[index])
}
