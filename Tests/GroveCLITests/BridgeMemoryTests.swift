import Foundation
import Testing

/// A script may call into Swift millions of times. Each call's arguments, results and errors
/// cross the bridge; none may stay behind. The run is a `grove` process of its own, so its RSS
/// is the bridge's alone and not that of the suites running beside this one.
@Suite struct BridgeMemoryTests {
    @Test func millionsOfCallsDoNotGrowTheProcess() throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/status") else { return }
        let (dir, db) = try GroveProcess.temporaryStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let calls = 600_000
        let script = dir.appendingPathComponent("calls.lua")
        // Each round: a table in and a string out, and an argument error raised through the trampoline.
        try """
            local function resident()
              for line in io.lines("/proc/self/status") do
                local kb = line:match("^VmRSS:%s+(%d+)") if kb then return tonumber(kb) end
              end
            end
            local encode = grove.csvcodec.encode
            local function round(i)
              encode({{i, 'x'}})
              local ok = pcall(groups.get, {i, 'x'})
              assert(not ok)
            end
            for i = 1, 50000 do round(i) end
            collectgarbage() collectgarbage()
            local before = resident()
            for i = 1, \(calls / 2) do round(i) end
            collectgarbage() collectgarbage()
            print(before, resident())
            """.write(to: script, atomically: true, encoding: .utf8)
        let run = try GroveProcess.run(["run", "--db", db, script.path])
        #expect(run.status == 0, "\(run.stderr)")
        let kilobytes = run.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        try #require(kilobytes.count == 2, "\(run.stdout)")
        let bytesPerCall = Double(kilobytes[1] - kilobytes[0]) * 1024 / Double(calls)
        // The smallest heap block is 32 bytes: a leak of one object a call would pass 32.
        #expect(bytesPerCall < 4, "RSS grew from \(kilobytes[0]) KiB to \(kilobytes[1]) KiB: \(bytesPerCall) bytes a call")
    }
}
