import Foundation
import Testing

/// Runs every `Tests/lua/test_*.lua` under the built `grove`: each script
/// checks a stdlib module, prints `ok N` lines and fails with status 1.
@Suite("Lua suite: Tests/lua/test_*.lua under grove")
struct LuaSuiteTests {
    /// `Tests/lua`, found from this file's path.
    static let luaDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lua")

    /// The repository's `stdlib`, so the scripts test the modules next to them.
    static let stdlibDirectory = luaDirectory
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("stdlib")

    static var scripts: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: luaDirectory.path)) ?? []
        return names.filter { $0.hasPrefix("test_") && $0.hasSuffix(".lua") }.sorted()
    }

    @Test func suiteIsFound() {
        #expect(Self.scripts.count >= 4, "no Lua tests found in \(Self.luaDirectory.path)")
    }

    @Test(arguments: scripts)
    func luaScript(_ name: String) throws {
        try run(name, backend: "embedded")
    }

    /// The binding scripts again through the remote backend: each child is `grove --url`
    /// to a `grove serve` on 127.0.0.1 over a fresh store (Tests/lua/testing.lua starts it),
    /// so every check holds on both backends, errors' statuses and messages included.
    @Test(arguments: scripts.filter { $0.hasPrefix("test_bindings_") && $0 != "test_bindings_coverage.lua" })
    func luaScriptThroughTheRemoteBackend(_ name: String) throws {
        try run(name, backend: "remote")
    }

    private func run(_ name: String, backend: String) throws {
        let path = Self.luaDirectory.appendingPathComponent(name).path
        let result = try GroveProcess.run([path], environment: ["GROVE_STDLIB": Self.stdlibDirectory.path, "GROVE_TEST_BACKEND": backend])
        #expect(result.status == 0, "\(name) exited with status \(result.status)\nstderr:\n\(result.stderr)\nlast output:\n\(result.stdout.split(separator: "\n").suffix(5).joined(separator: "\n"))")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("ok ") }, "\(name) reported no checks")
        #expect(lines.last?.hasPrefix("1..") == true, "\(name) stopped before its end (t.done())")
    }
}
