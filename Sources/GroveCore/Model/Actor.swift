/// Who runs an operation. Admin-ness is never claimed by the caller: it comes from the
/// user row, so a Lua script or REST token can only name a user.
public enum Actor: Sendable, Equatable, CustomStringConvertible {
    case anonymous
    case user(id: Int64)
    case username(String)

    /// The administrator created by the first migration.
    public static let root = Actor.username("root")

    public var description: String {
        switch self {
        case .anonymous: return "anonymous"
        case .user(let id): return "user #\(id)"
        case .username(let name): return "@\(name)"
        }
    }
}

/// The resolved caller of one operation.
struct Caller {
    let user: UserRecord?

    var isAnonymous: Bool { user == nil }
    var isAdmin: Bool { user?.isAdmin ?? false }
    var isExternal: Bool { user?.external ?? false }
    var id: Int64? { user?.id }
    var username: String { user?.username ?? "anonymous" }
}
