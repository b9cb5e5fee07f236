import Foundation
import GroveCore
import GroveServer
import Testing

/// Issue 15: schemathesis (from PyPI, by `Tests/fuzz/ensure-schemathesis`) against
/// `/api/v4/openapi.json` of a real server on a store seeded by `Tests/fuzz/seed.lua`, for a
/// bounded time (`GROVE_FUZZ_SECONDS`, default 150; `GROVE_FUZZ_SEED`). No 5xx, documented
/// statuses and schemas, and the server answers afterwards. scripts/fuzz runs it longer.
@Suite("REST fuzz")
struct RestFuzzTests {
    @Test("schemathesis against a seeded grove serve: no 5xx, the server still answers", .timeLimit(.minutes(15)))
    func schemathesis() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["GROVE_FUZZ_SEED"] ?? "15"
        let seconds = environment["GROVE_FUZZ_SECONDS"] ?? "150"
        let fuzz = PythonGitLabTests.repository.appendingPathComponent("Tests/fuzz")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-rest-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let storePath = dir.appendingPathComponent("grove.sqlite").path
        let runner = PythonGitLabTests()
        let seeded = try await runner.run(ServeCommandTests.executable.path, ["--db", storePath, "run", fuzz.appendingPathComponent("seed.lua").path],
                                          environment: ["XDG_STATE_HOME": dir.path])
        try #require(seeded.status == 0, "seeding failed: \(seeded.stderr)")
        let ids = dir.appendingPathComponent("ids.toml")
        try seeded.stdout.write(to: ids, atomically: true, encoding: .utf8)

        // The fuzz tries wrong tokens on purpose: no ban of its address here.
        let configuration = ServerConfiguration(port: 0, accessLog: false, logLevel: .critical, failedAuthenticationLimit: nil)
        let server = try await TestServer.start(store: try GroveStore.open(path: storePath), configuration: configuration)
        let token = try server.token()
        let result = try await runner.run(fuzz.appendingPathComponent("rest").path, [server.baseURL, token, ids.path, seed, seconds],
                                          environment: ["GROVE_FUZZ_REPORT_DIR": dir.appendingPathComponent("report").path])
        let after = try await server.request("GET", "/api/v4/groups", token: token)
        await server.stop()
        print("rest fuzz (seed \(seed), \(seconds)s):\n\(result.stdout.suffix(3000))")
        #expect(result.status == 0, "schemathesis found failures:\n\(result.stdout.suffix(20000))\n\(result.stderr.suffix(3000))")
        #expect(after.status == 200)
    }
}
