import Foundation
import GRDB
import GroveCore

// GroveCore bench: group creation throughput (per-op transactions and one block) against
// raw SQLite inserts of the same rows, and descendant queries in a 100,000-group tree.
// Prints figures; it asserts nothing (targets are printed beside the results).

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

let tempDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("grove-bench-\(ProcessInfo.processInfo.processIdentifier)")

func tempPath(_ name: String) -> String {
    try? FileManager.default.createDirectory(at: tempDirectory, withIntermediateDirectories: true)
    return tempDirectory.appendingPathComponent(name).path
}

/// The 1-minute load average: figures from a busy machine say so beside themselves.
func loadAverage() -> String {
    var loads = [Double](repeating: 0, count: 3)
    return getloadavg(&loads, 3) > 0 ? String(format: "%.2f", loads[0]) : "unknown"
}

/// 10,000 groups in three levels: 100 top-level, 9 children each, 10 grandchildren each.
struct Plan {
    struct Node { let path: String; let parent: Int? }
    var nodes: [Node] = []
    init(top: Int, children: Int, grandchildren: Int) {
        for t in 0..<top {
            let ti = nodes.count
            nodes.append(Node(path: "top\(t)", parent: nil))
            for c in 0..<children {
                let ci = nodes.count
                nodes.append(Node(path: "c\(c)", parent: ti))
                for g in 0..<grandchildren { nodes.append(Node(path: "g\(g)", parent: ci)) }
            }
        }
    }
}

/// Creates the plan through GroveCore; `block` runs everything in one transaction.
func createThroughCore(_ store: GroveStore, _ plan: Plan, block: Bool) throws {
    var ids = [Int64](repeating: 0, count: plan.nodes.count)
    let run = {
        for (i, node) in plan.nodes.enumerated() {
            var params: JSONObject = ["name": .string(node.path), "path": .string(node.path), "visibility": "public"]
            if let p = node.parent { params["parent_id"] = .int(ids[p]) }
            ids[i] = try store.perform("groups.create", params: params, as: .root).body!["id"]!.intValue!
        }
    }
    if block { try store.transaction(run) } else { try run() }
}

/// The same rows with plain cached INSERTs (precomputed paths; no checks, no audit, no member).
func createRaw(_ path: String, _ plan: Plan, block: Bool) throws -> Double {
    var config = Configuration()
    config.prepareDatabase { db in try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL") }
    let queue = try DatabaseQueue(path: path, configuration: config)
    try queue.write { db in
        try db.execute(sql: """
            CREATE TABLE namespaces (id INTEGER PRIMARY KEY AUTOINCREMENT, parent_id INTEGER, name TEXT NOT NULL, path TEXT NOT NULL,
                full_path TEXT NOT NULL, full_name TEXT NOT NULL, traversal_ids TEXT NOT NULL, visibility_level INTEGER NOT NULL,
                description TEXT NOT NULL DEFAULT '', runners_token TEXT NOT NULL, settings TEXT NOT NULL DEFAULT '{}',
                created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
            CREATE UNIQUE INDEX namespaces_full_path ON namespaces(full_path COLLATE NOCASE);
            CREATE INDEX namespaces_traversal_ids ON namespaces(traversal_ids);
            CREATE INDEX namespaces_parent ON namespaces(parent_id, name);
            """)
    }
    var paths = [String](repeating: "", count: plan.nodes.count)
    var traversal = [String](repeating: "", count: plan.nodes.count)
    let insert = { (db: Database, i: Int) throws in
        let node = plan.nodes[i]
        let fullPath = node.parent.map { paths[$0] + "/" + node.path } ?? node.path
        // Ids are 1, 2, ... in a fresh table: the row goes in whole, traversal ids included.
        let id = Int64(i + 1)
        let t = (node.parent.map { traversal[$0] } ?? "") + "\(id)/"
        try db.cachedStatement(sql: """
            INSERT INTO namespaces (id, parent_id, name, path, full_path, full_name, traversal_ids, visibility_level, runners_token, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 20, 'token', 0, 0)
            """).execute(arguments: [id, node.parent.map { Int64($0 + 1) }, node.path, node.path, fullPath, fullPath, t])
        paths[i] = fullPath
        traversal[i] = t
    }
    return try seconds {
        if block {
            try queue.write { db in for i in plan.nodes.indices { try insert(db, i) } }
        } else {
            for i in plan.nodes.indices { try queue.write { db in try insert(db, i) } }
        }
    }
}

/// Runs per configuration (BENCH_RUNS, default 3); figures are medians.
let benchRuns = max(1, Int(ProcessInfo.processInfo.environment["BENCH_RUNS"] ?? "") ?? 3)

func creationBench() throws {
    let plan = Plan(top: 100, children: 9, grandchildren: 10)
    let n = Double(plan.nodes.count)
    print("== create \(plan.nodes.count) groups in three levels (file DB, WAL; medians of \(benchRuns) runs, each on a new file) ==")
    let modes = CommandLine.arguments.contains("block-only") ? [true] : [false, true]
    for block in modes {
        let label = block ? "one block     " : "one tx per op "
        var coreRates: [Double] = [], rawRates: [Double] = []
        for run in 0..<benchRuns {
            let store = try GroveStore.open(path: tempPath("core-\(block)-\(run).sqlite"))
            coreRates.append(n / (try seconds { try createThroughCore(store, plan, block: block) }))
            rawRates.append(n / (try createRaw(tempPath("raw-\(block)-\(run).sqlite"), plan, block: block)))
        }
        let core = median(coreRates), raw = median(rawRates)
        let target = block ? 20_000.0 : 5_000.0
        print(String(format: "%@ core %8.0f ops/s   raw SQLite %8.0f rows/s   core/raw %.2f   (target ≥ %.0f ops/s: %@)   core runs: %@",
                     label, core, raw, core / raw, target, core >= target ? "met" : "NOT met",
                     coreRates.map { String(format: "%.0f", $0) }.joined(separator: " ")))
    }
}

func descendantsBench() throws {
    // 100 top-level groups × (1 + 10 + 990) = 100,100 groups; 1,000 descendants each.
    let plan = Plan(top: 100, children: 10, grandchildren: 99)
    print("== descendants in a \(plan.nodes.count)-group tree ==")
    let store = try GroveStore.open(path: tempPath("tree.sqlite"))
    let build = try seconds { try createThroughCore(store, plan, block: true) }
    print(String(format: "built in %.1f s (%.0f ops/s in one block)", build, Double(plan.nodes.count) / build))
    var pageTimes: [Double] = []
    var allTimes: [Double] = []
    var count = 0
    for t in stride(from: 0, to: 100, by: 5) {
        let path = "top\(t)"
        pageTimes.append(try seconds {
            let r = try store.perform("groups.descendant_groups", ["id": .string(path), "per_page": 100], as: .root)
            count = Int(r.page?.total ?? 0)
        })
        allTimes.append(try seconds {
            var page: Int64 = 1
            var seen = 0
            while true {
                let r = try store.perform("groups.descendant_groups", ["id": .string(path), "per_page": 100, "page": .int(page), "order_by": "id"], as: .root)
                seen += r.body?.arrayValue?.count ?? 0
                guard let next = r.page?.nextPage else { break }
                page = next
            }
            precondition(seen == count)
        })
    }
    // The hierarchy query itself: one range scan of the traversal-ids index, all rows.
    let reader = try DatabaseQueue(path: tempPath("tree.sqlite"))
    var scanTimes: [Double] = []
    var scanned = 0
    for t in stride(from: 0, to: 100, by: 5) {
        let prefix = try reader.read { db in try String.fetchOne(db, sql: "SELECT traversal_ids FROM namespaces WHERE full_path = ?", arguments: ["top\(t)"])! }
        scanTimes.append(try seconds {
            scanned = try reader.read { db in
                try Row.fetchAll(db, sql: "SELECT id, parent_id, name, path, full_path, full_name, traversal_ids, visibility_level, settings FROM namespaces WHERE traversal_ids > ? AND traversal_ids < ?",
                                 arguments: [prefix, String(prefix.dropLast()) + "0"]).count
            }
        })
    }
    print(String(format: "descendants of a top-level group (%d): traversal-ids range scan, all rows  median %.2f ms   (target < 20 ms: %@)",
                 scanned, median(scanTimes) * 1000, median(scanTimes) < 0.020 ? "met" : "NOT met"))
    print(String(format: "descendants of a top-level group (%d): API first page of 100 with total  median %.2f ms", count, median(pageTimes) * 1000))
    print(String(format: "descendants of a top-level group (%d): API, all 10 pages as JSON       median %.2f ms", count, median(allTimes) * 1000))
}

/// Only the core's creation of a smaller plan (1,000 groups), no raw SQLite
/// and no descendants: a short run for `valgrind --tool=callgrind --toggle-collect='*profileCreation*'`.
func profileCreation(block: Bool) throws {
    let plan = Plan(top: 10, children: 9, grandchildren: 10)
    let store = try GroveStore.open(path: tempPath("profile-\(block).sqlite"))
    let t = try seconds { try createThroughCore(store, plan, block: block) }
    print(String(format: "profile: %d groups through GroveCore (%@) in %.2f s", plan.nodes.count, block ? "one block" : "one tx per op", t))
}

// `GroveCoreBench create`, `block-only` or `descendants` runs one part only;
// `profile` / `profile-block` run the short creation for callgrind.
let parts = Set(CommandLine.arguments.dropFirst())
defer { try? FileManager.default.removeItem(at: tempDirectory) }
if parts.contains("profile") || parts.contains("profile-block") {
    try profileCreation(block: parts.contains("profile-block"))
} else {
    print("load average (1 min) at start: \(loadAverage()) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
    if parts.isEmpty || parts.contains("create") || parts.contains("block-only") { try creationBench() }
    if parts.isEmpty || parts.contains("descendants") { try descendantsBench() }
    print("load average (1 min) at end: \(loadAverage())")
}
