import Foundation
import Testing
@testable import GroveCore

/// The import service behind `grove mirror`: administrators only, records kept with
/// their ids, a bad record refused whole (nothing of the batch written), no trap on any input.
@Suite("group import")
struct GroupImportTests {
    static func group(_ id: Int64, _ fullPath: String, parent: Int64? = nil) -> JSONValue {
        .object([("id", .int(id)), ("name", .string(fullPath)), ("path", .string(String(fullPath.split(separator: "/").last ?? ""))),
                 ("full_path", .string(fullPath)), ("visibility", "internal"), ("parent_id", parent.map { .int($0) } ?? .null),
                 ("description", "imported"), ("lfs_enabled", false)])
    }

    @Test func administratorsOnlyAndIdsKept() throws {
        let f = try Fixture()
        #expect(throws: APIError.self) { try f.store.importRecords(as: f.user("alice")) { try $0.group(Self.group(500, "far")) } }
        try f.store.importRecords(as: .root) { imported in
            try imported.group(Self.group(500, "far"))
            try imported.group(Self.group(700, "far/away", parent: 500))
            try imported.members(ofGroup: 700, [.object([("id", .int(2)), ("access_level", 30)])])
            try imported.hooks(ofGroup: 500, [.object([("id", 42), ("url", "https://hooks.example.com/x"), ("custom_headers", [["key": "X-Auth"]])])])
        }
        let away = try f.body("groups.get", ["id": "far/away"])
        #expect(away["id"]?.intValue == 700 && away["parent_id"]?.intValue == 500)
        #expect(away["description"]?.stringValue == "imported" && away["lfs_enabled"]?.boolValue == false)
        #expect(try f.body("groups.members.list", ["id": 700]).arrayValue?.compactMap { $0["id"]?.intValue }.contains(2) == true)
        let test = f.error("groups.hooks.test", ["id": 500, "hook_id": 42, "trigger": "push_events"])
        #expect(test?.status == 422)
        // The owner enters the token: the hook is whole again.
        try f.run("groups.hooks.update", ["id": 500, "hook_id": 42, "token": "s3cret"])
        #expect(try f.store.read { db in try GroupHookRecord.find(db, groupId: 500, id: 42)?.secretsUnknown } == false)
    }

    @Test func aBadRecordWritesNothing() throws {
        let f = try Fixture()
        let bad: [JSONValue] = [.null, .object([("id", "x")]), .object([("id", 9), ("name", "n"), ("path", "p"), ("full_path", "p"), ("visibility", "secret")]),
                                Self.group(9, "orphan", parent: 12345), .object([("id", .int(Int64.max)), ("path", .array([]))])]
        for record in bad {
            #expect(throws: APIError.self) {
                try f.store.importRecords(as: .root) { imported in
                    try imported.group(Self.group(800, "kept"))
                    try imported.group(record)
                }
            }
        }
        #expect(f.error("groups.get", ["id": "kept"])?.status == 404)
        // A path that another id holds is a conflict, not a second group.
        try f.group("taken")
        #expect(throws: APIError.self) { try f.store.importRecords(as: .root) { try $0.group(Self.group(900, "taken")) } }
    }
}
