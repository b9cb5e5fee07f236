import Testing
@testable import GroveCore

@Suite("groups.list, subgroups, descendant_groups")
struct GroupListTests {
    @Test func whoSeesWhat() throws {
        let f = try Fixture()
        let pub = try f.group("pub", visibility: "public")
        let int = try f.group("int", visibility: "internal")
        let priv = try f.group("priv")
        try f.add("alice", to: priv, level: AccessLevel.developer)
        #expect(try f.body("groups.list", [:], as: .anonymous).ids == [pub])
        // Authenticated, default: only groups they belong to.
        #expect(try f.body("groups.list", [:], as: f.user("alice")).ids == [priv])
        #expect(Set(try f.body("groups.list", ["all_available": true], as: f.user("alice")).ids) == [pub, int, priv])
        #expect(Set(try f.body("groups.list", ["all_available": true], as: f.user("ext")).ids) == [pub])
        // Admins default to everything.
        #expect(Set(try f.body("groups.list", [:]).ids) == [pub, int, priv])
    }

    @Test func filtersAndOrders() throws {
        let f = try Fixture()
        let a = try f.group("alpha", visibility: "public")
        let b = try f.group("beta", visibility: "internal")
        let c = try f.group("gamma", parent: a, visibility: "public")
        #expect(try f.body("groups.list", ["search": "ALP"]).ids == [a])
        #expect(try f.body("groups.list", ["visibility": "internal"]).ids == [b])
        #expect(try f.body("groups.list", ["top_level_only": true]).ids == [a, b])
        #expect(try f.body("groups.list", ["skip_groups": [.int(a)]]).ids == [b, c])
        #expect(try f.body("groups.list", ["skip_groups[]": .string("1,\(a)")]).ids == [b, c])
        #expect(try f.body("groups.list", ["order_by": "id", "sort": "desc"]).ids == [c, b, a])
        #expect(try f.body("groups.list", ["order_by": "similarity", "search": "a"]).ids.count == 3)
        #expect(f.error("groups.list", ["order_by": "size"])?.json == .object([("error", "order_by does not have a valid value")]))
    }

    @Test func ownedAndMinAccessLevel() throws {
        let f = try Fixture()
        let a = try f.group("alpha", as: f.user("alice"))
        let sub = try f.group("sub", parent: a, as: f.user("alice"))
        let b = try f.group("beta")
        try f.add("alice", to: b, level: AccessLevel.reporter)
        #expect(try f.body("groups.list", ["owned": true], as: f.user("alice")).ids == [a, sub])
        #expect(Set(try f.body("groups.list", ["min_access_level": 20], as: f.user("alice")).ids) == [a, b, sub])
        #expect(Set(try f.body("groups.list", ["min_access_level": 30], as: f.user("alice")).ids) == [a, sub])
        #expect(f.error("groups.list", ["min_access_level": 35], as: f.user("alice"))?.json == .object([("error", "min_access_level does not have a valid value")]))
    }

    @Test func offsetPaginationWithTotals() throws {
        let f = try Fixture()
        for i in 0..<25 { try f.group(String(format: "g%02d", i), visibility: "public") }
        let first = try f.run("groups.list", ["per_page": 10])
        #expect(first.page == PageInfo(page: 1, perPage: 10, total: 25, totalPages: 3, nextPage: 2, prevPage: nil))
        let last = try f.run("groups.list", ["per_page": 10, "page": 3])
        #expect(last.body?.arrayValue?.count == 5)
        #expect(last.page?.nextPage == nil && last.page?.prevPage == 2)
        #expect(try f.run("groups.list", [:]).page?.perPage == 20)
        #expect(try f.run("groups.list", ["per_page": 500]).page?.perPage == 100)
        #expect(f.error("groups.list", ["per_page": 0])?.json == .object([("error", "per_page has a value not allowed")]))
        #expect(f.error("groups.list", ["per_page": -1])?.json == .object([("error", "per_page does not have a valid value")]))
        #expect(f.error("groups.list", ["page": 0])?.json == .object([("error", "page does not have a valid value")]))
    }

    @Test("a page past every row is an empty page with correct totals, not an overflow (page=10^18)")
    func pageFarBeyondTheLastDoesNotOverflow() throws {
        let f = try Fixture()
        let g = try f.group("gg")
        for i in 0..<3 { try f.project("p\(i)", in: g) }
        let huge: Int64 = 1_000_000_000_000_000_000
        let r = try f.run("groups.projects", ["id": .int(g), "page": .int(huge), "per_page": 100])
        #expect(r.body?.arrayValue?.isEmpty == true)
        #expect(r.page == PageInfo(page: huge, perPage: 100, total: 3, totalPages: 1, nextPage: nil, prevPage: huge - 1))
        let max = try f.run("groups.list", ["page": .int(Int64.max), "per_page": 100])
        #expect(max.body?.arrayValue?.isEmpty == true && max.page?.total == 1)
        // The anonymous offset limit is checked without overflowing too.
        #expect(f.error("groups.list", ["page": .int(huge), "per_page": 100], as: .anonymous)?.status == 405)
        #expect(Paginator.rowsBefore(page: huge, perPage: 100) == Int64.max)
        #expect(Paginator.rowsBefore(page: 3, perPage: 20) == 40)
        let clamped = Paginator.pageAndSize(Params(["page": 0, "per_page": 1000]))
        #expect(clamped.page == 1 && clamped.perPage == 100)
    }

    @Test func keysetPaginationForAnonymous() throws {
        let f = try Fixture()
        for i in 0..<5 { try f.group("k\(i)", visibility: "public") }
        var cursor: String?
        var seen: [String] = []
        repeat {
            var params: JSONObject = ["pagination": "keyset", "per_page": 2]
            if let cursor { params["cursor"] = .string(cursor) }
            let r = try f.run("groups.list", params, as: .anonymous)
            seen += r.body!.arrayValue!.map { $0["path"]!.stringValue! }
            #expect(r.page?.total == nil)
            cursor = r.page?.nextCursor
        } while cursor != nil
        #expect(seen == ["k0", "k1", "k2", "k3", "k4"])
        let e = f.error("groups.list", ["pagination": "keyset", "order_by": "id"], as: .anonymous)
        #expect(e?.status == 405)
        #expect(e?.json == .object([("error", "Keyset pagination is not yet available for this type of request")]))
        #expect(f.error("groups.list", ["page": 600, "per_page": 100], as: .anonymous)?.status == 405)
    }

    @Test func statisticsAndCustomAttributesForAdmins() throws {
        let f = try Fixture()
        let g = try f.group("alpha", visibility: "public")
        let p = try f.project("web", in: g, visibility: "public")
        try f.run("projects.update", ["id": .int(p), "repository_size": 33, "wiki_size": 100])
        try f.run("groups.custom_attributes.set", ["id": .int(g), "key": "tier", "value": "gold"])
        let admin = try f.body("groups.list", ["statistics": true, "with_custom_attributes": true]).arrayValue![0]
        #expect(admin["statistics"]?["storage_size"] == 133)
        #expect(admin["statistics"]?["repository_size"] == 33)
        #expect(admin["custom_attributes"] == [["key": "tier", "value": "gold"]])
        let user = try f.body("groups.list", ["statistics": true, "all_available": true], as: f.user("alice")).arrayValue![0]
        #expect(user["statistics"] == nil)
        #expect(try f.body("groups.list", ["custom_attributes[tier]": "gold"]).ids == [g])
        #expect(try f.body("groups.list", ["custom_attributes": ["tier": "silver"]]).ids == [])
    }

    @Test func listShapeFollowsSeedOrder() throws {
        let f = try Fixture()
        try f.group("alpha", visibility: "public")
        let item = try f.body("groups.list", [:], as: .anonymous).arrayValue![0]
        let expected = ["id", "name", "path", "description", "visibility", "share_with_group_lock", "require_two_factor_authentication",
                        "two_factor_grace_period", "project_creation_level", "auto_devops_enabled", "subgroup_creation_level",
                        "emails_disabled", "emails_enabled", "mentions_disabled", "lfs_enabled", "default_branch",
                        "default_branch_protection", "default_branch_protection_defaults", "avatar_url", "web_url",
                        "request_access_enabled", "repository_storage", "full_name", "full_path", "file_template_project_id",
                        "parent_id", "created_at", "ip_restriction_ranges"]
        #expect(Array(item.keys.prefix(expected.count)) == expected)
    }

    @Test func subgroupsAndDescendants() throws {
        let f = try Fixture()
        let root = try f.group("root1", visibility: "public")
        let a = try f.group("aa", parent: root, visibility: "public")
        let b = try f.group("bb", parent: root)
        let a1 = try f.group("aa1", parent: a, visibility: "public")
        #expect(try f.body("groups.subgroups", ["id": .int(root)]).ids == [a, b])
        #expect(try f.body("groups.descendant_groups", ["id": .int(root)]).ids == [a, a1, b])
        #expect(try f.body("groups.descendant_groups", ["id": .int(root)], as: .anonymous).ids == [a, a1])
        #expect(try f.body("groups.descendant_groups", ["id": "root1", "search": "aa1"]).ids == [a1])
        #expect(f.error("groups.subgroups", ["id": .int(b)], as: .anonymous) == APIError.notFound("Group"))
    }
}
