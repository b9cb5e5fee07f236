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
    ///
    /// The pager runs in grove's own process group, the terminal's foreground group, so
    /// that it may read keys from the terminal and set its modes (Foundation's `Process`
    /// starts a new group, where `less` is stopped by SIGTTOU/SIGTTIN and q never reaches
    /// it). The text goes through a pipe; the terminal's modes are put back afterwards for
    /// the line editor.
    private func page(_ text: String, through command: String) -> Bool {
        fflush(nil)
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return false }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        // Neither end stays open in the pager: it sees the end of the text when grove closes its end.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        var saved = termios()
        let haveModes = tcgetattr(STDIN_FILENO, &saved) == 0

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, STDIN_FILENO)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // No POSIX_SPAWN_SETPGROUP: the pager stays in the terminal's foreground group.
        // Signals grove ignores or blocks (SIGPIPE) are the pager's own again.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD] { sigaddset(&defaults, signal) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let arguments = ["/bin/sh", "-c", command].map { (word: String) -> UnsafeMutablePointer<CChar>? in strdup(word) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, environ)
        close(readEnd)
        guard spawned == 0 else {
            close(writeEnd)
            return false
        }
        // A pager quit early closes the pipe: the rest of the text is not wanted.
        signal(SIGPIPE, SIG_IGN)
        Self.writeAll(Array(text.utf8), to: writeEnd)
        close(writeEnd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        if haveModes { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        // Ctrl-C typed to the pager reached grove too (the same process group): it is not
        // meant for the next line.
        _ = LuaState.takeInterrupt()
        // 127: the shell found no such command (no `less` installed, say).
        let exited = status & 0x7f == 0
        return !(exited && (status >> 8) & 0xff == 127)
    }

    /// Writes every byte, going on after a signal; stops when the reader has gone.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
