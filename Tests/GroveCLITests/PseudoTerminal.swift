import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `grove` on a pseudo-terminal, so the REPL runs with line editing as a person sees it.
final class PseudoTerminal {
    private let master: Int32
    private let process = Process()
    private var seen = ""

    struct Timeout: Error, CustomStringConvertible {
        let waitingFor: String
        let seen: String
        var description: String { "timed out waiting for \(waitingFor.debugDescription); screen so far: \(seen.debugDescription)" }
    }

    /// `rows` and `columns` of 0 leave the terminal without a size.
    init(arguments: [String], environment: [String: String] = [:], rows: UInt16 = 0, columns: UInt16 = 0) throws {
        var master: Int32 = 0, slave: Int32 = 0
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw POSIXError(.ENOTTY) }
        self.master = master
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.executableURL = GroveProcess.executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["XDG_STATE_HOME"] = NSTemporaryDirectory() + "grove-pty-\(getpid())"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
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

    func interrupt() { kill(process.processIdentifier, SIGINT) }

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

    func waitForExit(timeout: TimeInterval = 10) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            var buffer = [UInt8](repeating: 0, count: 4096)
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, 50) > 0 { _ = read(master, &buffer, buffer.count) }
        }
        if process.isRunning { terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func terminate() {
        if process.isRunning { process.terminate() }
        close(master)
    }
}
