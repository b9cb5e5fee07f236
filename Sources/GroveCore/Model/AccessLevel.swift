/// GitLab's roles (`lib/gitlab/access.rb`).
public enum AccessLevel {
    public static let noAccess: Int64 = 0
    public static let minimal: Int64 = 5
    public static let guest: Int64 = 10
    public static let planner: Int64 = 15
    public static let reporter: Int64 = 20
    public static let developer: Int64 = 30
    public static let maintainer: Int64 = 40
    public static let owner: Int64 = 50
    /// Instance administrators act with this level everywhere.
    public static let admin: Int64 = 60

    /// `Gitlab::Access.all_values`: the levels a membership or share may carry.
    public static let allValues: [Int64] = [guest, planner, reporter, developer, maintainer, owner]

    /// Every level by its snake_case name: `grove.access.developer` in Lua.
    public static let byName: [(name: String, level: Int64)] = [
        ("no_access", noAccess), ("minimal", minimal), ("guest", guest), ("planner", planner), ("reporter", reporter),
        ("developer", developer), ("maintainer", maintainer), ("owner", owner), ("admin", admin),
    ]

    public static func name(_ level: Int64) -> String {
        switch level {
        case guest: return "Guest"
        case planner: return "Planner"
        case reporter: return "Reporter"
        case developer: return "Developer"
        case maintainer: return "Maintainer"
        case owner: return "Owner"
        case admin: return "Admin"
        default: return "No access"
        }
    }
}
