import Foundation
import GRDB
import Testing

/// Issue 15: `kill -9` of `grove run` during a bulk script, at seeded random moments. After
/// each kill the store file passes `PRAGMA integrity_check`, holds every group whose creation
/// the script printed, holds no half-written group (each one has its owner's membership,
/// written by the same operation), and accepts writes again. With `--atomic` nothing of the
/// script is in the store.
@Suite("Crash safety")
struct CrashSafetyTests {
    static let script = """
        local run = arg[1]
        for i = 1, 100000 do
            groups.create{name = "Bulk " .. run .. " " .. i, path = "bulk-" .. run .. "-" .. i}
            io.stdout:write("created bulk-", run, "-", i, "\\n")
            io.stdout:flush()
        end
        """

    /// Starts `grove`, kills it with SIGKILL once `delay` has passed, and answers the lines it
    /// printed before.
    static func runAndKill(_ arguments: [String], after delay: Duration) throws -> [String] {
        let process = Process()
        process.executableURL = GroveProcess.executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["XDG_STATE_HOME"] = NSTemporaryDirectory() + "grove-cli-state"
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        #expect(process.terminationReason == .uncaughtSignal, "grove was still running when killed")
        // A line cut by the kill was not printed whole: only complete lines count.
        var text = String(decoding: data, as: UTF8.self)
        if !text.hasSuffix("\n"), let last = text.lastIndex(of: "\n") { text = String(text[...last]) } else if !text.hasSuffix("\n") { text = "" }
        return text.split(separator: "\n").map(String.init)
    }

    static func check(_ path: String) throws -> (paths: Set<String>, halfWritten: [String]) {
        let db = try DatabaseQueue(path: path)
        defer { try? db.close() }
        return try db.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            #expect(integrity == ["ok"], "\(integrity)")
            // Killed before the store's first migration committed: no schema, nothing written
            // (the next run creates it; the write check below proves it).
            guard try db.tableExists("namespaces") else { return ([], []) }
            let paths = Set(try String.fetchAll(db, sql: "SELECT path FROM namespaces WHERE path LIKE 'bulk-%'"))
            let halfWritten = try String.fetchAll(db, sql: """
                SELECT n.path FROM namespaces n WHERE n.path LIKE 'bulk-%'
                AND NOT EXISTS (SELECT 1 FROM members m WHERE m.group_id = n.id AND m.access_level = 50)
                """)
            return (paths, halfWritten)
        }
    }

    @Test("kill -9 during a bulk script, direct and --atomic", .timeLimit(.minutes(5)))
    func killNine() throws {
        var rng = SystemRandomNumberGenerator()
        let seed = ProcessInfo.processInfo.environment["GROVE_CRASH_SEED"].flatMap(UInt64.init) ?? rng.next()
        let dir = try GroveProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scriptPath = dir.appendingPathComponent("bulk.lua").path
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        var trials = 0
        var perTrial: [String] = []
        for atomic in [false, true] {
            let store = dir.appendingPathComponent(atomic ? "atomic.sqlite" : "direct.sqlite").path
            var printed = Set<String>()
            for trial in 0..<(atomic ? 4 : 10) {
                // 150 ms to 1.5 s after the start, spread by the seed (Fibonacci hashing).
                let delay = Duration.milliseconds(150 + Int(((seed &+ UInt64(trials)) &* 0x9E37_79B9_7F4A_7C15) >> 33) % 1350)
                let lines = try Self.runAndKill(["--db", store, "run"] + (atomic ? ["--atomic"] : []) + [scriptPath, "\(trials)"], after: delay)
                trials += 1
                let created = lines.compactMap { $0.hasPrefix("created ") ? String($0.dropFirst("created ".count)) : nil }
                printed.formUnion(created)
                let (paths, halfWritten) = try Self.check(store)
                perTrial.append("\(atomic ? "atomic" : "direct") \(delay): \(created.count) printed, \(paths.count) stored")
                let context = "seed \(seed), \(atomic ? "--atomic" : "direct") trial \(trial), killed after \(delay), \(created.count) printed"
                #expect(halfWritten.isEmpty, "half-written groups: \(halfWritten.prefix(5)) (\(context))")
                if atomic {
                    #expect(paths.isEmpty, "--atomic left \(paths.count) groups of a killed script (\(context))")
                } else {
                    #expect(printed.isSubset(of: paths), "printed but not stored: \(printed.subtracting(paths).sorted().prefix(5)) (\(context))")
                }
                // The store accepts writes again.
                let write = try GroveProcess.run(["--db", store, "-e", "groups.create{name = 'After \(trials)', path = 'after-\(trials)'}"])
                #expect(write.status == 0, "the store refuses writes after a kill (\(context)): \(write.stderr)")
            }
        }
        print("crash safety: seed \(seed), \(trials) kill -9 trials:\n  " + perTrial.joined(separator: "\n  "))
        #expect(trials >= 10)
        #expect(perTrial.contains { !$0.contains(": 0 printed") }, "no trial was killed during the bulk creation")
    }
}

/// Issue 15: the fuzzer's timestamp from a one-liner and the REPL: a result or a Grove error
/// on stderr and exit 1, never a trap of the interpreter.
@Suite("Extreme inputs from the grove executable")
struct ExecutableInputExtremesTests {
    @Test func fuzzerTimestampInOneLinersAndTheShell() throws {
        let listed = try GroveProcess.run(["--memory", "-e", "print(audit.list{created_after = '0316-08-04T04:44:12.218347+19:38'}:count())"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let refused = try GroveProcess.run(["--memory", "-e", "audit.list{created_after = '10000-01-01T00:00:00+24:00'}"])
        #expect(refused.status == 3, "an uncaught Grove API error exits 3")
        #expect(refused.stderr.contains("created_after is invalid"), "\(refused.stderr)")
        // The shell reads standard input when it is not a terminal: the error is reported
        // and the next line still runs.
        let shell = try GroveProcess.run(["--memory", "-i"], stdin: """
            audit.list{created_after = '0316-08-04T04:44:12.218347+19:38', page = math.maxinteger}
            print(pcall(audit.list, {created_after = '2026-01-01T00:00:00.'}))
            print('still here')
            """)
        #expect(shell.stdout.contains("still here"), "\(shell.stdout)\n\(shell.stderr)")
    }
}
