import GroveLua

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `grove.write_secret_file(path, text)`: writes tokens where only the owner can
/// read them. Lua's io.open cannot choose a file mode, and a token must never
/// sit, even briefly, in a file others can read.
public enum SecretFiles {
    public static func install(into lua: LuaState) throws {
        try lua.register(
            LuaFunction(
                LuaFunctionInfo(
                    name: "grove.write_secret_file", signature: "grove.write_secret_file(path, text)",
                    summary: "Writes text to path with mode 0600 (created so, or narrowed to it), replacing its content.",
                    example: "grove.write_secret_file('new-tokens.txt', name .. ' ' .. token.token .. '\\n')")
            ) { call in
                let path = try call.string(1)
                let text = try call.string(2)
                try write(text, to: path)
                return []
            })
    }

    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw WriteError(description: "\(path): \(String(cString: strerror(errno)))") }
        var remaining = Array(text.utf8)[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw WriteError(description: "\(path): \(String(cString: strerror(errno)))") }
            remaining = remaining.dropFirst(written)
        }
    }
}
