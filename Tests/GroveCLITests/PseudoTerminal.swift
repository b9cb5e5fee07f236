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

    init(arguments: [String]) throws {
        var master: Int32 = 0, slave: Int32 = 0
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw POSIXError(.ENOTTY) }
        self.master = master
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.executableURL = GroveProcess.executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env["XDG_STATE_HOME"] = NSTemporaryDirectory() + "grove-pty-\(getpid())"
        process.environment = env
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
    }

    func interrupt() { kill(process.processIdentifier, SIGINT) }

    /// Reads the terminal until `text` appears after what earlier calls consumed.
    func expect(_ text: String, timeout: TimeInterval = 10) throws {
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
        seen = String(seen[seen.range(of: text)!.upperBound...])
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
