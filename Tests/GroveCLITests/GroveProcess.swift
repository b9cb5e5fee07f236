import Foundation
import Testing

/// Runs the built `grove` executable and collects what it printed.
struct GroveProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `grove` built next to this test bundle.
    static var executable: URL {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: me).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir.deleteLastPathComponent() }
        return dir.appendingPathComponent("grove")
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A new directory and the path of a store file in it (not yet created).
    static func temporaryStore() throws -> (dir: URL, db: String) {
        let dir = try temporaryDirectory()
        return (dir, dir.appendingPathComponent("grove.sqlite").path)
    }

    @discardableResult
    /// `replacing`: the whole environment instead of this process's plus `environment`;
    /// `directory`: the working directory.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    executable: URL = GroveProcess.executable, replacing: [String: String]? = nil,
                    directory: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["XDG_DATA_HOME"] = env["XDG_DATA_HOME"] ?? NSTemporaryDirectory() + "grove-cli-data"
        env["XDG_STATE_HOME"] = NSTemporaryDirectory() + "grove-cli-state"
        for (key, value) in environment { env[key] = value }
        process.environment = replacing ?? env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes while the process runs so neither can fill up and block it.
        var outData = Data(), errData = Data()
        let group = DispatchGroup()
        nonisolated(unsafe) var outBox = Data(), errBox = Data()
        group.enter()
        DispatchQueue.global().async { outBox = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errBox = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.wait()
        outData = outBox
        errData = errBox
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
