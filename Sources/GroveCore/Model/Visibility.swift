/// `Gitlab::VisibilityLevel`: stored as 0/10/20, sent as strings.
public enum Visibility: Int64, Sendable, CaseIterable, Comparable {
    case `private` = 0
    case `internal` = 10
    case `public` = 20

    public var name: String {
        switch self {
        case .private: return "private"
        case .internal: return "internal"
        case .public: return "public"
        }
    }

    public init?(name: String) {
        guard let v = Visibility.allCases.first(where: { $0.name == name }) else { return nil }
        self = v
    }

    public static let names = allCases.map(\.name)

    public static func < (lhs: Visibility, rhs: Visibility) -> Bool { lhs.rawValue < rhs.rawValue }
}
