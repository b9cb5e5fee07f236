import GroveCore
import GroveLua
import Testing
@testable import GroveBindings

/// Issue 15 from Lua: the inputs that trapped `grove serve` give a Grove error value or a
/// result in a script, never a crash of the interpreter.
extension CoreBindingsTests {
    @Test func fuzzerTimestampAndInvalidDates() throws {
        let results = try lua.run("""
            local g = groups.create{name = "Platform", path = "platform"}
            local n = audit.list{created_after = "0316-08-04T04:44:12.218347+19:38"}:count()
            local ok, err = pcall(audit.list, {created_after = "10000-01-01T00:00:00Z"})
            local ok2, err2 = pcall(function()
                for _ in groups.provisioned_users(g.id, {created_before = "2026-01-01T00:00:00+24:00"}) do end
            end)
            return n > 0, ok, err.status, err.message, ok2, err2.status, err2.message
            """)
        #expect(results == [true, false, 400, "created_after is invalid", false, 400, "created_before is invalid"])
    }

    @Test func hugeAndNonFiniteNumbers() throws {
        let results = try lua.run("""
            local out = {}
            for _, v in ipairs{math.huge, -math.huge, 0/0, 1e300, -1e300, math.maxinteger, math.mininteger, 2^63} do
                local ok, err = pcall(groups.get, v)
                out[#out + 1] = ok or type(err) == "table" or type(err) == "userdata" or type(err) == "string"
                ok, err = pcall(function() return audit.list{per_page = v, after_id = v}:first(1) end)
                out[#out + 1] = ok or err ~= nil
            end
            return #out
            """)
        #expect(results == [16])
    }
}
