import Foundation
import GroveFormats
import GRDB

/// Everything one running operation needs: the open database, the resolved caller, the
/// clock and the caller's access (computed once, on first use).
final class OperationContext {
    let store: GroveStore
    let db: Database
    let caller: Caller
    let now: Int64
    private var cachedAccess: AccessGrants?
    private var cachedSettings: InstanceSettings?

    init(store: GroveStore, db: Database, actor: Actor, mutating: Bool) throws {
        self.store = store
        self.db = db
        self.now = Timestamp.millis(store.now())
        switch actor {
        case .anonymous:
            caller = Caller(user: nil)
        case .user(let id):
            guard let user = try UserRecord.find(db, id: id), user.state == "active" else { throw APIError.unauthorized }
            caller = Caller(user: user)
        case .username(let name):
            guard let user = try UserRecord.find(db, username: name), user.state == "active" else { throw APIError.unauthorized }
            caller = Caller(user: user)
        }
        // lib/api/groups.rb: authenticate_non_get!
        if mutating && caller.isAnonymous { throw APIError.unauthorized }
    }

    /// The caller's roles. Administrators pass every check without them, so their
    /// memberships (one per group they created) are loaded only for membership filters.
    var access: AccessGrants {
        get throws {
            if caller.isAdmin { return AccessGrants(caller: caller, grants: []) }
            return try memberAccess
        }
    }

    /// The caller's roles from memberships and shares, also for administrators
    /// (`owned`, `min_access_level`). A failed read is an error, never "no roles".
    var memberAccess: AccessGrants {
        get throws {
            if let cachedAccess { return cachedAccess }
            let grants = try AccessGrants.load(db, caller: caller, today: today)
            cachedAccess = grants
            return grants
        }
    }

    /// Membership changed during this operation (creator became owner ...): recompute.
    func invalidateAccess() { cachedAccess = nil }

    /// A failed read is an error, not the defaults: defaults would loosen restricted
    /// visibility levels and the retention period.
    var settings: InstanceSettings {
        get throws {
            if let cachedSettings { return cachedSettings }
            let s = try InstanceSettings.load(db)
            cachedSettings = s
            return s
        }
    }

    var today: String { Timestamp.day(now) }

    func audit(_ action: String, _ targetType: String, id: Int64?, path: String?, changes: [AuditEvent.Change] = []) throws {
        try AuditLog.record(db, caller: caller, now: now, action: action, targetType: targetType, targetId: id, targetPath: path, changes: changes)
    }

    /// `find_group!`: an all-digits reference is an id, anything else a full path;
    /// missing or unreadable → 404 Group Not Found.
    func findGroup(_ ref: JSONValue?) throws -> GroupRecord {
        guard let ref, let group = try lookupGroup(ref), try access.canRead(group) else { throw APIError.notFound("Group") }
        return group
    }

    func lookupGroup(_ ref: JSONValue) throws -> GroupRecord? {
        if let id = ref.intValue { return try GroupRecord.find(db, id: id) }
        if let s = ref.stringValue {
            if let id = Int64(s) { return try GroupRecord.find(db, id: id) }
            return try GroupRecord.find(db, fullPath: PercentEncoding.decode(s))
        }
        return nil
    }

    func requireAdmin() throws {
        guard caller.isAdmin else { throw APIError.forbidden() }
    }
}
