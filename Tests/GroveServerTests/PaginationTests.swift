import Foundation
import GroveCore
import Testing

@Suite("Pagination headers")
struct PaginationTests {
    /// `<url>; rel="next", ...` → ["next": url]
    static func links(_ header: String?) -> [String: String] {
        var out: [String: String] = [:]
        for item in (header ?? "").components(separatedBy: ", ") {
            guard let open = item.firstIndex(of: "<"), let close = item.firstIndex(of: ">"),
                  let relRange = item.range(of: "rel=\"") else { continue }
            let rel = item[relRange.upperBound...].dropLast()
            out[String(rel)] = String(item[item.index(after: open)..<close])
        }
        return out
    }

    @Test("offset: X-Page, X-Per-Page, X-Total, X-Total-Pages, X-Next-Page, X-Prev-Page and Link with every parameter")
    func offset() async throws {
        try await withServer { server in
            let token = try server.token()
            try server.store.transaction {
                for i in 1...25 { _ = try server.store.perform("groups.create", params: ["name": .string("G\(i)"), "path": .string("g\(i)")], as: .root) }
            }
            let page = try await server.request("GET", "/api/v4/groups?per_page=10&page=2&order_by=path&search=g", token: token)
            #expect(page.status == 200, "\(page)")
            #expect(page.json?.arrayValue?.count == 10)
            #expect(page.header("X-Page") == "2")
            #expect(page.header("X-Per-Page") == "10")
            #expect(page.header("X-Total") == "25")
            #expect(page.header("X-Total-Pages") == "3")
            #expect(page.header("X-Next-Page") == "3")
            #expect(page.header("X-Prev-Page") == "1")
            let links = Self.links(page.header("Link"))
            #expect(Set(links.keys) == ["prev", "next", "first", "last"], "\(page.header("Link") ?? "")")
            #expect(links["next"] == "\(server.baseURL)/api/v4/groups?order_by=path&search=g&page=3&per_page=10")
            #expect(links["last"]?.contains("page=3") == true)
            #expect(links["first"]?.contains("page=1") == true)

            let last = try await server.request("GET", try #require(links["last"]), token: token)
            #expect(last.json?.arrayValue?.count == 5)
            #expect(last.header("X-Next-Page") == "")
            #expect(Self.links(last.header("Link"))["next"] == nil)

            // per_page above 100 is clamped; 0 is refused as Grape does.
            let clamped = try await server.request("GET", "/api/v4/groups?per_page=500", token: token)
            #expect(clamped.header("X-Per-Page") == "100")
            let zero = try await server.request("GET", "/api/v4/groups?per_page=0", token: token)
            #expect(zero.status == 400)
            #expect(zero.text == #"{"error":"per_page has a value not allowed"}"#)
        }
    }

    @Test("credentials never appear in Link URLs")
    func noTokenInLinks() async throws {
        try await withServer { server in
            let token = try server.token()
            try server.store.transaction {
                for i in 1...3 { _ = try server.store.perform("groups.create", params: ["name": .string("G\(i)"), "path": .string("g\(i)")], as: .root) }
            }
            let page = try await server.request("GET", "/api/v4/groups?per_page=1&private_token=\(token)")
            #expect(page.status == 200)
            #expect(page.header("Link")?.contains(token) == false)
            #expect(page.header("Link")?.contains("private_token") == false)
        }
    }

    @Test("keyset: pagination=keyset answers a Link rel=next with the cursor until the last page")
    func keyset() async throws {
        try await withServer { server in
            try server.store.transaction {
                for i in 1...7 {
                    _ = try server.store.perform("groups.create", params: ["name": .string("K\(i)"), "path": .string("k\(i)"), "visibility": "public"], as: .root)
                }
            }
            var url: String? = "/api/v4/groups?pagination=keyset&per_page=3&order_by=name&sort=asc"
            var seen: [String] = []
            var pages = 0
            while let next = url, pages < 10 {
                let page = try await server.request("GET", next)
                #expect(page.status == 200, "\(page)")
                #expect(page.header("X-Total") == nil)
                seen += page.json?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
                url = Self.links(page.header("Link"))["next"]
                if let url { #expect(url.contains("cursor=")) }
                pages += 1
            }
            #expect(seen == (1...7).map { "k\($0)" })
            #expect(pages == 3)
        }
    }

    @Test("page=1000000000000000000 answers an empty page with its headers; the server keeps serving")
    func pageBeyondEveryRow() async throws {
        try await withServer { server in
            let token = try server.token()
            let group = try server.store.perform("groups.create", params: ["name": "Big", "path": "big"], as: .root).body?["id"]?.intValue
            let id = try #require(group)
            _ = try server.store.perform("projects.create", params: ["name": "p1", "path": "p1", "namespace_id": .int(id)], as: .root)
            let page = try await server.request("GET", "/api/v4/groups/\(id)/projects?page=1000000000000000000", token: token)
            #expect(page.status == 200, "\(page)")
            #expect(page.json?.arrayValue?.isEmpty == true)
            #expect(page.header("X-Page") == "1000000000000000000")
            #expect(page.header("X-Total") == "1")
            #expect(page.header("X-Total-Pages") == "1")
            #expect(page.header("X-Next-Page") == "")
            let again = try await server.request("GET", "/api/v4/groups/\(id)/projects", token: token)
            #expect(again.status == 200)
            #expect(again.json?.arrayValue?.count == 1)
        }
    }
}
