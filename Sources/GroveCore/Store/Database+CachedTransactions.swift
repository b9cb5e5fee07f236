import GRDB

// GRDB compiles its BEGIN, COMMIT and PRAGMA statements on every `write` and `read`;
// these do the same through the connection's statement cache.
extension Database {
    /// What `DatabaseQueue.write` does: commit when `body` returns, roll back when it or
    /// the commit throws.
    func immediateTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try cachedTransaction("BEGIN IMMEDIATE TRANSACTION", body)
    }

    /// What `DatabaseQueue.read` does: a deferred transaction with `query_only` on, so a
    /// read can never write.
    func readOnlyTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try run(sql: "PRAGMA query_only = 1")
        defer { try? run(sql: "PRAGMA query_only = 0") }
        return try cachedTransaction("BEGIN DEFERRED TRANSACTION", body)
    }

    private func cachedTransaction<T>(_ begin: String, _ body: (Database) throws -> T) throws -> T {
        try run(sql: begin)
        do {
            let result = try body(self)
            // A statement that failed with SQLITE_FULL, IOERR, BUSY or NOMEM may have
            // rolled the transaction back already: nothing is left to commit.
            guard isInsideTransaction else { throw DatabaseError(resultCode: .SQLITE_ABORT, message: "Transaction was aborted") }
            try run(sql: "COMMIT TRANSACTION")
            return result
        } catch {
            if isInsideTransaction { try? rollback() }
            throw error
        }
    }
}
