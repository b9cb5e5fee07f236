import GRDB

/// Personal access tokens: only the digest of a token is stored.
enum ServiceAccountSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE personal_access_tokens (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                description TEXT,
                scopes TEXT NOT NULL,
                token_digest TEXT NOT NULL,
                revoked BOOLEAN NOT NULL DEFAULT 0,
                expires_at TEXT,
                last_used_at INTEGER,
                previous_personal_access_token_id INTEGER,
                created_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX personal_access_tokens_digest ON personal_access_tokens(token_digest);
            CREATE INDEX personal_access_tokens_user ON personal_access_tokens(user_id);
            """)
    }
}
