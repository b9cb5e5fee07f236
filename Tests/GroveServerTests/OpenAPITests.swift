import Foundation
import GroveCore
import GroveServer
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("GET /api/v4/openapi.json lists exactly the routes the server answers, each reachable")
    func inStepWithRoutes() async throws {
        try await withServer { server in
            let reply = try await server.request("GET", "/api/v4/openapi.json")
            #expect(reply.status == 200)
            let document = try #require(reply.json)
            #expect(document["openapi"]?.stringValue?.hasPrefix("3.") == true)
            let paths = try #require(document["paths"]?.objectValue)

            var documented: Set<String> = []
            for (path, item) in paths {
                for (method, operation) in item.objectValue ?? JSONObject() {
                    documented.insert("\(method.uppercased()) \(path)")
                    #expect(operation["operationId"]?.stringValue != nil)
                    #expect(operation["responses"]?.objectValue?.isEmpty == false)
                }
            }
            // Every descriptor of the core's registry, plus the server's own routes.
            let expected = Set(server.store.registry.descriptors.map { "\($0.method) \(OpenAPIDocument.openAPIPath("/api/v4" + $0.path))" }
                               + RouteTable.serverRoutes.map { "\($0.method) \(OpenAPIDocument.openAPIPath("/api/v4" + $0.path))" })
            #expect(documented == expected)

            // Each documented route is routed: whatever it answers, it is not the unknown-route 404.
            let token = try server.token()
            for entry in documented.sorted() {
                let parts = entry.split(separator: " ", maxSplits: 1)
                let path = parts[1].replacingOccurrences(of: #"\{[a-z_]+\}"#, with: "1", options: .regularExpression)
                let answer = try await server.request(String(parts[0]), path, token: token)
                #expect(answer.text != #"{"error":"404 Not Found"}"#, "\(entry) is documented but not routed")
                #expect(answer.status < 500, "\(entry): \(answer)")
            }
        }
    }

    @Test("parameters carry the descriptors' types, locations and required flags")
    func parameters() async throws {
        let store = try GroveStore.inMemory()
        let document = OpenAPIDocument.build(RouteTable.entries(store.registry), registry: store.registry)
        let create = try #require(document["paths"]?["/api/v4/groups"]?["post"])
        #expect(create["operationId"] == "groups.create")
        let schema = try #require(create["requestBody"]?["content"]?["application/json"]?["schema"])
        #expect(schema["required"]?.arrayValue?.contains("name") == true)
        #expect(schema["properties"]?["visibility"]?["enum"]?.arrayValue?.contains("internal") == true)
        #expect(create["responses"]?["201"] != nil)
        let get = try #require(document["paths"]?["/api/v4/groups/{id}"]?["get"])
        let id = get["parameters"]?.arrayValue?.first { $0["name"] == "id" }
        #expect(id?["in"] == "path")
        #expect(id?["required"] == true)
        let list = try #require(document["paths"]?["/api/v4/groups"]?["get"])
        #expect(list["parameters"]?.arrayValue?.contains { $0["name"] == "per_page" && $0["in"] == "query" } == true)
        #expect(list["responses"]?["200"]?["headers"]?["X-Total"] != nil)
    }
}
