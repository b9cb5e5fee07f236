import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `grove` on a pseudo-terminal, so the REPL runs with line editing as a person sees it.
final class PseudoTerminal {
    private let master: Int32
    private let pid: pid_t
    private var exitStatus: Int32?
    private var closed = false
    private var seen = ""

    struct Timeout: Error, CustomStringConvertible {
        let waitingFor: String
        let seen: String
        var description: String { "timed out waiting for \(waitingFor.debugDescription); screen so far: \(seen.debugDescription)" }
    }

    /// `rows` and `columns` of 0 leave the terminal without a size. `controlling`: grove
    /// starts a session whose controlling terminal this is, grove's group in its
    /// foreground, as in a terminal emulator (what a pager like `less` needs); else grove
    /// is in a process group of its own, as Foundation's `Process` starts it.
    init(arguments: [String], environment: [String: String] = [:], rows: UInt16 = 0, columns: UInt16 = 0,
         controlling: Bool = false) throws {
        var master: Int32 = 0, slave: Int32 = 0
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw POSIXError(.ENOTTY) }
        defer { close(slave) }
        guard let name = ttyname(slave).map({ String(cString: $0) }) else { throw POSIXError(.ENOTTY) }
        self.master = master
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["XDG_STATE_HOME"] = NSTemporaryDirectory() + "grove-pty-\(getpid())"
        for (key, value) in environment { env[key] = value }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if controlling {
            // A session leader without a terminal that opens one makes it its controlling
            // terminal, with its own group in the foreground.
            flags |= 0x80  // POSIX_SPAWN_SETSID (glibc)
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, name, O_RDWR, 0)
        } else {
            flags |= POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setpgroup(&attributes, 0)
            posix_spawn_file_actions_adddup2(&actions, slave, STDIN_FILENO)
        }
        posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDERR_FILENO)
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let copy = { (word: String) -> UnsafeMutablePointer<CChar>? in strdup(word) }
        let argv = ([GroveProcess.executable.path] + arguments).map(copy) + [nil]
        let envp = env.map { copy("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, GroveProcess.executable.path, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            close(master)
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL)
        }
        self.pid = pid
    }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
    }

    /// Waits until the line editor has the terminal in raw mode: text sent earlier is
    /// echoed by the terminal and then again by the editor.
    func waitUntilEditing(timeout: TimeInterval = 5) {
        let deadline = Date().addingTimeInterval(timeout)
        var settings = termios()
        while Date() < deadline, tcgetattr(master, &settings) == 0, settings.c_lflag & tcflag_t(ICANON) != 0 {
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    func interrupt() { kill(pid, SIGINT) }

    /// Reads the terminal until `text` appears after what earlier calls consumed; returns
    /// what came before it.
    @discardableResult
    func expect(_ text: String, timeout: TimeInterval = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while !seen.contains(text) {
            guard Date() < deadline else { throw Timeout(waitingFor: text, seen: seen) }
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(master, &buffer, buffer.count)
            guard n > 0 else { throw Timeout(waitingFor: text, seen: seen) }
            seen += String(decoding: buffer[..<n], as: UTF8.self)
        }
        let match = seen.range(of: text)!
        let before = String(seen[..<match.lowerBound])
        seen = String(seen[match.upperBound...])
        return before
    }

    /// Whether grove still runs; collects its exit status when it has ended.
    private var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        // Exited: its status; killed by a signal: the signal's number, as Process says.
        exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
        return false
    }

    func waitForExit(timeout: TimeInterval = 10) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning && Date() < deadline {
            var buffer = [UInt8](repeating: 0, count: 4096)
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, 50) > 0 { _ = read(master, &buffer, buffer.count) }
        }
        if isRunning { terminate() }
        return exitStatus ?? -1
    }

    /// Ends grove (SIGTERM, then SIGKILL) and waits for it; closes the terminal.
    func terminate() {
        if isRunning {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            if isRunning {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                exitStatus = SIGKILL
            }
        }
        if !closed { close(master) }
        closed = true
    }
}
