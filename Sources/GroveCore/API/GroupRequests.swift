import GroveFormats
/// Typed requests of the group operations; field names are the REST attribute names.
/// `extra` carries any other attribute of the seed (checked like all parameters).

public struct ListGroupsRequest: APIRequest {
    public static let operation = "groups.list"
    public var search: String?
    public var all_available: Bool?
    public var owned: Bool?
    public var min_access_level: Int64?
    public var top_level_only: Bool?
    public var visibility: String?
    public var order_by: String?
    public var sort: String?
    public var page: Int64?
    public var per_page: Int64?
    public var extra: JSONObject = JSONObject()

    public init(search: String? = nil, all_available: Bool? = nil, owned: Bool? = nil, min_access_level: Int64? = nil,
                top_level_only: Bool? = nil, visibility: String? = nil, order_by: String? = nil, sort: String? = nil,
                page: Int64? = nil, per_page: Int64? = nil, extra: JSONObject = JSONObject()) {
        self.search = search; self.all_available = all_available; self.owned = owned; self.min_access_level = min_access_level
        self.top_level_only = top_level_only; self.visibility = visibility; self.order_by = order_by; self.sort = sort
        self.page = page; self.per_page = per_page; self.extra = extra
    }

    public var params: JSONObject {
        var o = extra
        o["search"] = search.map { .string($0) }
        o["all_available"] = all_available.map { .bool($0) }
        o["owned"] = owned.map { .bool($0) }
        o["min_access_level"] = min_access_level.map { .int($0) }
        o["top_level_only"] = top_level_only.map { .bool($0) }
        o["visibility"] = visibility.map { .string($0) }
        o["order_by"] = order_by.map { .string($0) }
        o["sort"] = sort.map { .string($0) }
        o["page"] = page.map { .int($0) }
        o["per_page"] = per_page.map { .int($0) }
        return o
    }

    public func decode(_ result: OperationResult) throws -> Page<GroupSummary> {
        Page(items: (result.body?.arrayValue ?? []).map(GroupSummary.init(json:)), page: result.page)
    }
}

public struct GetGroupRequest: APIRequest {
    public static let operation = "groups.get"
    public var id: GroupRef
    public var with_projects: Bool = true
    public var with_custom_attributes: Bool = false

    public init(id: GroupRef, with_projects: Bool = true, with_custom_attributes: Bool = false) {
        self.id = id; self.with_projects = with_projects; self.with_custom_attributes = with_custom_attributes
    }

    public var params: JSONObject { ["id": id.json, "with_projects": .bool(with_projects), "with_custom_attributes": .bool(with_custom_attributes)] }
    public func decode(_ result: OperationResult) throws -> GroupDetail { GroupDetail(json: result.body ?? .null) }
}

public struct CreateGroupRequest: APIRequest {
    public static let operation = "groups.create"
    public var name: String
    public var path: String
    public var parent_id: GroupRef?
    public var visibility: String?
    public var description: String?
    public var extra: JSONObject = JSONObject()

    public init(name: String, path: String, parent_id: GroupRef? = nil, visibility: String? = nil, description: String? = nil, extra: JSONObject = JSONObject()) {
        self.name = name; self.path = path; self.parent_id = parent_id; self.visibility = visibility; self.description = description; self.extra = extra
    }

    public var params: JSONObject {
        var o: JSONObject = ["name": .string(name), "path": .string(path)]
        o["parent_id"] = parent_id?.json
        o["visibility"] = visibility.map { .string($0) }
        o["description"] = description.map { .string($0) }
        for (k, v) in extra { o[k] = v }
        return o
    }
    public func decode(_ result: OperationResult) throws -> GroupDetail { GroupDetail(json: result.body ?? .null) }
}

public struct UpdateGroupRequest: APIRequest {
    public static let operation = "groups.update"
    public var id: GroupRef
    public var name: String?
    public var path: String?
    public var visibility: String?
    public var description: String?
    public var extra: JSONObject = JSONObject()

    public init(id: GroupRef, name: String? = nil, path: String? = nil, visibility: String? = nil, description: String? = nil, extra: JSONObject = JSONObject()) {
        self.id = id; self.name = name; self.path = path; self.visibility = visibility; self.description = description; self.extra = extra
    }

    public var params: JSONObject {
        var o: JSONObject = ["id": id.json]
        o["name"] = name.map { .string($0) }
        o["path"] = path.map { .string($0) }
        o["visibility"] = visibility.map { .string($0) }
        o["description"] = description.map { .string($0) }
        for (k, v) in extra { o[k] = v }
        return o
    }
    public func decode(_ result: OperationResult) throws -> GroupDetail { GroupDetail(json: result.body ?? .null) }
}

public struct TransferGroupRequest: APIRequest {
    public static let operation = "groups.transfer"
    public var id: GroupRef
    public var group_id: GroupRef?
    public var params: JSONObject { var o: JSONObject = ["id": id.json]; o["group_id"] = group_id?.json; return o }
    public func decode(_ result: OperationResult) throws -> GroupDetail { GroupDetail(json: result.body ?? .null) }
}

public struct DeleteGroupRequest: APIRequest {
    public static let operation = "groups.delete"
    public var id: GroupRef
    public var permanently_remove: Bool = false
    public var full_path: String?
    public var params: JSONObject {
        var o: JSONObject = ["id": id.json]
        if permanently_remove { o["permanently_remove"] = true }
        o["full_path"] = full_path.map { .string($0) }
        return o
    }
    public func decode(_ result: OperationResult) throws {}
}

public struct RestoreGroupRequest: APIRequest {
    public static let operation = "groups.restore"
    public var id: GroupRef
    public var params: JSONObject { ["id": id.json] }
    public func decode(_ result: OperationResult) throws -> GroupDetail { GroupDetail(json: result.body ?? .null) }
}

public struct ShareGroupRequest: APIRequest {
    public static let operation = "groups.share"
    public var id: GroupRef
    public var group_id: GroupRef
    public var group_access: Int64
    public var expires_at: String?
    public var params: JSONObject {
        var o: JSONObject = ["id": id.json, "group_id": group_id.json, "group_access": .int(group_access)]
        o["expires_at"] = expires_at.map { .string($0) }
        return o
    }
    public func decode(_ result: OperationResult) throws -> GroupDetail { GroupDetail(json: result.body ?? .null) }
}
