import Foundation
import GRDB
import GroveBindings
import GroveCore
import GroveLua
import GroveServer
import Testing

/// A store file whose `namespaces.description` accepts NULL, holding a group with NULL
/// there: what a store edited by hand (or broken) looks like to the core.
func storeWithNullDescription() throws -> (path: String, groupId: Int64) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-null-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("grove.sqlite").path
    let id: Int64
    do {  // the store's connections close when it goes
        let store = try GroveStore.open(path: path)
        id = try store.perform("groups.create", params: ["name": "Broken", "path": "broken"], as: .root).body?["id"]?.intValue ?? 0
        _ = try store.perform("groups.create", params: ["name": "Fine", "path": "fine"], as: .root)
    }
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA writable_schema = ON")
        try db.execute(sql: "UPDATE sqlite_schema SET sql = replace(sql, 'description TEXT NOT NULL DEFAULT ''''', 'description TEXT') WHERE name = 'namespaces'")
        try db.execute(sql: "PRAGMA writable_schema = OFF")
    }
    try queue.close()
    let reopened = try DatabaseQueue(path: path)
    try reopened.write { db in try db.execute(sql: "UPDATE namespaces SET description = NULL WHERE id = ?", arguments: [id]) }
    try reopened.close()
    return (path, id)
}

@Suite("A broken store and the avatar limit over HTTP")
struct StoreFailureAndAvatarTests {
    /// Issue 15: a NULL where the schema promises a value was a `fatalError` of the column
    /// reader that stopped the server for everyone; now that request is GitLab's 500 with a
    /// log line, and the server answers the next one.
    @Test func nullInANotNullColumnIsA500AndTheServerGoesOn() async throws {
        let (path, id) = try storeWithNullDescription()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let log = LogCapture()
        let server = try await TestServer.start(store: try GroveStore.open(path: path),
                                                configuration: ServerConfiguration(port: 0, accessLog: false, logLevel: .info), logger: log.logger)
        do {
            let token = try server.token()
            for route in ["/api/v4/groups/\(id)", "/api/v4/groups/broken", "/api/v4/groups"] {
                let reply = try await server.request("GET", route, token: token)
                #expect(reply.status == 500, "\(route): \(reply)")
                #expect(reply.json == ["message": "500 Internal Server Error"], "\(reply)")
            }
            #expect(log.text.contains("could not read String from column 8"), "\(log.text)")
            let fine = try await server.request("GET", "/api/v4/groups/fine", token: token)
            #expect(fine.status == 200, "\(fine)")
            #expect(fine.json?["full_path"] == "fine")

            // From Lua, on the store and through the server alike: a Grove error value with
            // status 500 that pcall catches, and the next call works.
            let url = server.baseURL
            for remote in [false, true] {
                let result = try await RemoteBackendTests.blocking { () -> String in
                    let lua: LuaState
                    if remote {
                        lua = try RemoteBackendTests.lua(url: url, token: token, maxRetries: 1)  // a 500 is retried
                    } else {
                        let store = try GroveStore.open(path: path)
                        lua = LuaState()
                        try CoreBindings.install(into: lua, session: GroveSession { store }, registry: store.registry)
                    }
                    let results = try lua.run("""
                        local ok, err = pcall(groups.get, "broken")
                        return table.concat({tostring(ok), tostring(grove.iserror(err)), err.status, err.message:match("^500 Internal Server Error"), groups.get("fine").full_path}, "|")
                        """)
                    guard case .string(let text)? = results.first else { return "\(results.count) results" }
                    return text
                }
                #expect(result == "false|true|500|500 Internal Server Error|fine", "remote: \(remote)")
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static func multipart(boundary: String, fields: [(String, String)], file: (name: String, filename: String, bytes: [UInt8])) -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += file.bytes + Array("\r\n--\(boundary)--\r\n".utf8)
        return body
    }

    /// GitLab's avatar limit: 200 KiB, checked once in the core; over REST a larger upload
    /// (create or update, multipart as python-gitlab sends it) is GitLab's 400 naming the
    /// field, and nothing is written.
    @Test func avatarsOver200KiBAreRefused() async throws {
        try await withServer { server in
            let token = try server.token()
            let boundary = "grove-avatar-test"
            let contentType = "multipart/form-data; boundary=\(boundary)"
            let tooBig = [UInt8](repeating: 0x89, count: 200 * 1024 + 1)
            let limit = [UInt8](repeating: 0x89, count: 200 * 1024)
            // GitLab's create flattens the validation errors into its message; update keeps them apart.
            let expectedOnCreate: JSONValue = ["message": #"Failed to save group {:avatar=>["is too big (should be at most 200 KiB)"]}"#]
            let expected: JSONValue = ["message": ["avatar": ["is too big (should be at most 200 KiB)"]]]

            let refused = try await server.request("POST", "/api/v4/groups", token: token, body: .raw(contentType: contentType, bytes:
                Self.multipart(boundary: boundary, fields: [("name", "Big"), ("path", "big")], file: ("avatar", "logo.png", tooBig))))
            #expect(refused.status == 400, "\(refused)")
            #expect(refused.json == expectedOnCreate, "\(refused)")
            #expect(try await server.request("GET", "/api/v4/groups/big", token: token).status == 404)

            let created = try await server.request("POST", "/api/v4/groups", token: token, body: .raw(contentType: contentType, bytes:
                Self.multipart(boundary: boundary, fields: [("name", "Limit"), ("path", "limit")], file: ("avatar", "logo.png", limit))))
            #expect(created.status == 201, "\(created)")

            let update = try await server.request("PUT", "/api/v4/groups/limit", token: token, body: .raw(contentType: contentType, bytes:
                Self.multipart(boundary: boundary, fields: [], file: ("avatar", "other.png", tooBig))))
            #expect(update.status == 400, "\(update)")
            #expect(update.json == expected, "\(update)")
            let avatar = try await server.request("GET", "/api/v4/groups/limit/avatar", token: token)
            #expect(avatar.status == 200 && avatar.bytes == limit, "the refused upload left the avatar as it was")
        }
    }
}
