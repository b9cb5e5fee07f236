import GroveFormats
import GRDB

/// The schema, as GRDB migrations. A shipped migration is never edited: add a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1_core", migrate: v1Core)
        migrator.registerMigration("v2_protected_branches", migrate: ProtectedBranchSchema.migrate)
        migrator.registerMigration("v2_push_rules", migrate: PushRuleSchema.migrate)
        migrator.registerMigration("v2_service_account_tokens", migrate: ServiceAccountSchema.migrate)
        migrator.registerMigration("v2_security_settings", migrate: SecuritySettingsSchema.migrate)
        migrator.registerMigration("v2_group_hooks", migrate: HookSchema.migrate)
        migrator.registerMigration("v2_group_links", migrate: GroupLinkSchema.migrate)
        migrator.registerMigration("v3_web_hook_logs", migrate: HookSchema.migrateDeliveryLog)
        migrator.registerMigration("v3_project_container_registry") { db in
            // API v4's Entities::Project shows it beside the other feature switches.
            try db.execute(sql: "ALTER TABLE projects ADD COLUMN container_registry_enabled BOOLEAN NOT NULL DEFAULT 1")
        }
        migrator.registerMigration("v4_user_namespaces", migrate: UserNamespaceSchema.migrate)
        migrator.registerMigration("v5_imported_hook_secrets") { db in
            // A hook mirrored from a GitLab: its token and secret values could not be read.
            try db.execute(sql: "ALTER TABLE group_hooks ADD COLUMN secrets_unknown BOOLEAN NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v6_users_email_index") { db in
            // Creating a user checks that no other has the email; without it, each check read every user.
            try db.execute(sql: "CREATE INDEX users_email ON users(email COLLATE NOCASE)")
        }
        migrator.registerMigration("v7_projects_namespace_created_index") { db in
            // A group's projects come newest first unless asked otherwise (GitLab's default
            // order): without it, every page sorted all of the group's projects.
            try db.execute(sql: "CREATE INDEX projects_namespace_created ON projects(namespace_id, created_at)")
        }
        return migrator
    }

    private static func v1Core(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                username TEXT NOT NULL,
                name TEXT NOT NULL,
                email TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'active',
                is_admin BOOLEAN NOT NULL DEFAULT 0,
                bot BOOLEAN NOT NULL DEFAULT 0,
                external BOOLEAN NOT NULL DEFAULT 0,
                can_create_group BOOLEAN NOT NULL DEFAULT 1,
                service_account BOOLEAN NOT NULL DEFAULT 0,
                provisioned_by_group_id INTEGER REFERENCES namespaces(id) ON DELETE SET NULL,
                saml_group_id INTEGER REFERENCES namespaces(id) ON DELETE SET NULL,
                created_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX users_username ON users(username COLLATE NOCASE);
            CREATE INDEX users_provisioned ON users(provisioned_by_group_id);

            CREATE TABLE namespaces (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                parent_id INTEGER REFERENCES namespaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                path TEXT NOT NULL,
                full_path TEXT NOT NULL,
                full_name TEXT NOT NULL,
                traversal_ids TEXT NOT NULL,
                visibility_level INTEGER NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                avatar_filename TEXT,
                avatar_data BLOB,
                runners_token TEXT NOT NULL,
                settings TEXT NOT NULL DEFAULT '{}',
                marked_for_deletion_at INTEGER,
                deleting_user_id INTEGER,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX namespaces_full_path ON namespaces(full_path COLLATE NOCASE);
            CREATE INDEX namespaces_traversal_ids ON namespaces(traversal_ids);
            CREATE INDEX namespaces_parent ON namespaces(parent_id, name);
            CREATE INDEX namespaces_name ON namespaces(name, id);
            CREATE INDEX namespaces_marked ON namespaces(marked_for_deletion_at) WHERE marked_for_deletion_at IS NOT NULL;

            CREATE TABLE members (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                group_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                access_level INTEGER NOT NULL,
                expires_at TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX members_user_group ON members(user_id, group_id);
            CREATE INDEX members_group ON members(group_id);

            CREATE TABLE group_group_links (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                shared_group_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                shared_with_group_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                group_access INTEGER NOT NULL,
                expires_at TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX group_links_pair ON group_group_links(shared_group_id, shared_with_group_id);
            CREATE INDEX group_links_with ON group_group_links(shared_with_group_id);

            CREATE TABLE projects (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                namespace_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                path TEXT NOT NULL,
                description TEXT,
                visibility_level INTEGER NOT NULL,
                archived BOOLEAN NOT NULL DEFAULT 0,
                topics TEXT NOT NULL DEFAULT '[]',
                default_branch TEXT NOT NULL DEFAULT 'main',
                issues_enabled BOOLEAN NOT NULL DEFAULT 1,
                merge_requests_enabled BOOLEAN NOT NULL DEFAULT 1,
                wiki_enabled BOOLEAN NOT NULL DEFAULT 1,
                jobs_enabled BOOLEAN NOT NULL DEFAULT 1,
                snippets_enabled BOOLEAN NOT NULL DEFAULT 1,
                creator_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                repository_size INTEGER NOT NULL DEFAULT 0,
                wiki_size INTEGER NOT NULL DEFAULT 0,
                lfs_objects_size INTEGER NOT NULL DEFAULT 0,
                job_artifacts_size INTEGER NOT NULL DEFAULT 0,
                pipeline_artifacts_size INTEGER NOT NULL DEFAULT 0,
                packages_size INTEGER NOT NULL DEFAULT 0,
                snippets_size INTEGER NOT NULL DEFAULT 0,
                uploads_size INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                last_activity_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX projects_namespace_path ON projects(namespace_id, path COLLATE NOCASE);
            CREATE INDEX projects_namespace_name ON projects(namespace_id, name);

            CREATE TABLE project_stars (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                PRIMARY KEY (user_id, project_id)
            );
            CREATE INDEX project_stars_project ON project_stars(project_id);

            CREATE TABLE project_group_links (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                group_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                group_access INTEGER NOT NULL,
                expires_at TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX project_links_pair ON project_group_links(project_id, group_id);
            CREATE INDEX project_links_group ON project_group_links(group_id);

            CREATE TABLE group_custom_attributes (
                group_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (group_id, key)
            );

            CREATE TABLE audit_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                created_at INTEGER NOT NULL,
                actor_id INTEGER,
                actor_username TEXT NOT NULL,
                action TEXT NOT NULL,
                target_type TEXT NOT NULL,
                target_id INTEGER,
                target_path TEXT,
                changes TEXT NOT NULL DEFAULT '[]'
            );
            CREATE INDEX audit_events_created ON audit_events(created_at);

            CREATE TABLE instance_settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            """)
        // `root` exists from the first start, as on a fresh GitLab.
        try db.execute(sql: """
            INSERT INTO users (username, name, email, is_admin, created_at)
            VALUES ('root', 'Administrator', 'admin@example.com', 1, ?)
            """, arguments: [Timestamp.millis(.now)])
    }
}
