import Testing
@testable import grove

@Suite("options before the subcommand")
struct ArgumentOrderTests {
    @Test func subcommandMovesToFirstPlace() {
        #expect(GroveCommand.subcommandFirst(["--db", "x.sqlite", "run", "--dry-run", "job.lua"])
            == ["run", "--db", "x.sqlite", "--dry-run", "job.lua"])
        #expect(GroveCommand.subcommandFirst(["--memory", "serve", "--port", "0"]) == ["serve", "--memory", "--port", "0"])
        #expect(GroveCommand.subcommandFirst(["--db", "x.sqlite", "admin", "token", "--user", "alice"])
            == ["admin", "token", "--db", "x.sqlite", "--user", "alice"], "a nested subcommand moves along")
        #expect(GroveCommand.subcommandFirst(["--url", "https://gitlab.example.com", "mirror", "--group", "platform", "--db", "m.sqlite"])
            == ["mirror", "--url", "https://gitlab.example.com", "--group", "platform", "--db", "m.sqlite"])
        #expect(GroveCommand.subcommandFirst(["--gitlab", "prod", "--group", "platform", "plan", "job.lua", "--group", "x"])
            == ["plan", "--gitlab", "prod", "--group", "platform", "job.lua", "--group", "x"], "--group takes a value; the script's words stay")
        #expect(GroveCommand.subcommandFirst(["--plan", "p.json", "apply"]) == ["apply", "--plan", "p.json"])
    }

    @Test func subcommandsAreReadFromTheConfiguration() {
        #expect(GroveCommand.subcommandNames == ["run", "serve", "admin", "recipe", "annotations", "luacheckrc", "docs", "man", "mirror", "plan", "apply"])
    }

    @Test func aWordThatIsNeitherSubcommandNorFileSaysSo() {
        #expect(throws: (any Error).self) { try GroveCommand.checkScriptWord("serv") }
        #expect(throws: Never.self) { try GroveCommand.checkScriptWord("-") }
        #expect(throws: Never.self) { try GroveCommand.checkScriptWord("jobs/migrate.lua") }
        #expect(throws: Never.self) { try GroveCommand.checkScriptWord("migrate.lua") }
    }

    @Test func wordsAfterTheScriptBelongToTheScript() {
        #expect(GroveCommand.subcommandFirst(["job.lua", "run"]) == ["job.lua", "run"])
        #expect(GroveCommand.subcommandFirst(["-e", "run", "x.lua"]) == ["-e", "run", "x.lua"], "-e takes the next word as code")
        #expect(GroveCommand.subcommandFirst(["-", "serve"]) == ["-", "serve"])
    }
}
