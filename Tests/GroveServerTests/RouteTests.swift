import Foundation
import GroveCore
import GroveServer
import Testing

/// The REST routes through real HTTP: status, headers, body shape, errors, parameters.
@Suite("REST routes")
struct RouteTests {
    @Test("groups: create (JSON) 201, get by id and by encoded path, body in the core's key order")
    func createAndGet() async throws {
        try await withServer { server in
            let token = try server.token()
            let created = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Platform", "path": "platform"]))
            #expect(created.status == 201, "\(created)")
            #expect(created.header("Content-Type") == "application/json")
            let id = try #require(created.json?["id"]?.intValue)
            let sub = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "API", "path": "api", "parent_id": .int(id)]))
            #expect(sub.status == 201, "\(sub)")

            let byPath = try await server.request("GET", "/api/v4/groups/platform%2Fapi", token: token)
            #expect(byPath.status == 200, "\(byPath)")
            #expect(byPath.json?["full_path"] == "platform/api")
            // Exactly what the core answers, byte for byte (same key order).
            let direct = try server.store.perform("groups.get", params: ["id": "platform/api"], as: .root)
            #expect(byPath.text == JSONText.encode(direct.body!))

            let byId = try await server.request("GET", "/api/v4/groups/\(id)", token: token)
            #expect(byId.json?["full_path"] == "platform")
        }
    }

    @Test("form-urlencoded bodies, booleans as 1/0/true/false, query parameters")
    func formBodies() async throws {
        try await withServer { server in
            let token = try server.token()
            let created = try await server.request("POST", "/api/v4/groups", token: token,
                                                   body: .form("name=Web+Team&path=web&visibility=internal&request_access_enabled=0&lfs_enabled=true"))
            #expect(created.status == 201, "\(created)")
            #expect(created.json?["name"] == "Web Team")
            #expect(created.json?["visibility"] == "internal")
            #expect(created.json?["request_access_enabled"] == false)
            let updated = try await server.request("PUT", "/api/v4/groups/web?request_access_enabled=1&description=from%20the%20query", token: token)
            #expect(updated.status == 200, "\(updated)")
            #expect(updated.json?["request_access_enabled"] == true)
            #expect(updated.json?["description"] == "from the query")
        }
    }

    @Test("errors: Grape's {error}, validation {message: {field: [...]}}, 404s, unknown routes")
    func errors() async throws {
        try await withServer { server in
            let token = try server.token()
            let missing = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["path": "x"]))
            #expect(missing.status == 400)
            #expect(missing.text == #"{"error":"name is missing"}"#)

            _ = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Alpha", "path": "alpha"]))
            let taken = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "A2", "path": "alpha"]))
            var expected: APIError?
            do { _ = try server.store.perform("groups.create", params: ["name": "A2", "path": "alpha"], as: .root) } catch let e as APIError { expected = e }
            let error = try #require(expected)
            #expect(taken.status == error.status)
            #expect(taken.text == JSONText.encode(error.json))

            let notFound = try await server.request("GET", "/api/v4/groups/999", token: token)
            #expect(notFound.status == 404)
            #expect(notFound.text == #"{"message":"404 Group Not Found"}"#)

            let unknown = try await server.request("GET", "/api/v4/nothing/here", token: token)
            #expect(unknown.status == 404)
            #expect(unknown.text == #"{"error":"404 Not Found"}"#)

            let wrongVerb = try await server.request("PATCH", "/api/v4/groups/1", token: token)
            #expect(wrongVerb.status == 405)
            #expect(wrongVerb.text == #"{"error":"405 Not Allowed"}"#)

            let badEnum = try await server.request("GET", "/api/v4/groups?visibility=secret", token: token)
            #expect(badEnum.status == 400)
            #expect(badEnum.text == #"{"error":"visibility does not have a valid value"}"#)

            let badJSON = try await server.request("POST", "/api/v4/groups", token: token, body: .raw(contentType: "application/json", bytes: Array("{nope".utf8)))
            #expect(badJSON.status == 400)
            #expect(badJSON.json?["error"] != nil)
        }
    }

    @Test("HEAD on every GET route: the GET's status and headers, no body; 405 where there is no GET")
    func headRequests() async throws {
        try await withServer { server in
            let token = try server.token()
            for i in 1...3 {
                _ = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": .string("G\(i)"), "path": .string("g\(i)")]))
            }
            let get = try await server.request("GET", "/api/v4/groups/g2", token: token)
            let head = try await server.request("HEAD", "/api/v4/groups/g2", token: token)
            #expect(head.status == 200)
            #expect(head.bytes.isEmpty)
            #expect(head.header("Content-Length") == String(get.bytes.count))
            #expect(head.header("Content-Type") == "application/json")

            let list = try await server.request("HEAD", "/api/v4/groups?per_page=2", token: token)
            #expect(list.status == 200 && list.bytes.isEmpty)
            #expect(list.header("X-Total") == "3" && list.header("X-Next-Page") == "2")

            let missing = try await server.request("HEAD", "/api/v4/groups/999", token: token)
            #expect(missing.status == 404 && missing.bytes.isEmpty)
            let anonymous = try await server.request("HEAD", "/api/v4/groups/g1")
            #expect(anonymous.status == 404, "a private group is invisible to HEAD as to GET")

            let noGet = try await server.request("HEAD", "/api/v4/groups/g1/restore", token: token)
            #expect(noGet.status == 405)
        }
    }

    @Test("statuses from the descriptor: 202 on group delete, 204 without a body, POST restore 201")
    func statuses() async throws {
        try await withServer { server in
            let token = try server.token()
            let alpha = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Alpha", "path": "alpha"]))
            let alphaId = try #require(alpha.json?["id"]?.intValue)
            _ = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Beta", "path": "beta"]))
            let share = try await server.request("POST", "/api/v4/groups/alpha/share", token: token, body: .form("group_id=beta&group_access=30"))
            #expect(share.status == 201, "\(share)")
            let bId = try #require(share.json?["shared_with_groups"]?.arrayValue?.first?["group_id"]?.intValue)
            let unshare = try await server.request("DELETE", "/api/v4/groups/alpha/share/\(bId)", token: token)
            #expect(unshare.status == 204)
            #expect(unshare.bytes.isEmpty)

            let deleted = try await server.request("DELETE", "/api/v4/groups/alpha", token: token)
            #expect(deleted.status == 202, "\(deleted)")
            #expect(deleted.text == #"{"message":"202 Accepted"}"#)
            let restored = try await server.request("POST", "/api/v4/groups/\(alphaId)/restore", token: token)
            #expect(restored.status == 201, "\(restored)")
            #expect(restored.json?["marked_for_deletion_on"] == .null)
        }
    }

    @Test("Rails-style arrays and hashes: skip_groups[], allowed_to_push[][access_level], comma lists")
    func railsParams() async throws {
        try await withServer { server in
            let token = try server.token()
            var ids: [Int64] = []
            for name in ["one", "two", "three"] {
                let r = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": .string(name), "path": .string(name)]))
                ids.append(try #require(r.json?["id"]?.intValue))
            }
            let skipped = try await server.request("GET", "/api/v4/groups?skip_groups%5B%5D=\(ids[0])&skip_groups%5B%5D=\(ids[1])", token: token)
            #expect(skipped.status == 200, "\(skipped)")
            #expect(skipped.json?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["three"])
            let commas = try await server.request("GET", "/api/v4/groups?skip_groups=\(ids[0]),\(ids[2])", token: token)
            #expect(commas.json?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["two"])

            let branch = try await server.request("POST", "/api/v4/groups/one/protected_branches", token: token,
                                                  body: .form("name=main&allowed_to_push[][access_level]=30&allowed_to_push[][access_level]=40&allow_force_push=true"))
            #expect(branch.status == 201, "\(branch)")
            let levels = branch.json?["push_access_levels"]?.arrayValue?.compactMap { $0["access_level"]?.intValue } ?? []
            #expect(Set(levels).isSuperset(of: [30, 40]), "\(branch)")
            #expect(branch.json?["allow_force_push"] == true)

            let encodedName = try await server.request("GET", "/api/v4/groups/one/protected_branches/main", token: token)
            #expect(encodedName.status == 200, "\(encodedName)")
        }
    }

    @Test("custom_attributes[key]=value reaches the core as a hash")
    func hashParams() async throws {
        try await withServer { server in
            let token = try server.token()
            _ = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Alpha", "path": "alpha"]))
            _ = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Beta", "path": "beta"]))
            let set = try await server.request("PUT", "/api/v4/groups/alpha/custom_attributes/team", token: token, body: .form("value=red"))
            #expect(set.status == 200, "\(set)")
            let filtered = try await server.request("GET", "/api/v4/groups?custom_attributes[team]=red", token: token)
            #expect(filtered.status == 200, "\(filtered)")
            #expect(filtered.json?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["alpha"])
        }
    }

    @Test("multipart avatar upload, then the avatar download")
    func avatarUpload() async throws {
        try await withServer { server in
            let token = try server.token()
            _ = try await server.request("POST", "/api/v4/groups", token: token, body: .json(["name": "Alpha", "path": "alpha"]))
            // A 1x1 PNG.
            let png: [UInt8] = Array(Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!)
            let boundary = "grove-boundary-42"
            var body: [UInt8] = []
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nwith an avatar\r\n".utf8)
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            body += png
            body += Array("\r\n--\(boundary)--\r\n".utf8)
            let updated = try await server.request("PUT", "/api/v4/groups/alpha", token: token, body: .raw(contentType: "multipart/form-data; boundary=\(boundary)", bytes: body))
            #expect(updated.status == 200, "\(updated)")
            #expect(updated.json?["description"] == "with an avatar")
            #expect(updated.json?["avatar_url"]?.stringValue?.hasSuffix("logo.png") == true, "\(updated)")
            let avatar = try await server.request("GET", "/api/v4/groups/alpha/avatar", token: token)
            #expect(avatar.status == 200)
            #expect(avatar.bytes == png)
            #expect(avatar.header("Content-Disposition")?.contains("logo.png") == true)
        }
    }

    @Test("GET /user and GET /version")
    func userAndVersion() async throws {
        try await withServer { server in
            let token = try server.token()
            let user = try await server.request("GET", "/api/v4/user", token: token)
            #expect(user.status == 200, "\(user)")
            #expect(user.json?["username"] == "root")
            let version = try await server.request("GET", "/api/v4/version", token: token)
            #expect(version.status == 200)
            #expect(version.json?["version"]?.stringValue == GroveVersion.version)
            let anonymous = try await server.request("GET", "/api/v4/user")
            #expect(anonymous.status == 401)
            #expect(anonymous.text == #"{"message":"401 Unauthorized"}"#)
        }
    }
}
