import GRDB

/// Group web hooks. The token, URL variables and custom header values are secrets that
/// must be sent but never shown: they live sealed in `secrets` (see `HookSecrets`).
enum HookSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE group_hooks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                group_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                url TEXT NOT NULL,
                name TEXT,
                description TEXT,
                events TEXT NOT NULL DEFAULT '{}',
                push_events_branch_filter TEXT,
                branch_filter_strategy TEXT NOT NULL DEFAULT 'wildcard',
                enable_ssl_verification BOOLEAN NOT NULL DEFAULT 1,
                custom_webhook_template TEXT,
                secrets BLOB,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX group_hooks_group ON group_hooks(group_id);

            CREATE TABLE instance_secrets (
                name TEXT PRIMARY KEY,
                value BLOB NOT NULL
            );
            """)
    }

    /// GitLab's `web_hook_logs`: every delivery, kept across runs of `grove`.
    static func migrateDeliveryLog(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE web_hook_logs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                hook_id INTEGER NOT NULL REFERENCES group_hooks(id) ON DELETE CASCADE,
                trigger TEXT NOT NULL,
                url TEXT NOT NULL,
                request_headers TEXT NOT NULL,
                request_data TEXT NOT NULL,
                response_status INTEGER,
                response_body TEXT NOT NULL,
                internal_error_message TEXT,
                execution_duration REAL NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX web_hook_logs_hook ON web_hook_logs(hook_id, id);
            """)
    }
}
