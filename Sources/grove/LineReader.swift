import CEditline
import Foundation
import GroveLua

/// Where the REPL's lines come from: libedit on a terminal (editing, history,
/// completion), plain standard input otherwise, or when libedit cannot be loaded.
protocol LineReader {
    /// The next line without its newline; nil at end of input. `interrupted`
    /// is true when Ctrl-C cancelled the line being typed.
    mutating func readLine(prompt: String) -> (line: String?, interrupted: Bool)
    mutating func remember(_ entry: String)
    func close()
}

struct PlainLineReader: LineReader {
    /// On a terminal (libedit missing): the prompt is shown, and Ctrl-C cancels the line
    /// rather than ending the shell.
    var onTerminal = false

    mutating func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
        _ = LuaState.takeInterrupt()
        guard onTerminal else { return Self.standardInputLine() }
        print(prompt, terminator: "")
        fflush(nil)
        return Self.terminalLine()
    }

    /// A line of piped input (`... | grove -i script`), through C's stdin, whose buffer
    /// Lua's io.read shares. Swift's readLine retried the read that SIGINT interrupts,
    /// spinning; here Ctrl-C cancels the line as on a terminal.
    private static func standardInputLine() -> (line: String?, interrupted: Bool) {
        var bytes: [UInt8] = []
        while true {
            if LuaState.takeInterrupt() { return (nil, true) }
            let c = grove_stdin_read_byte()
            if c == -2 { continue }
            if c < 0 {
                if bytes.isEmpty { return (nil, false) }
                break
            }
            if c == 0x0A { break }
            bytes.append(UInt8(truncatingIfNeeded: c))
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return (String(decoding: bytes, as: UTF8.self), false)
    }

    /// A line of the terminal, read with read(2): Swift's readLine retries a read that
    /// SIGINT interrupts (it was seen spinning there), so Ctrl-C would never reach the
    /// shell. Byte by byte, so nothing is read ahead of Lua's io.read.
    private static func terminalLine() -> (line: String?, interrupted: Bool) {
        var bytes: [UInt8] = []
        while true {
            // Ctrl-C may come between the prompt and the read.
            if LuaState.takeInterrupt() { return (nil, true) }
            var byte: UInt8 = 0
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 1 {
                if byte == UInt8(ascii: "\n") { break }
                bytes.append(byte)
            } else if n < 0, errno == EINTR {
                continue
            } else {
                if bytes.isEmpty { return (nil, false) }
                break
            }
        }
        return (String(decoding: bytes, as: UTF8.self), false)
    }

    mutating func remember(_ entry: String) {}
    func close() {}
}

/// libedit through its readline interface, loaded when the first reader is made.
/// History persists in `historyPath`.
struct EditlineReader: LineReader {
    let historyPath: String
    static let historyLimit: Int32 = 1000

    /// Why libedit could not be loaded (the dynamic loader's message).
    struct Unavailable: Error, CustomStringConvertible {
        let reason: String
        var description: String {
            "grove: line editing is off (no history, no completion): \(reason). It comes with libedit (Debian and Ubuntu: libedit2)."
        }
    }

    init(historyPath: String, completer: Completer) throws(Unavailable) {
        if let reason = grove_editline_load() { throw Unavailable(reason: String(cString: reason)) }
        self.historyPath = historyPath
        try? FileManager.default.createDirectory(
            atPath: (historyPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        activeCompleter = completer
        // `.` and `:` are part of the word so that `groups.cr<TAB>` completes fields.
        grove_editline_setup("grove", " \t\n\"\\'`@$><=;|&{(,+-*/%^~[]#", completeAttempt)
        BracketedPaste.install()
        grove_editline_using_history()
        _ = grove_editline_read_history(historyPath)
    }

    /// A multi-line paste comes back as one line holding newlines: what was typed before
    /// it, then the pasted text, echoed under the prompt since libedit never showed it.
    mutating func readLine(prompt: String) -> (line: String?, interrupted: Bool) {
        _ = LuaState.takeInterrupt()
        BracketedPaste.interrupted = false
        BracketedPaste.pasted = nil
        let modeSwitches = isatty(STDOUT_FILENO) != 0
        if modeSwitches { Self.write(BracketedPaste.enable) }
        defer { if modeSwitches { Self.write(BracketedPaste.disable) } }
        guard let raw = grove_editline_readline(prompt) else {
            // libedit returns NULL both for Ctrl-D and for a read interrupted by SIGINT.
            return (nil, BracketedPaste.interrupted || LuaState.takeInterrupt())
        }
        defer { free(raw) }
        let typed = String(cString: raw)
        guard let pasted = BracketedPaste.pasted else { return (typed, false) }
        let shown = pasted.hasSuffix("\n") ? String(pasted.dropLast()) : pasted
        Self.write(shown.split(separator: "\n", omittingEmptySubsequences: false)
            .map { REPL.continuation + $0 }.joined(separator: "\n") + "\n")
        return (typed + shown, false)
    }

    private static func write(_ text: String) {
        print(text, terminator: "")
        fflush(nil)
    }

    mutating func remember(_ entry: String) {
        // Lines holding a secret never reach here (`REPL.remember`).
        guard !entry.allSatisfy(\.isWhitespace) else { return }
        _ = grove_editline_add_history(entry)
        _ = grove_editline_write_history(historyPath)
        _ = grove_editline_history_truncate_file(historyPath, Self.historyLimit)
    }

    func close() { _ = grove_editline_write_history(historyPath) }
}

// libedit calls back through C function pointers, which cannot capture context.
nonisolated(unsafe) private var activeCompleter: Completer?
nonisolated(unsafe) private var pendingMatches: [String] = []

private let completeAttempt: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = {
    text, _, _ in
    grove_editline_completion_only()
    guard let text, let completer = activeCompleter, let before = grove_editline_line_before_cursor() else { return nil }
    defer { free(before) }
    pendingMatches = completer.candidates(line: String(cString: before), word: String(cString: text))
    return grove_editline_completion_matches(text, nextMatch)
}

private let nextMatch: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    let index = Int(state)
    guard index < pendingMatches.count else { return nil }
    return strdup(pendingMatches[index])
}
