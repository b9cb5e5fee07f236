import GRDB
import Testing
@testable import GroveCore

/// Checks a write makes on every call read an index, not the whole table: a scan per
/// call makes creating n rows cost n^2 (creating 20,000 users took 18 s with the email
/// check scanning `users`).
@Suite("Checks that read an index")
struct IndexUseTests {
    static func plan(_ store: GroveStore, _ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try store.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String } }
    }

    @Test func userCreationChecksSearchIndexes() throws {
        let store = try GroveStore.inMemory()
        let checks: [(String, StatementArguments)] = [
            (UserService.emailTakenSQL, ["Alice@Example.com"]),
            (UserService.usernameTakenSQL, ["alice", "alice"]),
        ]
        for (sql, arguments) in checks {
            let plan = try Self.plan(store, sql, arguments)
            #expect(!plan.contains { $0.hasPrefix("SCAN users") || $0.hasPrefix("SCAN namespaces") }, "\(sql): \(plan)")
            #expect(plan.contains { $0.contains("USING") && $0.contains("INDEX") }, "\(sql): \(plan)")
        }
        // The check the service runs finds a taken email whatever its case.
        _ = try store.perform("users.create", params: ["username": "alice", "email": "alice@example.com"], as: .root)
        let taken = #expect(throws: APIError.self) {
            try store.perform("users.create", params: ["username": "alice2", "email": "ALICE@example.com"], as: .root)
        }
        #expect(taken?.fieldErrors["email"] == ["has already been taken"])
    }
}
