import GroveFormats
import GRDB

/// The records of one import (`GroupImportService`), written in one transaction: a
/// failing record leaves the store as it was.
public final class GroveImport {
    let service: GroupImportService
    init(_ service: GroupImportService) { self.service = service }

    public func user(_ record: JSONValue) throws { try service.user(record) }
    public func group(_ record: JSONValue) throws { try service.group(record) }
    public func members(ofGroup id: Int64, _ records: [JSONValue]) throws { try service.members(ofGroup: id, records) }
    /// Answers the paths of the groups shared with that are not in the store.
    public func shares(ofGroup id: Int64, _ records: [JSONValue]) throws -> [String] { try service.shares(ofGroup: id, records) }
    public func protectedBranches(ofGroup id: Int64, _ records: [JSONValue]) throws { try service.protectedBranches(ofGroup: id, records) }
    public func pushRule(ofGroup id: Int64, _ record: JSONValue?) throws { try service.pushRule(ofGroup: id, record) }
    public func hooks(ofGroup id: Int64, _ records: [JSONValue]) throws { try service.hooks(ofGroup: id, records) }
    public func ldapLinks(ofGroup id: Int64, _ records: [JSONValue]) throws { try service.ldapLinks(ofGroup: id, records) }
    public func samlLinks(ofGroup id: Int64, _ records: [JSONValue]) throws { try service.samlLinks(ofGroup: id, records) }
    public func projects(ofGroup id: Int64, _ records: [JSONValue]) throws { try service.projects(ofGroup: id, records) }
    public func serviceAccounts(ofGroup id: Int64, _ accounts: [(account: JSONValue, tokens: [JSONValue])]) throws {
        try service.serviceAccounts(ofGroup: id, accounts)
    }
    /// Removes the groups below `id` not in `keeping`; answers their paths.
    public func removeDescendants(of id: Int64, keeping: Set<Int64>) throws -> [String] { try service.removeDescendants(of: id, keeping: keeping) }
    /// An audit event for the import, on the group it concerns.
    public func record(_ action: String, groupId: Int64, path: String) throws {
        try service.ctx.audit(action, "Group", id: groupId, path: path)
    }
}

extension GroveStore {
    /// Imports records with their own ids, as `actor` (an administrator), in one transaction.
    public func importRecords<T>(as actor: Actor, _ body: (GroveImport) throws -> T) throws -> T {
        try write { db in
            let ctx = try OperationContext(store: self, db: db, actor: actor, mutating: true)
            return try body(GroveImport(try GroupImportService(ctx)))
        }
    }
}
