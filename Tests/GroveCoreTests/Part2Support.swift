@testable import GroveCore

extension Fixture {
    /// A fresh fixture with the private top-level group "alpha" owned by alice, and the
    /// given members (by default carol as maintainer).
    static func withAlpha(_ members: [(String, Int64)] = [("carol", AccessLevel.maintainer)]) throws -> (Fixture, Int64) {
        let f = try Fixture()
        let a = try f.group("alpha", as: f.user("alice"))
        for (name, level) in members { try f.add(name, to: a, level: level) }
        return (f, a)
    }
}
