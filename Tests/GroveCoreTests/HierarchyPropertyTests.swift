import Foundation
import GRDB
import Testing
@testable import GroveCore

/// Random sequences of create / transfer / delete / restore / permanent removal, then the
/// invariants every hierarchy query relies on.
@Suite("hierarchy invariants (seeded random)")
struct HierarchyPropertyTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func invariantsHoldAfterRandomOperations(seed: UInt64) throws {
        let store = try GroveStore.inMemory()
        var rng = SplitMix(state: seed)
        var counter = 0
        var succeeded = 0
        for _ in 0..<150 {
            let ids = try store.perform("groups.list", ["per_page": 100, "all_available": true], as: .root).body!.ids
            let pick = { (r: inout SplitMix) -> Int64? in ids.isEmpty ? nil : ids[Int(r.next() % UInt64(ids.count))] }
            counter += 1
            do {
                switch rng.next() % 6 {
                case 0, 1:
                    var params: JSONObject = ["name": .string("G\(counter)"), "path": .string("g\(counter)")]
                    if rng.next() % 4 != 0, let parent = pick(&rng) { params["parent_id"] = .int(parent) }
                    _ = try store.perform("groups.create", params: params, as: .root)
                case 2:
                    guard let g = pick(&rng) else { continue }
                    var params: JSONObject = ["id": .int(g)]
                    if rng.next() % 3 != 0, let target = pick(&rng) { params["group_id"] = .int(target) }
                    _ = try store.perform("groups.transfer", params: params, as: .root)
                case 3:
                    guard let g = pick(&rng) else { continue }
                    _ = try store.perform("groups.delete", ["id": .int(g)], as: .root)
                case 4:
                    guard let g = pick(&rng) else { continue }
                    _ = try store.perform("groups.restore", ["id": .int(g)], as: .root)
                default:
                    guard let g = pick(&rng) else { continue }
                    let full = try store.perform("groups.get", ["id": .int(g), "with_projects": false], as: .root).body!["full_path"]!
                    _ = try store.perform("groups.delete", ["id": .int(g), "permanently_remove": true, "full_path": full], as: .root)
                }
                succeeded += 1
            } catch is APIError {
                // Rejected operations are part of the property: they must leave no trace.
            }
            try checkInvariants(store)
        }
        #expect(succeeded > 60, "most random operations should apply")
    }

    func checkInvariants(_ store: GroveStore) throws {
        try store.database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, parent_id, path, name, full_path, full_name, traversal_ids, visibility_level FROM namespaces")
            var byId: [Int64: Row] = [:]
            for r in rows { byId[r["id"]] = r }
            for r in rows {
                let id: Int64 = r["id"]
                let traversal: String = r["traversal_ids"]
                let parentId: Int64? = r["parent_id"]
                if let parentId {
                    let parent = try #require(byId[parentId], "parent exists")
                    #expect(traversal == (parent["traversal_ids"] as String) + "\(id)/")
                    #expect((r["full_path"] as String) == (parent["full_path"] as String) + "/" + (r["path"] as String))
                    #expect((r["full_name"] as String) == (parent["full_name"] as String) + " / " + (r["name"] as String))
                    #expect((r["visibility_level"] as Int64) <= (parent["visibility_level"] as Int64))
                } else {
                    #expect(traversal == "\(id)/")
                    #expect((r["full_path"] as String) == (r["path"] as String))
                }
                #expect(TraversalIds.ids(traversal).count <= GroupValidator.maxAncestors + 1)
            }
            // Descendants by range scan equal descendants by parent links.
            for r in rows {
                let range = TraversalIds.range(r["traversal_ids"])
                let scanned = Set(try Int64.fetchAll(db, sql: "SELECT id FROM namespaces WHERE traversal_ids > ? AND traversal_ids < ?", arguments: [range.lower, range.upper]))
                var walked = Set<Int64>()
                var frontier: [Int64] = [r["id"]]
                while let next = frontier.popLast() {
                    for c in rows where (c["parent_id"] as Int64?) == next { walked.insert(c["id"]); frontier.append(c["id"]) }
                }
                #expect(scanned == walked)
            }
            let paths = rows.map { ($0["full_path"] as String).lowercased() }
            #expect(Set(paths).count == paths.count)
        }
    }
}
