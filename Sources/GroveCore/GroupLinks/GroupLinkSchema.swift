import GRDB

/// LDAP and SAML group links: directory groups whose members get a role in a group.
enum GroupLinkSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE ldap_group_links (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                group_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                cn TEXT,
                filter TEXT,
                group_access INTEGER NOT NULL,
                provider TEXT NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX ldap_group_links_group ON ldap_group_links(group_id);

            CREATE TABLE saml_group_links (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                group_id INTEGER NOT NULL REFERENCES namespaces(id) ON DELETE CASCADE,
                saml_group_name TEXT NOT NULL,
                access_level INTEGER NOT NULL,
                member_role_id INTEGER,
                provider TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX saml_group_links_group ON saml_group_links(group_id, saml_group_name);
            """)
    }
}
