import Foundation
import GroveCore
import Testing

/// python-gitlab (installed from PyPI by `Tests/python/ensure-python-gitlab`) driving a real
/// server: a failure is a wire-compatibility bug in Grove, and a missing python-gitlab fails
/// the test rather than skipping it.
@Suite("python-gitlab")
struct PythonGitLabTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("Tests/python/test_python_gitlab.py passes against grove serve", .timeLimit(.minutes(10)))
    func pythonGitLab() async throws {
        try await runScript("test_python_gitlab.py", scopes: ["api"], failure: "python-gitlab found wire incompatibilities")
    }

    @Test("python-gitlab's command line (group, group-subgroup, group-member, project, namespace, --sudo) and a YAML config-as-code workflow run twice",
          .timeLimit(.minutes(10)))
    func commandLineAndConfigAsCode() async throws {
        try await runScript("test_cli_and_config_as_code.py", scopes: ["api", "sudo"], failure: "python-gitlab's CLI or the config-as-code workflow failed")
    }

    /// Runs a script of Tests/python with the python that `ensure-python-gitlab` provides,
    /// against a fresh server and a root token with these scopes.
    func runScript(_ name: String, scopes: [String], failure: String) async throws {
        let ensure = try await run(Self.repository.appendingPathComponent("Tests/python/ensure-python-gitlab").path, [], environment: [:])
        guard ensure.status == 0, let python = ensure.stdout.split(separator: "\n").last.map(String.init), !python.isEmpty else {
            Issue.record("python-gitlab could not be installed (pip install python-gitlab pyyaml): \(ensure.stderr)")
            return
        }
        try await withServer { server in
            let token = try server.token(scopes: scopes)
            let script = Self.repository.appendingPathComponent("Tests/python/\(name)").path
            let result = try await run(python, [script], environment: ["GROVE_URL": server.baseURL, "GROVE_TOKEN": token])
            #expect(result.status == 0, "\(failure):\n\(result.stdout)\n\(result.stderr)")
        }
    }

    struct Output { let status: Int32; let stdout: String; let stderr: String }

    /// Runs a program to its end on a thread of its own (the server needs the cooperative
    /// pool meanwhile), collecting its output.
    func run(_ program: String, _ arguments: [String], environment: [String: String]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runBlocking(program, arguments, environment: environment) }) }.start()
        }
    }

    func runBlocking(_ program: String, _ arguments: [String], environment: [String: String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so neither fills up.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.done { Thread.sleep(forTimeInterval: 0.01) }
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData.value, as: UTF8.self))
    }

    final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private var finished = false
        func set(_ d: Data) { lock.lock(); data = d; finished = true; lock.unlock() }
        var done: Bool { lock.lock(); defer { lock.unlock() }; return finished }
        var value: Data { lock.lock(); defer { lock.unlock() }; return data }
    }
}
