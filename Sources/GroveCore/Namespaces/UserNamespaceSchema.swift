import GRDB

/// Personal namespaces (`kind: user`). GitLab gives every user one, with an id from the
/// same sequence as groups, so `GET /namespaces/:id` names exactly one namespace. Their
/// name and path are the user's (read live); only the id is stored. A trigger gives each
/// new user one, whichever operation created the user.
enum UserNamespaceSchema {
    /// The next namespace id: past groups, user namespaces and the groups' AUTOINCREMENT
    /// sequence (never reusing an id, as GitLab's sequence does not).
    static let nextId = """
        (SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'namespaces'), 0),
                    COALESCE((SELECT MAX(id) FROM namespaces), 0), COALESCE((SELECT MAX(id) FROM user_namespaces), 0)) + 1)
        """

    /// Moves the groups' sequence past the newest user namespace, so groups skip its id.
    private static let advanceSequence = """
        UPDATE sqlite_sequence SET seq = (SELECT MAX(id) FROM user_namespaces) WHERE name = 'namespaces';
        INSERT INTO sqlite_sequence (name, seq) SELECT 'namespaces', (SELECT MAX(id) FROM user_namespaces)
            WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'namespaces');
        """

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE user_namespaces (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE
            );
            CREATE TRIGGER users_personal_namespace AFTER INSERT ON users BEGIN
                INSERT INTO user_namespaces (id, user_id) VALUES (\(nextId), NEW.id);
                \(advanceSequence)
            END;
            """)
        // Users of an existing store, in the order they were created.
        for userId in try Int64.fetchAll(db, sql: "SELECT id FROM users ORDER BY id") {
            try db.execute(sql: "INSERT INTO user_namespaces (id, user_id) VALUES (\(nextId), ?)", arguments: [userId])
            try db.execute(sql: advanceSequence)
        }
    }
}
