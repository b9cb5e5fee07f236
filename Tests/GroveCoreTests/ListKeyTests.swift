import Foundation
import GRDB
import Testing
@testable import GroveCore

/// In-process iteration by key (`ListRequest`) answers exactly what the offset pages answer,
/// in the same order, whatever the order and its ties or NULLs; counts read no item.
@Suite("Lists continued by key")
struct ListKeyTests {
    /// Every offset page of 3, in order.
    static func offsetItems(_ f: Fixture, _ op: String, _ params: JSONObject, as actor: Actor) throws -> [JSONValue] {
        var items: [JSONValue] = []
        var page: Int64 = 1
        while true {
            var p = params
            p["page"] = .int(page)
            p["per_page"] = 3
            let r = try f.store.perform(op, params: p, as: actor)
            items += r.body?.arrayValue ?? []
            guard let next = r.page?.nextPage else { return items }
            page = next
        }
    }

    /// Every batch of `limit` after the key of the previous one.
    static func keyItems(_ f: Fixture, _ op: String, _ params: JSONObject, as actor: Actor, limit: Int) throws -> [JSONValue] {
        var items: [JSONValue] = []
        var key: ListKey?
        var batches = 0
        repeat {
            let r = try f.store.perform(op, params: params, as: actor, list: .after(key, limit: limit))
            let batch = r.items
            #expect(batch.count <= limit)
            #expect(r.page?.total == nil, "no totals when continuing by key")
            items += batch
            key = r.page?.continuation
            batches += 1
        } while key != nil && batches < 1_000
        return items
    }

    static func check(_ f: Fixture, _ op: String, _ params: JSONObject, as actor: Actor = .root, atLeast: Int = 4,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try offsetItems(f, op, params, as: actor)
        #expect(expected.count >= atLeast, "\(op) \(params): too few items to test (\(expected.count))", sourceLocation: sourceLocation)
        for limit in [1, 2, 5, 100] {
            let items = try keyItems(f, op, params, as: actor, limit: limit)
            #expect(items == expected, "\(op) \(params) limit \(limit): \(items.map { $0["id"] ?? .null }) vs \(expected.map { $0["id"] ?? .null })",
                    sourceLocation: sourceLocation)
        }
        let all = try f.store.perform(op, params: params, as: actor, list: .count(after: nil))
        #expect(all.page?.total == Int64(expected.count), sourceLocation: sourceLocation)
        #expect(all.items.isEmpty && all.presented == nil, "a count reads no item", sourceLocation: sourceLocation)
        let two = try f.store.perform(op, params: params, as: actor, list: .after(nil, limit: 2))
        if let key = two.page?.continuation {
            let rest = try f.store.perform(op, params: params, as: actor, list: .count(after: key))
            #expect(rest.page?.total == Int64(expected.count - 2), sourceLocation: sourceLocation)
        }
    }

    /// A tree under `top` whose names, creation times and activity tie in places.
    static func tree() throws -> (Fixture, top: Int64, sub: Int64) {
        let f = try Fixture()
        let top = try f.group("top", visibility: "public")
        let sub = try f.group("sub", parent: top, visibility: "public")
        for i in 0..<7 {
            let g = try f.group("g\(i)", parent: i % 2 == 0 ? top : sub, visibility: i % 3 == 0 ? "private" : "public")
            try f.project("p\(i)", in: i % 2 == 0 ? g : top, visibility: i % 6 == 0 ? "private" : "public")
            try f.project("q\(i)", in: top, visibility: i % 2 == 0 ? "internal" : "public")
        }
        for i in 0..<4 { try f.group("t\(i)", visibility: "public") }
        try f.add("alice", to: top, level: AccessLevel.developer)
        try f.add("bob", to: sub, level: AccessLevel.owner)
        try f.add("carol", to: top, level: AccessLevel.maintainer)
        try f.add("dave", to: top, level: AccessLevel.guest)
        _ = try f.store.write { db in
            // Ties on every order column but the id.
            try db.execute(sql: "UPDATE namespaces SET name = 'Same ' || (id % 3) WHERE path LIKE 'g%' OR path LIKE 't%'")
            try db.execute(sql: "UPDATE projects SET name = 'Proj ' || (id % 2), created_at = 1000 + (id % 3), updated_at = 5000 - (id % 2), last_activity_at = 7 + (id % 4)")
        }
        for (user, project) in [("alice", "p2"), ("bob", "p2"), ("alice", "q1"), ("carol", "q3")] {
            let id = try #require(try f.store.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM projects WHERE path = ?", arguments: [project]) })
            try f.run("projects.star", ["id": .int(id)], as: f.user(user))
        }
        return (f, top, sub)
    }

    @Test("groups.list, subgroups and descendant_groups: every order, ascending and descending, with ties")
    func groupLists() throws {
        let (f, top, _) = try Self.tree()
        for orderBy in ["name", "path", "id"] {
            for sort in ["asc", "desc"] {
                let o: JSONObject = ["order_by": .string(orderBy), "sort": .string(sort)]
                try Self.check(f, "groups.list", o)
                try Self.check(f, "groups.list", o, as: f.user("alice"))
                try Self.check(f, "groups.list", o, as: .anonymous)
                try Self.check(f, "groups.descendant_groups", o.merging(["id": .int(top)]))
                try Self.check(f, "groups.descendant_groups", o.merging(["id": .int(top)]), as: f.user("bob"), atLeast: 3)
                try Self.check(f, "groups.subgroups", o.merging(["id": .int(top)]), atLeast: 4)
            }
        }
        // A computed order: similarity, then parent_id descending with NULL (top level) last.
        try Self.check(f, "groups.list", ["order_by": "similarity", "search": "s"])
        try Self.check(f, "groups.list", ["search": "same", "order_by": "similarity"], as: f.user("alice"))
        // The anonymous offset limit does not apply to a continuation by key.
        try Self.check(f, "groups.list", ["all_available": true], as: .anonymous)
    }

    @Test("groups.projects and shared_projects: every order, with ties on each column and on star counts")
    func projectLists() throws {
        let (f, top, sub) = try Self.tree()
        _ = try f.run("groups.share", ["id": .int(sub), "group_id": .int(top), "group_access": 30])
        // First with no project shared with `top` (the default order then comes from an
        // index), then with one (its projects are those of two sources, sorted per page).
        for shared in [false, true] {
            if shared {
                let p0 = try #require(try f.store.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM projects WHERE path = 'p0'") })
                try f.run("projects.share", ["id": .int(p0), "group_id": .int(top), "group_access": 30])
            }
            for orderBy in ["id", "name", "path", "created_at", "updated_at", "last_activity_at", "star_count", "similarity"] {
                for sort in ["asc", "desc"] {
                    let o: JSONObject = ["order_by": .string(orderBy), "sort": .string(sort), "id": .int(top)]
                    try Self.check(f, "groups.projects", o)
                    try Self.check(f, "groups.projects", o.merging(["include_subgroups": true]), as: f.user("alice"))
                    try Self.check(f, "groups.projects", o.merging(["search": "p"]), atLeast: 2)
                }
            }
        }
        let withShare = try Self.offsetItems(f, "groups.projects", ["id": .int(top)], as: .root)
        #expect(withShare.contains { $0["path"] == "p0" }, "the project shared with top is among its projects")
    }

    @Test("members, users, transfer locations, hooks, protected branches and service accounts")
    func otherLists() throws {
        let (f, top, sub) = try Self.tree()
        try Self.check(f, "groups.members.list", ["id": .int(top)])
        try Self.check(f, "users.list", [:])
        try Self.check(f, "groups.transfer_locations", ["id": .int(sub)])
        for i in 0..<5 {
            try f.run("groups.hooks.create", ["id": .int(top), "url": .string("https://e\(i).example/")])
            try f.run("groups.protected_branches.create", ["id": .int(top), "name": .string("release-\(i)")])
            try f.run("groups.service_accounts.create", ["id": .int(top), "username": .string("bot-\(4 - i)")])
        }
        try Self.check(f, "groups.hooks.list", ["id": .int(top)])
        try Self.check(f, "groups.protected_branches.list", ["id": .int(top)])
        for orderBy in ["id", "username"] {
            for sort in ["asc", "desc"] {
                try Self.check(f, "groups.service_accounts.list", ["id": .int(top), "order_by": .string(orderBy), "sort": .string(sort)])
            }
        }
    }

    @Test("a key holding NULL continues where ORDER BY puts NULL, ascending and descending")
    func nullsInKeys() throws {
        let f = try Fixture()
        try f.store.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)")
            for i in 1...40 {
                try db.execute(sql: "INSERT INTO t (id, a, b) VALUES (?, ?, ?)",
                               arguments: [i, i % 4 == 0 ? nil : i % 3, i % 5 == 0 ? nil : "v\(i % 2)"])
            }
        }
        let select = "SELECT id, a, b FROM t"
        for aDesc in [false, true] {
            for bDesc in [false, true] {
                for idDesc in [false, true] {
                    let order = ListOrder([OrderTerm("a", descending: aDesc), OrderTerm("b", descending: bDesc), OrderTerm("id", descending: idDesc)])
                    let expected: [Int64] = try f.store.read { db in
                        try Int64.fetchAll(db, sql: "SELECT id FROM t ORDER BY " + order.sql)
                    }
                    for limit in [1, 3, 7] {
                        var seen: [Int64] = []
                        var key: ListKey?
                        repeat {
                            var params = Params([:])
                            params.list = .after(key, limit: limit)
                            let (rows, page): ([Row], PageInfo) = try f.store.read { db in
                                try Paginator.offset(db, select: select, filter: QueryFilter(), order: order, params: params, countFrom: "FROM t")
                            }
                            seen += rows.map { $0["id"] }
                            key = page.continuation
                        } while key != nil && seen.count <= 40
                        #expect(seen == expected, "a \(aDesc ? "desc" : "asc"), b \(bDesc ? "desc" : "asc"), id \(idDesc ? "desc" : "asc"), limit \(limit)")
                    }
                }
            }
        }
    }

    /// A limit past any list (a front end passing Int.max) reads the list whole, with or
    /// without reading ahead, and nothing overflows.
    @Test("a page of Int.max rows is the whole list")
    func hugeLimits() throws {
        let f = try Fixture()
        try f.store.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            for i in 1...30 { try db.execute(sql: "INSERT INTO t (id, name) VALUES (?, ?)", arguments: [i, "n\(31 - i)"]) }
        }
        for indexed in [false, true] {
            if indexed { try f.store.write { db in try db.execute(sql: "CREATE INDEX t_name ON t(name)") } }
            var params = Params([:])
            params.list = .after(nil, limit: Int.max)
            let (rows, info): ([Row], PageInfo) = try f.store.read { db in
                try Paginator.offset(db, select: "SELECT id, name FROM t", filter: QueryFilter(), order: ListOrder([.asc("name"), .asc("id")]),
                                     params: params, countFrom: "FROM t")
            }
            #expect(rows.count == 30, "indexed: \(indexed)")
            #expect(info.continuation == nil, "indexed: \(indexed)")
        }
    }

    /// Where SQLite sorts every row for a page, a page reads the ids of the next ten pages at
    /// once (`ListAhead`): a row among them
    /// that is deleted or leaves the filter before its page is skipped, one renamed in place
    /// comes with its new name, and a row added after the last one read ahead is found.
    @Test("rows read ahead that left the list are skipped; a row added after them is found")
    func readAheadFollowsChanges() throws {
        let f = try Fixture()
        try f.store.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hidden INTEGER NOT NULL DEFAULT 0)")
            for i in 1...30 { try db.execute(sql: "INSERT INTO t (id, name) VALUES (?, ?)", arguments: [i, String(format: "n%02d", i)]) }
        }
        var filter = QueryFilter()
        filter.add("hidden = 0")
        let order = ListOrder([.asc("name"), .asc("id")])
        func page(after key: ListKey?) throws -> ([String], ListKey?) {
            var params = Params([:])
            params.list = .after(key, limit: 2)
            let (rows, info): ([Row], PageInfo) = try f.store.read { db in
                try Paginator.offset(db, select: "SELECT id, name FROM t", filter: filter, order: order, params: params, countFrom: "FROM t")
            }
            return (rows.map { $0["name"] }, info.continuation)
        }
        var (names, key) = try page(after: nil)
        #expect(names == ["n01", "n02"])
        #expect(key?.ahead?.count == 18, "ten pages of 2 read ahead, the first returned")
        try f.store.write { db in
            try db.execute(sql: "DELETE FROM t WHERE name = 'n05'")
            try db.execute(sql: "UPDATE t SET hidden = 1 WHERE name = 'n07'")
            try db.execute(sql: "DELETE FROM t WHERE name = 'n25'")
            try db.execute(sql: "INSERT INTO t (id, name) VALUES (100, 'n205')")
            try db.execute(sql: "UPDATE t SET name = 'n035' WHERE name = 'n03'")
        }
        var pages = 1
        while let k = key, pages < 100 {
            let (more, next) = try page(after: k)
            names += more
            key = next
            pages += 1
        }
        var expected = (1...30).map { String(format: "n%02d", $0) }.filter { !["n05", "n07", "n25"].contains($0) }
        expected.insert("n205", at: expected.firstIndex(of: "n21")!)
        expected[expected.firstIndex(of: "n03")!] = "n035"
        #expect(names == expected)
        // An index that gives the order: each page seeks to its key, nothing is read ahead.
        try f.store.write { db in try db.execute(sql: "CREATE INDEX t_name ON t(name)") }
        let (indexedNames, indexedKey) = try page(after: nil)
        #expect(indexedNames == ["n01", "n02"])
        #expect(indexedKey != nil && indexedKey?.ahead == nil)
    }
}

private extension JSONObject {
    func merging(_ other: JSONObject) -> JSONObject {
        var out = self
        for (k, v) in other { out[k] = v }
        return out
    }
}
