import ArgumentParser
import Testing
@testable import grove

/// `RunRequest.readCommonForm` reads the usual invocations without ArgumentParser
/// (start-up time); whatever it accepts, it must read exactly as ArgumentParser does.
@Suite("the fast reader of grove's usual invocations")
struct FastRunReaderTests {
    static func argumentParser(_ words: [String]) -> RunRequest? {
        ((try? Run.parseAsRoot(words)) as? Run)?.request
    }

    /// Options and flags in many orders and combinations, with a script or not.
    static var invocations: [[String]] {
        let leading: [[String]] = [
            [], ["--memory"], ["--db", "x.sqlite"], ["--memory", "--db", "x.sqlite"], ["--url", "https://gitlab.example.com"],
            ["--gitlab", "prod"], ["--gitlab", ""], ["--url", "https://g.example", "--token-file", "t"], ["--token-file", "t"],
            ["--gitlab", "prod", "--verbose"], ["--memory", "--url", "https://g.example"], ["--url", "a", "--gitlab", "b"],
            ["--db=x.sqlite"], ["--memory", "--memory"], ["--db", "a", "--db", "b"], ["--db", "--memory"], ["--db"],
        ]
        let modes: [[String]] = [
            [], ["-e", "return 1"], ["-e", "x = 1", "-e", "return x"], ["-i"], ["--dry-run"], ["--atomic"], ["--dry-run", "--atomic"],
            ["--json", "-e", "return {}"], ["--jsonl"], ["--json", "--jsonl"], ["--as", "alice"], ["-e", "-1"], ["-ie", "1"],
            ["--bogus"], ["-x"], ["--", "job.lua"], ["-e"],
        ]
        let scripts: [[String]] = [[], ["job.lua"], ["job.lua", "a", "--memory", "-e", "x", "--help"], ["-"], ["-", "b"], ["jobs/x.lua", "--"]]
        var all: [[String]] = []
        for l in leading {
            for m in modes {
                for s in scripts {
                    all.append(l + m + s)
                    all.append(m + l + s)
                }
            }
        }
        return all
    }

    @Test func acceptsOnlyWhatArgumentParserReadsTheSame() {
        var accepted = 0
        for words in Self.invocations {
            guard let fast = RunRequest.readCommonForm(words[...]) else { continue }
            accepted += 1
            guard let parsed = Self.argumentParser(words) else {
                Issue.record("the fast reader accepts \(words), ArgumentParser refuses it")
                continue
            }
            #expect(fast == parsed, "\(words)")
        }
        #expect(accepted > 800, "the usual forms take the fast way (\(accepted) did)")
    }

    @Test func theUsualFormsTakeTheFastWay() {
        for words in [[], ["-e", "return 1"], ["--memory", "-e", "return 1"], ["job.lua", "a", "b"], ["--db", "x.sqlite", "job.lua"],
                      ["--gitlab", "prod", "--json", "-e", "return groups.list():first(1)"], ["-i", "job.lua"], ["-"]] {
            #expect(RunRequest.readCommonForm(words[...]) != nil, "\(words)")
        }
    }

    @Test func whatItDoesNotReadGoesToArgumentParser() {
        for words in [["--db=x.sqlite"], ["-ie", "1"], ["--", "job.lua"], ["--memory", "--memory"], ["--dry-run", "--atomic"],
                      ["--db", "a", "--memory"], ["-e", "-1"], ["--help"], ["-h"], ["--version"]] {
            #expect(RunRequest.readCommonForm(words[...]) == nil, "\(words)")
        }
    }
}
