import GroveFormats
/// Typed views of the group answers; field names are the REST attribute names, and `json`
/// keeps the whole seed-shaped body (in the seed's order) for anything not lifted out.

public struct GroupSummary: JSONRepresentable, Sendable {
    public let json: JSONValue
    public var id: Int64 { json["id"]?.intValue ?? 0 }
    public var name: String { json["name"]?.stringValue ?? "" }
    public var path: String { json["path"]?.stringValue ?? "" }
    public var description: String { json["description"]?.stringValue ?? "" }
    public var visibility: String { json["visibility"]?.stringValue ?? "" }
    public var full_name: String { json["full_name"]?.stringValue ?? "" }
    public var full_path: String { json["full_path"]?.stringValue ?? "" }
    public var parent_id: Int64? { json["parent_id"]?.intValue }
    public var web_url: String { json["web_url"]?.stringValue ?? "" }
    public var created_at: String { json["created_at"]?.stringValue ?? "" }
    public var marked_for_deletion_on: String? { json["marked_for_deletion_on"]?.stringValue }

    public init(json: JSONValue) { self.json = json }
}

public struct SharedWithGroup: Sendable {
    public let group_id: Int64
    public let group_name: String
    public let group_full_path: String
    public let group_access_level: Int64
    public let expires_at: String?
}

public struct GroupDetail: JSONRepresentable, Sendable {
    public let json: JSONValue
    public var summary: GroupSummary { GroupSummary(json: json) }
    public var id: Int64 { summary.id }
    public var full_path: String { summary.full_path }
    public var visibility: String { summary.visibility }
    public var parent_id: Int64? { summary.parent_id }
    /// Present for owners and administrators only.
    public var runners_token: String? { json["runners_token"]?.stringValue }
    public var shared_with_groups: [SharedWithGroup] {
        (json["shared_with_groups"]?.arrayValue ?? []).map {
            SharedWithGroup(group_id: $0["group_id"]?.intValue ?? 0, group_name: $0["group_name"]?.stringValue ?? "",
                            group_full_path: $0["group_full_path"]?.stringValue ?? "", group_access_level: $0["group_access_level"]?.intValue ?? 0,
                            expires_at: $0["expires_at"]?.stringValue)
        }
    }
    /// Paths with namespace of the group's projects (at most 100), when requested.
    public var projects: [String] { (json["projects"]?.arrayValue ?? []).compactMap { $0["path_with_namespace"]?.stringValue } }

    public init(json: JSONValue) { self.json = json }
}
