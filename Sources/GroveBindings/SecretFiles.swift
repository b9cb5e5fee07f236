import Foundation
import GroveLua

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `grove.write_secret_file(path, text)` and `grove.append_secret_file(path, text)`:
/// write tokens where only the owner can read them. Lua's io.open cannot choose a file
/// mode, and a token must never sit, even briefly, in a file others can read.
public enum SecretFiles {
    /// `rehearsing`: whether the run only rehearses (`--dry-run`, `grove plan`). Its tokens
    /// never exist, so nothing is written; a line on standard error says so, once a file.
    public static func install(into lua: LuaState, rehearsing: @escaping () -> Bool = { false }) throws {
        final class Noted { var paths: Set<String> = [] }
        let noted = Noted()
        let functions = [
            (name: "write_secret_file", append: false,
             summary: "Writes text to path with mode 0600 (created so, or narrowed to it), replacing its content."),
            (name: "append_secret_file", append: true,
             summary: "Appends text to path with mode 0600 (created so, or narrowed to it) and flushes it to disk before returning: what a script stopped later has written stays."),
        ]
        for function in functions {
            let name = "grove." + function.name
            try lua.register(
                LuaFunction(
                    LuaFunctionInfo(
                        name: name, signature: name + "(path, text)", summary: function.summary,
                        example: name + "('new-tokens.txt', name .. ' ' .. token.token .. '\\n')")
                ) { call in
                    let path = try call.string(1)
                    let text = try call.string(2)
                    if rehearsing() {
                        if noted.paths.insert(path).inserted {
                            FileHandle.standardError.write(Data("grove: \(name): a rehearsal writes no secrets; \(path) is left as it was\n".utf8))
                        }
                        return []
                    }
                    try write(text, to: path, append: function.append)
                    return []
                })
        }
    }

    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    static func write(_ text: String, to path: String, append: Bool = false) throws {
        let fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // Narrowed when it is a regular file: /dev/null (a dry run's OUTFILE) keeps its mode.
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw WriteError(description: "\(path): \(String(cString: strerror(errno)))") }
        if status.st_mode & S_IFMT == S_IFREG, fchmod(fd, 0o600) != 0 {
            throw WriteError(description: "\(path): \(String(cString: strerror(errno)))")
        }
        var remaining = Array(text.utf8)[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw WriteError(description: "\(path): \(String(cString: strerror(errno)))") }
            remaining = remaining.dropFirst(written)
        }
        // On disk before the next token is rotated (a device such as /dev/null cannot sync).
        if append, status.st_mode & S_IFMT == S_IFREG, fsync(fd) != 0 {
            throw WriteError(description: "\(path): \(String(cString: strerror(errno)))")
        }
    }
}
