import GroveFormats
/// One item of `allowed_to_push` / `allowed_to_merge` / `allowed_to_unprotect`, checked as
/// Grape checks the nested params: `{access_level}`, `{user_id}`, `{group_id}`, with `id`
/// to change an entry and `_destroy: true` to remove it.
struct BranchAccessEntryParam {
    var id: Int64?
    var destroy: Bool
    var accessLevel: Int64?
    var userId: Int64?
    var groupId: Int64?

    var target: (accessLevel: Int64?, userId: Int64?, groupId: Int64?) { (accessLevel, userId, groupId) }
    var givesTarget: Bool { accessLevel != nil || userId != nil || groupId != nil }

    static func parse(_ value: JSONValue?, kind: BranchAccessKind) throws -> [BranchAccessEntryParam] {
        guard let items = value?.arrayValue else { return [] }
        var out: [BranchAccessEntryParam] = []
        for (index, item) in items.enumerated() {
            let o = item.objectValue ?? JSONObject()
            let field = { (name: String) in "\(kind.param)[\(index)][\(name)]" }
            func integer(_ name: String) throws -> Int64? {
                guard let v = o[name], !v.isNull else { return nil }
                guard let i = ParamParser.integer(v) else { throw APIError.grape("\(field(name)) is invalid") }
                return i
            }
            var entry = BranchAccessEntryParam(id: try integer("id"), destroy: false, accessLevel: try integer("access_level"),
                                               userId: try integer("user_id"), groupId: try integer("group_id"))
            if let d = o["_destroy"], !d.isNull {
                guard let b = ParamParser.boolean(d) else { throw APIError.grape("\(field("_destroy")) is invalid") }
                entry.destroy = b
            }
            if let level = entry.accessLevel, !BranchAccessEntry.allowedLevels.contains(level) {
                let allowed = BranchAccessEntry.allowedLevels.map(String.init).joined(separator: ", ")
                throw APIError.grape("\(field("access_level")) does not have a valid value (allowed values: \(allowed))")
            }
            let given = [entry.accessLevel, entry.userId, entry.groupId].compactMap { $0 }.count
            let names = ["access_level", "user_id", "group_id"].map(field).joined(separator: ", ")
            if given > 1 { throw APIError.grape("\(names) are mutually exclusive") }
            if given == 0 && entry.id == nil { throw APIError.grape("\(names) are missing, exactly one parameter must be provided") }
            out.append(entry)
        }
        return out
    }
}
