import CEditline
import Foundation
import GroveLua

/// Bracketed paste: with the mode on (`ESC[?2004h`), a terminal sends pasted text between
/// `ESC[200~` and `ESC[201~`. libedit knows nothing of it, so its characters come through
/// `readCharacter` (readline's `rl_getc_function`): a paste of several lines is kept
/// whole and ends the line being edited, and the shell runs it as one chunk; a paste
/// without a newline is typed into the line as usual. Everything else is read as
/// libedit reads it: one UTF-8 character at a time, `nil` at end of input or on Ctrl-C.
enum BracketedPaste {
    static let enable = "\u{1b}[?2004h"
    static let disable = "\u{1b}[?2004l"
    static let start: [UInt8] = Array("\u{1b}[200~".utf8)
    static let end: [UInt8] = Array("\u{1b}[201~".utf8)
    /// How long the bytes after an ESC may take to arrive to count as one sequence.
    static let sequenceMilliseconds: Int32 = 50

    /// The text of the last multi-line paste, newlines as `\n`; taken by the reader.
    nonisolated(unsafe) static var pasted: String?
    /// Set when Ctrl-C interrupted a read.
    nonisolated(unsafe) static var interrupted = false
    nonisolated(unsafe) private static var pending: [UInt8] = []

    static func install() {
        grove_editline_set_getc(readCharacter)
    }

    /// One byte of standard input: `pending` first, else a read waiting at most `timeout`
    /// milliseconds (forever when nil). nil at end of input, on Ctrl-C, or on timeout.
    /// (Without a timeout there is no poll first: after a Ctrl-D typed before the line
    /// editor took the terminal, poll sees nothing while read returns the end of input.)
    private static func byte(timeout: Int32? = nil) -> UInt8? {
        if !pending.isEmpty { return pending.removeFirst() }
        while true {
            if let timeout {
                var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
                let ready = poll(&fds, 1, timeout)
                if ready == 0 { return nil }
                if ready < 0 {
                    if errno == EINTR, !LuaState.takeInterrupt() { continue }
                    interrupted = errno == EINTR
                    return nil
                }
            }
            var value: UInt8 = 0
            let n = read(STDIN_FILENO, &value, 1)
            if n == 1 { return value }
            // SIGWINCH and other signals interrupt the read too: only Ctrl-C ends it.
            if n < 0, errno == EINTR {
                if LuaState.takeInterrupt() {
                    interrupted = true
                    return nil
                }
                continue
            }
            return nil
        }
    }

    /// libedit's next character (a Unicode scalar), -1 for end of input or Ctrl-C.
    static let readCharacter: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
        guard let first = byte() else { return -1 }
        if first == 0x1b, pending.isEmpty, let text = readPaste() {
            if interrupted { return -1 }
            if text.contains("\n") {
                pasted = text
                return 0x0a  // ends the line; the reader adds the paste to it
            }
            pending = Array(text.utf8)
            guard let next = byte() else { return -1 }
            return decode(next)
        }
        return decode(first)
    }

    /// After an ESC: the pasted text when `[200~` follows, else nil with the bytes read
    /// left in `pending` for libedit (an arrow key, Alt+key).
    private static func readPaste() -> String? {
        var matched: [UInt8] = []
        for expected in start.dropFirst() {
            guard let next = byte(timeout: sequenceMilliseconds) else { break }
            matched.append(next)
            guard next == expected else { break }
        }
        guard matched == Array(start.dropFirst()) else {
            pending = matched + pending
            return nil
        }
        var body: [UInt8] = []
        while let next = byte() {
            body.append(next)
            if body.count >= end.count, Array(body.suffix(end.count)) == end {
                body.removeLast(end.count)
                break
            }
        }
        return String(decoding: body, as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
    }

    /// The scalar a UTF-8 sequence starting with `lead` encodes, reading its other bytes.
    private static func decode(_ lead: UInt8) -> Int32 {
        let length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
        var bytes = [lead]
        while bytes.count < length, let next = byte(timeout: sequenceMilliseconds) { bytes.append(next) }
        let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first
        return Int32(bitPattern: scalar?.value ?? 0xfffd)
    }
}
