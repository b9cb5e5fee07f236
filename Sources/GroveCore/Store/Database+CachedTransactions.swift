import GRDB

// GRDB compiles its BEGIN and COMMIT statements on every `write` and `read`; these do the
// same through the connection's statement cache.
extension Database {
    /// What `DatabaseQueue.write` does: commit when `body` returns, roll back when it or
    /// the commit throws.
    func immediateTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try cachedTransaction("BEGIN IMMEDIATE TRANSACTION", body)
    }

    /// A deferred transaction that leaves nothing written: a read that changed a row is
    /// rolled back and fails. (Not `PRAGMA query_only`, which GRDB's reads toggle: every
    /// flag pragma expires all prepared statements of the connection, so each read would
    /// recompile every cached statement it steps.)
    func readOnlyTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        let changesBefore = totalChangesCount
        return try cachedTransaction("BEGIN DEFERRED TRANSACTION") { db in
            let result = try body(db)
            guard db.totalChangesCount == changesBefore else {
                throw DatabaseError(resultCode: .SQLITE_READONLY, message: "a read operation attempted to write")
            }
            return result
        }
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
