import Foundation
import Testing

/// What a CLI test runs `grove` against: a store file (`--db`), or a GitLab — `grove
/// serve` over such a file on 127.0.0.1, reached with `--url` and an administrator token
/// in GITLAB_TOKEN. Both start from the same seed, run by `grove --db`.
final class GroveTarget {
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case embedded, remote
        var testDescription: String { rawValue }
    }

    let kind: Kind
    let dir: URL
    let db: String
    private(set) var server: GroveServe?

    init(_ kind: Kind, seed: String? = nil) throws {
        self.kind = kind
        dir = try GroveProcess.temporaryDirectory()
        db = dir.appendingPathComponent("grove.sqlite").path
        if let seed {
            let seeded = try GroveProcess.run(["--db", db, "-e", seed])
            #expect(seeded.status == 0, "seed failed: \(seeded.stderr)")
        }
        if kind == .remote { server = try GroveServe(db: db) }
    }

    deinit {
        server?.stop()
        try? FileManager.default.removeItem(at: dir)
    }

    func grove(_ arguments: [String], environment: [String: String] = [:]) throws -> GroveProcess.Output {
        guard let server else { return try GroveProcess.run(["--db", db] + arguments, environment: environment) }
        return try GroveProcess.run(["--url", server.url] + arguments, environment: ["GITLAB_TOKEN": server.token].merging(environment) { $1 })
    }
}

/// `grove serve --db FILE` on a free port of 127.0.0.1, with an administrator token
/// (scopes api and sudo); stopped with SIGTERM.
final class GroveServe {
    let process = Process()
    let url: String
    let token: String

    init(db: String) throws {
        let minted = try GroveProcess.run(["admin", "token", "--db", db, "--scopes", "api,sudo"])
        token = minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.hasPrefix("glpat-") else { throw ServeFailure("grove admin token: \(minted.stderr)") }
        process.executableURL = GroveProcess.executable
        process.arguments = ["serve", "--db", db, "--port", "0", "--quiet", "--failed-auth-limit", "0"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Read until grove's own line names the port; later ones are not read (the log is quiet).
        let listening = #"listening on http://127\.0\.0\.1:\d+"#
        var text = ""
        let handle = err.fileHandleForReading
        while text.range(of: listening, options: .regularExpression) == nil {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: listening, options: .regularExpression) else {
            process.terminate()
            throw ServeFailure("grove serve did not start: \(text)")
        }
        url = String(text[range].dropFirst("listening on ".count))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    struct ServeFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
