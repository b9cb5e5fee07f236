import Foundation
import GroveLua

/// What the shell prints for an expression: `grove.shell` shows a lazy list as a table
/// of its first page and names access levels; `_` becomes the first value shown. The
/// text goes through the pager when it is taller than the terminal.
final class ShellDisplay {
    private let host: ScriptHost
    private let pager: Pager
    private var presenter: LuaRef?

    init(host: ScriptHost, pager: Pager) {
        self.host = host
        self.pager = pager
    }

    /// Runs `chunk` (Ctrl-C armed) and shows what it returns.
    func run(_ chunk: LuaRef) throws {
        let presenter = try self.presenter ?? makePresenter()
        self.presenter = presenter
        let text = try host.interruptible { try host.lua.call(presenter, [.function(chunk)]) }.first?.stringValue
        if let text { pager.show(text + "\n") }
    }

    /// Returns the text instead of writing it, so that the pager can take it. Without the
    /// stdlib, values print as `tostring` shows them.
    private func makePresenter() throws -> LuaRef {
        let results = try host.lua.run("""
            local ok, shell = pcall(require, 'grove.shell')
            local show = ok and shell.show or tostring
            local pack, concat = table.pack, table.concat
            return function(chunk)
              local results = pack(chunk())
              if results.n == 0 then return nil end
              rawset(_G, '_', results[1])
              local parts = {}
              for i = 1, results.n do parts[i] = show(results[i]) end
              return concat(parts, '\\t')
            end
            """, chunkName: "=[grove printer]")
        guard case .function(let function) = results.first else { throw ConversionError(description: "shell printer missing") }
        return function
    }
}

/// `$PAGER` (default `less -FRX`) for output taller than the terminal; standard output
/// otherwise, and always when standard output is not a terminal.
struct Pager {
    let command: String?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let configured = environment["PAGER"].map { $0.trimmingCharacters(in: .whitespaces) }
        command = configured == "" ? nil : (configured ?? "less -FRX")
    }

    func show(_ text: String) {
        if let command, let rows = Self.terminalRows(), text.reduce(0, { $1 == "\n" ? $0 + 1 : $0 }) >= rows,
           page(text, through: command) {
            return
        }
        print(text, terminator: "")
        fflush(nil)
    }

    /// The terminal's height, nil when standard output is no terminal or has no size.
    static func terminalRows() -> Int? {
        guard isatty(STDOUT_FILENO) != 0 else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    /// False when the pager could not be started (the caller prints instead).
    private func page(_ text: String, through command: String) -> Bool {
        fflush(nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let input = Pipe()
        process.standardInput = input
        do { try process.run() } catch { return false }
        // A pager quit early closes the pipe: the rest of the text is not wanted.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        // 127: the shell found no such command (no `less` installed, say).
        return process.terminationStatus != 127
    }
}
