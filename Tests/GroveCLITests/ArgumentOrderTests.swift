import Testing
@testable import grove

@Suite("options before the subcommand")
struct ArgumentOrderTests {
    @Test func subcommandMovesToFirstPlace() {
        #expect(GroveCommand.subcommandFirst(["--db", "x.sqlite", "run", "--dry-run", "job.lua"])
            == ["run", "--db", "x.sqlite", "--dry-run", "job.lua"])
        #expect(GroveCommand.subcommandFirst(["--memory", "serve", "--port", "0"]) == ["serve", "--memory", "--port", "0"])
    }

    @Test func wordsAfterTheScriptBelongToTheScript() {
        #expect(GroveCommand.subcommandFirst(["job.lua", "run"]) == ["job.lua", "run"])
        #expect(GroveCommand.subcommandFirst(["-e", "run", "x.lua"]) == ["-e", "run", "x.lua"], "-e takes the next word as code")
        #expect(GroveCommand.subcommandFirst(["-", "serve"]) == ["-", "serve"])
    }
}
