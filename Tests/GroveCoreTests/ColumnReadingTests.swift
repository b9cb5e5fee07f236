import GRDB
import Testing
@testable import GroveCore

/// Issue 15: reading a row never traps. A NULL where a record requires a value, a column
/// that is not there or an index past the row is the core's 500 naming the column, where
/// GRDB's `row[...]` and the cached statements' reader used to stop the process.
@Suite("Reading columns")
struct ColumnReadingTests {
    static func expectInternalError(_ column: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("read \(column) without an error")
        } catch let error as APIError {
            #expect(error.status == 500)
            #expect(error.fieldErrors.pairs.first?.messages.first?.contains("from column \(column)") == true, "\(error.fieldErrors)")
        } catch {
            Issue.record("not the core's 500: \(error)")
        }
    }

    @Test func nullsAndMissingColumnsAreThe500() throws {
        let queue = try DatabaseQueue()
        try queue.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT NULL AS absent, 'text' AS word, 7 AS number"))
            Self.expectInternalError("absent") { _ = try row.column("absent") as String }
            Self.expectInternalError("absent") { _ = try row.column("absent") as Int64 }
            Self.expectInternalError("missing") { _ = try row.column("missing") as String }
            Self.expectInternalError("3") { _ = try row.column(3) as Int64 }
            Self.expectInternalError("-1") { _ = try row.column(-1) as Int64 }
            #expect(try row.column("absent") as String? == nil)
            #expect(try row.column("word") as String == "text")
            #expect(try row.column(2) as Int64 == 7)
            Self.expectInternalError("0") { _ = try row.string(0) }
            #expect(try row.optionalString(0) == nil)
        }
    }

    @Test func theCachedStatementsReaderThrowsToo() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (a TEXT, b INTEGER)")
            try db.execute(sql: "INSERT INTO t VALUES (NULL, NULL)")
        }
        struct Pair: ColumnDecodable {
            var a: String
            var b: Int64?
            init(columns: StatementColumns) throws { a = try columns.string(0); b = try columns.optionalInt64(1) }
        }
        struct PastTheRow: ColumnDecodable {
            init(columns: StatementColumns) throws { _ = try columns.optionalString(5) }
        }
        try queue.read { db in
            Self.expectInternalError("0") { _ = try Pair.fetchOne(db, cachedSQL: "SELECT a, b FROM t") }
            Self.expectInternalError("5") { _ = try PastTheRow.fetchAll(db, cachedSQL: "SELECT a, b FROM t") }
        }
    }
}

/// `ProjectFeatures` names each switch twice, in `names` (the columns and parameters) and
/// in its subscript: each name reads its own switch, and no other.
@Suite("Project feature switches")
struct ProjectFeaturesTests {
    @Test func eachNameReadsItsOwnSwitch() {
        let names = ProjectFeatures.names
        for (index, name) in names.enumerated() {
            var on = [Bool](repeating: false, count: 6)
            on[index] = true
            let features = ProjectFeatures(issues: on[0], mergeRequests: on[1], wiki: on[2], jobs: on[3], snippets: on[4], containerRegistry: on[5])
            #expect(names.map { features[$0] } == on.map { Optional($0) }, "\(name)")
        }
        #expect(names.count == 6)
        #expect(ProjectFeatures(issues: true, mergeRequests: true, wiki: true, jobs: true, snippets: true, containerRegistry: true)["pages_enabled"] == nil)
    }
}
