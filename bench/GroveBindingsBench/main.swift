import Foundation
import GroveBindings
import GroveCore
import GroveLua

// Binding overhead: the same bulk job - groups in three levels, a protected
// branch on each top-level group, a push rule on every group - driven from Lua
// through the bindings and directly through GroveCore in Swift, each with one
// transaction per operation and inside one block. Prints operations/s and the
// Lua/Swift time ratio (target: Lua within 1.5x of Swift).

let total = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
let topLevel = max(1, total / 100)
let perTop = 9
let perMiddle = max(1, (total - topLevel - topLevel * perTop) / (topLevel * perTop))

func freshStore() throws -> (GroveStore, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-bindings-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return (try GroveStore.open(path: dir.appendingPathComponent("bench.sqlite").path), dir)
}

let luaJob = """
    local top_n, per_top, per_middle = ...
    local ops = 0
    for t = 1, top_n do
      local top = groups.create{name = "Top " .. t, path = "top-" .. t}
      branches.protect(top.id, {name = "main", push_access_level = 40})
      push_rules.add(top.id, {deny_delete_tag = true})
      ops = ops + 3
      for m = 1, per_top do
        local middle = groups.create{name = "Middle " .. m, path = "middle-" .. m, parent_id = top.id}
        push_rules.add(middle.id, {deny_delete_tag = true})
        ops = ops + 2
        for l = 1, per_middle do
          local leaf = groups.create{name = "Leaf " .. l, path = "leaf-" .. l, parent_id = middle.id}
          push_rules.add(leaf.id, {deny_delete_tag = true})
          ops = ops + 2
        end
      end
    end
    return ops
    """

func runLua(inBlock: Bool) throws -> (ops: Int, seconds: Double) {
    let (store, dir) = try freshStore()
    defer { try? FileManager.default.removeItem(at: dir) }
    let lua = LuaState()
    try CoreBindings.install(into: lua, session: GroveSession { store }, registry: store.registry)
    let job = try lua.load(luaJob, chunkName: "=bench")
    let arguments: [LuaValue] = [.integer(Int64(topLevel)), .integer(Int64(perTop)), .integer(Int64(perMiddle))]
    let start = Date()
    let results = inBlock ? try store.transaction { try lua.call(job, arguments) } : try lua.call(job, arguments)
    return (Int(results.first?.intValue ?? 0), Date().timeIntervalSince(start))
}

func runSwift(inBlock: Bool) throws -> (ops: Int, seconds: Double) {
    let (store, dir) = try freshStore()
    defer { try? FileManager.default.removeItem(at: dir) }
    func job() throws -> Int {
        var ops = 0
        func create(_ name: String, _ path: String, parent: Int64?) throws -> Int64 {
            var params: JSONObject = ["name": .string(name), "path": .string(path)]
            if let parent { params["parent_id"] = .int(parent) }
            return try store.perform("groups.create", params: params, as: .root).body?["id"]?.intValue ?? 0
        }
        func pushRule(_ id: Int64) throws {
            _ = try store.perform("groups.push_rule.create", params: ["id": .int(id), "deny_delete_tag": .bool(true)], as: .root)
        }
        for t in 1...topLevel {
            let top = try create("Top \(t)", "top-\(t)", parent: nil)
            _ = try store.perform("groups.protected_branches.create",
                                  params: ["id": .int(top), "name": "main", "push_access_level": .int(40)], as: .root)
            try pushRule(top)
            ops += 3
            for m in 1...perTop {
                let middle = try create("Middle \(m)", "middle-\(m)", parent: top)
                try pushRule(middle)
                ops += 2
                for l in 1...perMiddle {
                    try pushRule(try create("Leaf \(l)", "leaf-\(l)", parent: middle))
                    ops += 2
                }
            }
        }
        return ops
    }
    let start = Date()
    let ops = inBlock ? try store.transaction { try job() } : try job()
    return (ops, Date().timeIntervalSince(start))
}

/// The 1-minute load average: figures from a busy machine say so beside themselves.
func loadAverage() -> String {
    var loads = [Double](repeating: 0, count: 3)
    return getloadavg(&loads, 3) > 0 ? String(format: "%.2f", loads[0]) : "unknown"
}

/// Runs per configuration (BENCH_RUNS, default 3): the figures printed are medians.
let runs = max(1, ProcessInfo.processInfo.environment["BENCH_RUNS"].flatMap(Int.init) ?? 3)

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let groupsCount = topLevel * (1 + perTop * (1 + perMiddle))
print("load average (1 min) at start: \(loadAverage()) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
print("groups: \(groupsCount) in three levels (\(topLevel) top-level), each with a push rule; a protected branch on each top-level group")
print("medians of \(runs) runs (Swift and Lua alternate)")
for inBlock in [false, true] {
    var swiftSeconds: [Double] = [], luaSeconds: [Double] = [], ratios: [Double] = []
    var ops = 0
    for _ in 0..<runs {
        let swift = try runSwift(inBlock: inBlock)
        let lua = try runLua(inBlock: inBlock)
        precondition(swift.ops == lua.ops, "the Swift and Lua jobs did different work")
        ops = swift.ops
        swiftSeconds.append(swift.seconds); luaSeconds.append(lua.seconds); ratios.append(lua.seconds / swift.seconds)
    }
    let label = inBlock ? "in one grove.transaction" : "one transaction per operation"
    print(label + ":")
    print(String(format: "  Swift (GroveCore direct): %8.0f ops/s  (%d ops, %.2f s)", Double(ops) / median(swiftSeconds), ops, median(swiftSeconds)))
    print(String(format: "  Lua (through bindings):   %8.0f ops/s  (%d ops, %.2f s)", Double(ops) / median(luaSeconds), ops, median(luaSeconds)))
    print(String(format: "  Lua/Swift time ratio:     %8.2fx (target <= 1.5x; runs: %@)", median(ratios),
                 ratios.map { String(format: "%.2f", $0) }.joined(separator: " ")))
}
print("load average (1 min) at end: \(loadAverage())")
