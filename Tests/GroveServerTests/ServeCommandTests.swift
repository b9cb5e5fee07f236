import Foundation
import GroveCore
import Testing

/// The built `grove` executable: `grove admin token` then `grove serve`, stopped by SIGTERM.
@Suite("grove serve and grove admin token")
struct ServeCommandTests {
    /// The `grove` built next to this test bundle.
    static var executable: URL {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: me).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir.deleteLastPathComponent() }
        return dir.appendingPathComponent("grove")
    }

    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ d: Data) { lock.lock(); data.append(d); lock.unlock() }
        var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
    }

    /// Runs the built `grove` to completion: exit status and standard output.
    static func runGrove(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("admin token prints a token once; serve answers with it, never logs it, and exits 0 on SIGTERM", .timeLimit(.minutes(2)))
    func serveAndStop() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-serve-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("grove.sqlite").path

        let admin = Process()
        admin.executableURL = Self.executable
        admin.arguments = ["admin", "token", "--db", db, "--user", "root", "--scopes", "api"]
        let adminOut = Pipe()
        admin.standardOutput = adminOut
        try admin.run()
        let printed = String(decoding: adminOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        admin.waitUntilExit()
        #expect(admin.terminationStatus == 0)
        let token = printed.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("glpat-"), "\(printed)")

        let serve = Process()
        serve.executableURL = Self.executable
        serve.arguments = ["serve", "--db", db, "--host", "127.0.0.1", "--port", "0"]
        let err = Pipe()
        serve.standardError = err
        serve.standardOutput = Pipe()
        let log = Collected()
        err.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }

        var port: Int?
        for _ in 0..<300 where port == nil {
            if let range = log.text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(log.text[range].split(separator: ":").last ?? "")
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let bound = try #require(port, "no listening line in: \(log.text)")
        let base = "http://127.0.0.1:\(bound)"
        let user = try await TestHTTP.request("GET", base + "/api/v4/user", token: token)
        #expect(user.status == 200)
        #expect(user.json?["username"] == "root")
        let viaQuery = try await TestHTTP.request("GET", base + "/api/v4/groups?private_token=\(token)")
        #expect(viaQuery.status == 200)

        // The same file from a script while the server runs: each sees the other's writes.
        let script = try Self.runGrove(["--db", db, "-e", #"groups.create{name = "From script", path = "from-script"}"#])
        #expect(script.status == 0, "\(script.output)")
        let seen = try await TestHTTP.request("GET", base + "/api/v4/groups/from-script", token: token)
        #expect(seen.status == 200)
        #expect(seen.json?["name"] == "From script")
        let created = try await TestHTTP.request("POST", base + "/api/v4/groups?name=From%20server&path=from-server", token: token)
        #expect(created.status == 201)
        let read = try Self.runGrove(["--db", db, "-e", #"print(groups.get("from-server").name)"#])
        #expect(read.output.contains("From server"), "\(read.output)")

        kill(serve.processIdentifier, SIGTERM)
        for _ in 0..<200 where serve.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!serve.isRunning, "grove serve did not stop on SIGTERM")
        if !serve.isRunning {
            #expect(serve.terminationStatus == 0)
        }
        err.fileHandleForReading.readabilityHandler = nil
        #expect(log.text.contains("GET /api/v4/user 200"), "access log: \(log.text)")
        #expect(!log.text.contains(token), "the token was logged")
    }
}

