import GRDB

/// Tables of group-level protected branches: one rule per name, and its access entries
/// (push, merge, unprotect), each a role, a user or a group.
enum ProtectedBranchSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE protected_branches (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                group_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                allow_force_push BOOLEAN NOT NULL DEFAULT 0,
                code_owner_approval_required BOOLEAN NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX protected_branches_group_name ON protected_branches(group_id, name);

            CREATE TABLE protected_branch_access_levels (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                protected_branch_id INTEGER NOT NULL REFERENCES protected_branches(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                access_level INTEGER,
                user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
                group_id INTEGER REFERENCES namespaces(id) ON DELETE CASCADE
            );
            CREATE INDEX protected_branch_access_rule ON protected_branch_access_levels(protected_branch_id, kind);
            """)
    }
}
