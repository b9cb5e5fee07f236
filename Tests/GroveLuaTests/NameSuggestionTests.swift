import Testing
@testable import GroveLua

@Suite("did you mean: the nearest name to a misspelt one")
struct NameSuggestionTests {
    @Test func slipsFindTheirWord() {
        #expect(NameSuggestion.closest(to: "craete", among: ["create", "delete", "get"]) == "create")
        #expect(NameSuggestion.closest(to: "paht", among: ["name", "path", "parent_id"]) == "path")
        #expect(NameSuggestion.closest(to: "serv", among: ["run", "serve", "admin"]) == "serve")
        #expect(NameSuggestion.closest(to: "Path", among: ["path"]) == "path", "case aside")
        #expect(NameSuggestion.closest(to: "visibilty", among: ["visibility", "description"]) == "visibility")
    }

    @Test func otherWordsFindNothing() {
        #expect(NameSuggestion.closest(to: "colour", among: ["name", "allow_force_push"]) == nil)
        #expect(NameSuggestion.closest(to: "ab", among: ["xy"]) == nil)
        #expect(NameSuggestion.closest(to: "", among: ["a"]) == nil)
        #expect(NameSuggestion.closest(to: "x", among: []) == nil)
        #expect(NameSuggestion.closest(to: "create", among: ["create"]) == nil, "the word itself is no suggestion")
    }

    @Test func moduleFieldsAreCheckedAndRawgetStillReadsNil() throws {
        let lua = LuaState()
        try lua.register(module: "things", [LuaFunction(name: "things.create") { _ in [] }])
        let results = try lua.run("""
            local ok, err = pcall(function() return things.craete end)
            local far = select(2, pcall(function() return things.zzzzzz end))
            return ok, err, far, rawget(things, 'craete') == nil, things[1] == nil
            """)
        #expect(results[0] == .boolean(false))
        #expect(results[1].stringValue?.hasSuffix("things has no function 'craete'; did you mean things.create?") == true, "\(results[1])")
        #expect(results[2].stringValue?.hasSuffix("things has no function 'zzzzzz'; see help(things)") == true, "\(results[2])")
        #expect(results[3] == .boolean(true))
        #expect(results[4] == .boolean(true), "only names are checked: ipairs still works")
    }
}
