import Foundation
import GroveCore
import Testing

@Suite("LDAP sync")
struct LDAPSyncRouteTests {
    @Test("POST /groups/:id/ldap_sync: 404 Not Found without LDAP configured (before the group is looked up), 202 once the setting is on")
    func ldapSync() async throws {
        try await withServer { server in
            let root = try server.token()
            _ = try await server.request("POST", "/api/v4/groups", token: root, body: .json(["name": "Platform", "path": "platform"]))
            let settings = try await server.request("GET", "/api/v4/application/settings", token: root)
            #expect(settings.json?["ldap_enabled"] == false, "off on a fresh instance: \(settings)")
            for path in ["platform", "nope"] {
                let off = try await server.request("POST", "/api/v4/groups/\(path)/ldap_sync", token: root)
                #expect(off.status == 404, "\(path): \(off)")
                #expect(off.text == #"{"message":"404 Not Found"}"#)
            }
            let on = try await server.request("PUT", "/api/v4/application/settings", token: root, body: .json(["ldap_enabled": true]))
            #expect(on.json?["ldap_enabled"] == true, "\(on)")
            let synced = try await server.request("POST", "/api/v4/groups/platform/ldap_sync", token: root)
            #expect(synced.status == 202, "\(synced)")
            #expect(try await server.request("POST", "/api/v4/groups/nope/ldap_sync", token: root).text == #"{"message":"404 Group Not Found"}"#)
        }
    }
}
