import GRDB

/// Push rules of groups and of projects (a project gets a copy of its group's rule when
/// it is created, as GitLab's `Projects::CreateService` does).
enum PushRuleSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE push_rules (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                group_id INTEGER REFERENCES namespaces(id) ON DELETE CASCADE,
                project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
                commit_message_regex TEXT,
                commit_message_negative_regex TEXT,
                branch_name_regex TEXT,
                author_email_regex TEXT,
                file_name_regex TEXT,
                deny_delete_tag BOOLEAN NOT NULL DEFAULT 0,
                member_check BOOLEAN NOT NULL DEFAULT 0,
                prevent_secrets BOOLEAN NOT NULL DEFAULT 0,
                max_file_size INTEGER NOT NULL DEFAULT 0,
                commit_committer_check BOOLEAN,
                commit_committer_name_check BOOLEAN NOT NULL DEFAULT 0,
                reject_unsigned_commits BOOLEAN,
                reject_non_dco_commits BOOLEAN,
                created_at INTEGER NOT NULL
            );
            CREATE UNIQUE INDEX push_rules_group ON push_rules(group_id) WHERE group_id IS NOT NULL;
            CREATE UNIQUE INDEX push_rules_project ON push_rules(project_id) WHERE project_id IS NOT NULL;
            """)
    }
}
