import Foundation
import GRDB
import GRDBSQLite
import GroveBindings
import GroveCore
import GroveLua

// Lists iterated from Lua, whole, at growing sizes: the descendants of one group (two
// levels), the direct subgroups of another, the members of a group and its projects, and
// groups.list{} over the store. For each size, items/s from Lua and from a raw SQLite
// SELECT of the same rows and columns in the same order (one statement, every column
// read); then the per-item cost at the largest size over the smallest (target <= 1.3x;
// raw SQLite's growth per row beside it) and Lua over raw SQLite (target <= 5x), with
// beside it what Lua alone takes to build tables of the items' shape.
//   GroveListsBench [SIZE ...]     (default 10000 50000 100000; BENCH_RUNS medians)

let sizes = CommandLine.arguments.dropFirst().compactMap { Int($0) }.isEmpty ? [10_000, 50_000, 100_000]
    : CommandLine.arguments.dropFirst().compactMap { Int($0) }
let runs = max(1, ProcessInfo.processInfo.environment["BENCH_RUNS"].flatMap(Int.init) ?? 3)

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func loadAverage() -> String {
    var loads = [Double](repeating: 0, count: 3)
    return getloadavg(&loads, 3) > 0 ? String(format: "%.2f", loads[0]) : "unknown"
}

struct ListCase {
    let name: String
    /// The list, in Lua, given `local deep, flat`.
    let list: String
    /// The same rows and columns in the same order, as one SELECT.
    let sql: String

    /// A loop over the list counting its items.
    var lua: String { "local n = 0 for item in \(list) do n = n + 1 end return n" }
}

/// What Lua alone costs for tables of the items' shape: a constructor made from one item's
/// fields builds a copy of an item (nested objects copied too, arrays shallowly), from
/// values Lua already holds, so no string is made. A lower bound of what iterating costs
/// in Lua, whatever the code that fills the tables.
let luaTablesAlone = """
    local function constructor(value, expr)
        local fields = {}
        for k, v in pairs(value) do
            local key = string.format("[%q]", k)
            if type(v) == "table" and next(v) ~= nil and #v == 0 then fields[#fields + 1] = key .. " = " .. constructor(v, expr .. key)
            elseif type(v) == "table" then fields[#fields + 1] = key .. " = {table.unpack(" .. expr .. key .. ")}"
            else fields[#fields + 1] = key .. " = " .. expr .. key end
        end
        return "{" .. table.concat(fields, ", ") .. "}"
    end
    local sample = LIST:first(1000)
    __copy = load("return function(t) return " .. constructor(sample[1], "t") .. " end")()
    __sample = sample
    """
let copyItems = """
    local n = ...
    local copy, sample = __copy, __sample
    local m = #sample
    for i = 1, n do local c = copy(sample[(i - 1) % m + 1]) end
    return n
    """

/// A store with `n` descendants under `deep` (n/100 children of 99 subgroups each, plus the
/// children), `n` direct subgroups of `flat`, `n` members of `flat` and `n` projects in `deep`.
func populate(_ n: Int) throws -> (URL, deep: Int64, flat: Int64) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-lists-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("bench.sqlite")
    let store = try GroveStore.open(path: path.path)
    func create(_ name: String, _ path: String, parent: Int64?) throws -> Int64 {
        var params: JSONObject = ["name": .string(name), "path": .string(path)]
        if let parent { params["parent_id"] = .int(parent) }
        return try store.perform("groups.create", params: params, as: .root).body?["id"]?.intValue ?? 0
    }
    var deep: Int64 = 0, flat: Int64 = 0
    try store.transaction {
        deep = try create("Deep", "deep", parent: nil)
        flat = try create("Flat", "flat", parent: nil)
        let children = max(1, n / 100)
        var made = 0
        for c in 0..<children where made < n {
            let child = try create("Child \(c)", "child-\(c)", parent: deep)
            made += 1
            for l in 0..<99 where made < n {
                _ = try create("Leaf \((l * 7919 + c) % 1000)", "leaf-\(l)", parent: child)
                made += 1
            }
        }
        for i in 0..<n { _ = try create("Sub \((i * 7919) % n)", "sub-\(i)", parent: flat) }
        for i in 0..<n {
            _ = try store.perform("projects.create", params: ["name": .string("Project \(i)"), "path": .string("project-\(i)"), "namespace_id": .int(deep)], as: .root)
        }
        for i in 0..<n {
            let user = try store.perform("users.create", params: ["username": .string("user\(i)"), "email": .string("user\(i)@example.com")], as: .root)
            _ = try store.perform("groups.members.add", params: ["id": .int(flat), "user_id": user.body!["id"]!, "access_level": 30], as: .root)
        }
    }
    return (path, deep, flat)
}

/// Steps `sql` through SQLite's C API on a connection of its own, reading every column.
func rawSelect(_ path: String, _ sql: String) -> (rows: Int, seconds: Double) {
    var db: OpaquePointer?
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { fatalError("open \(path)") }
    defer { sqlite3_close(db) }
    let start = Date()
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { fatalError(String(cString: sqlite3_errmsg(db))) }
    defer { sqlite3_finalize(statement) }
    var rows = 0
    var sink = 0
    let columns = sqlite3_column_count(statement)
    while sqlite3_step(statement) == SQLITE_ROW {
        rows += 1
        for c in 0..<columns {
            switch sqlite3_column_type(statement, c) {
            case SQLITE_INTEGER: sink &+= Int(sqlite3_column_int64(statement, c))
            case SQLITE_FLOAT: sink &+= Int(sqlite3_column_double(statement, c))
            case SQLITE_TEXT: sink &+= sqlite3_column_text(statement, c).map { String(cString: $0).utf8.count } ?? 0
            case SQLITE_BLOB: sink &+= Int(sqlite3_column_bytes(statement, c))
            default: break
            }
        }
    }
    precondition(sink != 42)
    return (rows, Date().timeIntervalSince(start))
}

let cases = [
    ListCase(name: "groups.descendant_groups",
             list: "groups.descendant_groups(deep)",
             sql: "SELECT * FROM namespaces WHERE traversal_ids > '$DEEP/' AND traversal_ids < '$DEEP0' ORDER BY name, id"),
    ListCase(name: "groups.subgroups",
             list: "groups.subgroups(flat)",
             sql: "SELECT * FROM namespaces WHERE parent_id = $FLAT ORDER BY name, id"),
    ListCase(name: "members.list",
             list: "members.list(flat)",
             sql: "SELECT m.*, u.username, u.name, u.state FROM members m JOIN users u ON u.id = m.user_id WHERE m.group_id = $FLAT ORDER BY m.id"),
    ListCase(name: "groups.projects",
             list: "groups.projects(deep)",
             sql: "SELECT p.*, n.name, n.path, n.full_path FROM projects p JOIN namespaces n ON n.id = p.namespace_id WHERE p.namespace_id = $DEEP ORDER BY p.created_at DESC, p.id DESC"),
    ListCase(name: "groups.list",
             list: "groups.list{}",
             sql: "SELECT * FROM namespaces ORDER BY name, id"),
]

print("load average (1 min) at start: \(loadAverage()) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
print("medians of \(runs) runs; sizes: \(sizes.map(String.init).joined(separator: ", "))")
var perItem: [String: [Int: Double]] = [:]
var perRawRow: [String: [Int: Double]] = [:]
for n in sizes {
    let setupStart = Date()
    let (path, deep, flat) = try populate(n)
    defer { try? FileManager.default.removeItem(at: path.deletingLastPathComponent()) }
    print(String(format: "size %d (store populated in %.1f s):", n, Date().timeIntervalSince(setupStart)))
    let store = try GroveStore.open(path: path.path)
    let lua = LuaState()
    try CoreBindings.install(into: lua, session: GroveSession { store }, registry: store.registry)
    // The copies run in a state of their own: the items they keep would otherwise make
    // every garbage collection of the loops longer.
    let copyLua = LuaState()
    try CoreBindings.install(into: copyLua, session: GroveSession { store }, registry: store.registry)
    for c in cases {
        let chunk = try lua.load("local deep, flat = ... " + c.lua, chunkName: "=" + c.name)
        _ = try copyLua.call(try copyLua.load("local deep, flat = ... " + luaTablesAlone.replacingOccurrences(of: "LIST", with: c.list), chunkName: "=copy"),
                         [.integer(deep), .integer(flat)])
        let copies = try copyLua.load(copyItems, chunkName: "=copies")
        // Each timed run starts from a collected heap: none pays for the garbage of the one before.
        let collect = try lua.load("collectgarbage()", chunkName: "=collect")
        let collectCopies = try copyLua.load("collectgarbage()", chunkName: "=collect")
        var luaTimes: [Double] = [], rawTimes: [Double] = [], aloneTimes: [Double] = []
        var items = 0, rawRows = 0
        for _ in 0..<runs {
            _ = try lua.call(collect, [])
            let start = Date()
            items = Int(try lua.call(chunk, [.integer(deep), .integer(flat)]).first?.intValue ?? 0)
            luaTimes.append(Date().timeIntervalSince(start))
            _ = try copyLua.call(collectCopies, [])
            let copyStart = Date()
            _ = try copyLua.call(copies, [.integer(Int64(items))])
            aloneTimes.append(Date().timeIntervalSince(copyStart))
            // deep and flat are top-level groups: their traversal ids are "<id>/".
            let raw = rawSelect(path.path, c.sql.replacingOccurrences(of: "$DEEP", with: "\(deep)").replacingOccurrences(of: "$FLAT", with: "\(flat)"))
            rawRows = raw.rows
            rawTimes.append(raw.seconds)
        }
        // Ratios are the medians of each run's own (Lua and raw SQLite timed one after the
        // other): a slow spell of the machine then weighs on both sides of a ratio alike.
        let luaSeconds = median(luaTimes), rawSeconds = median(rawTimes)
        perItem[c.name, default: [:]][n] = luaSeconds / Double(max(items, 1))
        perRawRow[c.name, default: [:]][n] = rawSeconds / Double(max(rawRows, 1))
        print("  " + c.name.padding(toLength: 26, withPad: " ", startingAt: 0)
              + String(format: "%7d items  Lua %9.0f items/s  raw SQLite %9.0f rows/s (%d rows)  Lua/raw %5.1fx  (Lua's tables alone %4.1fx)",
                       items, Double(items) / luaSeconds, Double(rawRows) / rawSeconds, rawRows,
                       median(zip(luaTimes, rawTimes).map(/)), median(zip(aloneTimes, rawTimes).map(/))))
    }
}
if let small = sizes.min(), let large = sizes.max(), small != large {
    // Raw SQLite's own growth beside it: past the CPU caches a row costs more to read
    // whatever reads it, which is the memory's doing, not the list's.
    print("per-item cost at \(large) over \(small) (target <= 1.3x), and raw SQLite's per row:")
    for c in cases {
        if let a = perItem[c.name]?[small], let b = perItem[c.name]?[large],
           let rawA = perRawRow[c.name]?[small], let rawB = perRawRow[c.name]?[large] {
            print("  " + c.name.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: "Lua %5.2fx   raw SQLite %5.2fx", b / a, rawB / rawA))
        }
    }
}
print("load average (1 min) at end: \(loadAverage())")
