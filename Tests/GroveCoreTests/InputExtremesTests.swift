import Foundation
import Testing
@testable import GroveCore

/// Issue 15: no input reaches a Swift trap. Dates, offsets, fractions and numbers at and
/// past their limits give GitLab's 400 (`<param> is invalid`) or an answer, never a crash.
@Suite("Extreme inputs")
struct InputExtremesTests {
    /// The fuzzer's timestamp that killed `grove serve`: a fraction of six digits made
    /// `digits..<3` an inverted range.
    static let fuzzerTimestamp = "0316-08-04T04:44:12.218347+19:38"

    @Test("date-times: the fuzzer's timestamp and other extremes parse or are refused")
    func dateTimes() {
        // 0316-08-04T04:44:12.218 at +19:38 is 0316-08-03T09:06:12.218Z.
        #expect(Timestamp.parseDateTime(Self.fuzzerTimestamp).map(Timestamp.iso8601) == "0316-08-03T09:06:12.218Z")
        #expect(Timestamp.parseDateTime("2026-01-02T03:04:05.1Z").map(Timestamp.iso8601) == "2026-01-02T03:04:05.100Z")
        #expect(Timestamp.parseDateTime("2026-01-02T03:04:05.123456789012345678901234567890Z").map(Timestamp.iso8601) == "2026-01-02T03:04:05.123Z")
        #expect(Timestamp.parseDateTime("2026-01-02T03:04:05" + "." + String(repeating: "9", count: 100_000) + "Z") != nil)
        #expect(Timestamp.parseDateTime("0000-01-01T00:00:00Z").map(Timestamp.iso8601) == "0000-01-01T00:00:00.000Z")
        #expect(Timestamp.parseDateTime("0000-01-01T00:00:00+23:59") != nil)
        #expect(Timestamp.parseDateTime("9999-12-31T23:59:59.999-23:59") != nil)
        #expect(Timestamp.parseDateTime("9999-12-31T23:59:59+2359") != nil)
        #expect(Timestamp.parseDateTime("2026-01-02T03:04:05+05").map(Timestamp.iso8601) == "2026-01-01T22:04:05.000Z")
        #expect(Timestamp.parseDateTime("0000-02-29") != nil, "year 0 is a leap year")
        for refused in ["10000-01-01T00:00:00Z", "10000-01-01", "-001-01-01T00:00:00Z", "+999-01-01", " 999-01-01",
                        "2026-01-02T03:04:05+24:00", "2026-01-02T03:04:05+23:60", "2026-01-02T03:04:05+99:99",
                        "2026-01-02T03:04:05+1", "2026-01-02T03:04:05+123", "2026-01-02T03:04:05+12:345", "2026-01-02T03:04:05+",
                        "2026-01-02T03:04:05.", "2026-01-02T03:04:05.Z", "2026-01-02T-1:04:05Z", "2026-01-02T+1:04:05Z",
                        "2026-01-02T24:00:00Z", "2026-13-01", "2026-02-30", "2026-00-10", "0001-01-00",
                        "9999999999999999999-01-01", "2026-01-02T03:04:05Zjunk", "2026-01-02X03:04:05", "", "T", "\u{0}"] {
            #expect(Timestamp.parseDateTime(refused) == nil, "\(refused)")
        }
    }

    @Test("created_after/created_before: the fuzzer's timestamp answers; invalid ones are GitLab's 400")
    func createdAfter() throws {
        let f = try Fixture()
        let g = try f.group("platform")
        for op in ["audit_events.list", "groups.provisioned_users"] {
            var params: JSONObject = op == "audit_events.list" ? [:] : ["id": .int(g)]
            for good in [Self.fuzzerTimestamp, "0000-01-01T00:00:00+23:59", "9999-12-31T23:59:59.999999-23:59", "2026-01-01"] {
                params["created_after"] = .string(good)
                _ = try f.run(op, params)
            }
            for bad in ["10000-01-01T00:00:00Z", "2026-01-02T03:04:05+24:00", "2026-01-02T03:04:05.", "nonsense"] {
                params["created_after"] = .string(bad)
                #expect(f.error(op, params)?.json == ["error": "created_after is invalid"], "\(op) \(bad)")
            }
            if op == "groups.provisioned_users" {
                params["created_after"] = nil
                params["created_before"] = "0316-08-04T04:44:12.218347+19:99"
                #expect(f.error(op, params)?.json == ["error": "created_before is invalid"])
            }
        }
    }

    @Test("huge numbers: ids, page, per_page, limits and sizes")
    func hugeNumbers() throws {
        let f = try Fixture()
        let g = try f.group("platform")
        let huge: [JSONValue] = [.int(Int64.max), .int(Int64.min), .string("9223372036854775807"), .string("99999999999999999999999"),
                                 .double(1e300), .double(-1e300), .double(.infinity), .double(.nan)]
        for value in huge {
            // Anonymous GET /groups checks page * per_page against the offset limit.
            _ = try? f.store.perform("groups.list", params: ["page": value, "per_page": .int(100)], as: .anonymous)
            _ = try? f.store.perform("groups.list", params: ["page": .int(2), "per_page": value], as: .anonymous)
            _ = try? f.run("groups.get", ["id": value])
            _ = try? f.run("audit_events.list", ["per_page": value, "after_id": value])
            _ = try? f.run("audit_events.list", ["page": value])
            _ = try? f.run("groups.hooks.get", ["id": .int(g), "hook_id": value])
            _ = try? f.run("groups.members.add", ["id": .int(g), "user_id": value, "access_level": value])
        }
        let offset = f.error("groups.list", ["page": .int(Int64.max), "per_page": .int(100)], as: .anonymous)
        #expect(offset?.status == 405, "an offset past 64 bits is past the limit: \(String(describing: offset))")
    }

    @Test("a push rule's max_file_size too large for bytes in 64 bits bounds nothing")
    func maxFileSizeOverflow() throws {
        let f = try Fixture()
        let g = try f.group("platform")
        _ = try f.run("groups.push_rule.create", ["id": .int(g), "max_file_size": .int(Int64.max)])
        let result = try f.body("push_rules.check", ["id": .int(g), "files": [["path": "big.bin", "size": .int(Int64.max)]]])
        let problems = result["violations"]?.arrayValue ?? result.arrayValue ?? []
        #expect(!problems.contains { $0["rule"] == "max_file_size" }, "\(result)")
    }
}
