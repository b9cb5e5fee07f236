import GRDB

extension Database {
    /// What `DatabaseQueue.read` does (a deferred transaction with `query_only` on, so a
    /// read can never write) through cached statements: GRDB compiles and analyses its
    /// four statements on every `read`, which was a quarter of serving `GET /groups/:id`.
    func readOnlyTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try run(sql: "PRAGMA query_only = 1")
        defer { try? run(sql: "PRAGMA query_only = 0") }
        try run(sql: "BEGIN DEFERRED TRANSACTION")
        do {
            let result = try body(self)
            if isInsideTransaction { try run(sql: "COMMIT TRANSACTION") }
            return result
        } catch {
            if isInsideTransaction { try? rollback() }
            throw error
        }
    }
}
