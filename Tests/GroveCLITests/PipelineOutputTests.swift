import Foundation
import Testing

/// Issue 16: grove in a shell pipeline: JSON out, quiet without a terminal, exit statuses
/// a caller can tell apart.
@Suite("Output for pipelines and exit statuses")
struct PipelineOutputTests {
    let dir: URL
    let db: String

    init() throws {
        (dir, db) = try GroveProcess.temporaryStore()
        let seeded = try GroveProcess.run(["--db", db, "-e", """
            groups.create{name = 'Platform', path = 'platform'}
            groups.create{name = 'Data', path = 'data'}
            """])
        #expect(seeded.status == 0, "\(seeded.stderr)")
    }

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test("--json prints a value as one JSON document; a lazy list becomes an array")
    func jsonDocument() throws {
        let list = try GroveProcess.run(["--db", db, "--json", "-e", "groups.list{}"])
        #expect(list.status == 0, "\(list.stderr)")
        let groups = try #require(try json(list.stdout) as? [[String: Any]])
        #expect(groups.compactMap { $0["path"] as? String }.sorted() == ["data", "platform"])
        let one = try GroveProcess.run(["--db", db, "--json", "-e", "groups.get('data')"])
        let group = try #require(try json(one.stdout) as? [String: Any])
        #expect(group["full_path"] as? String == "data")
        let scalars = try GroveProcess.run(["--db", db, "--json", "-e", "1, 'two', nil"])
        #expect(try json(scalars.stdout) as? NSArray == [1, "two", NSNull()] as NSArray)
        let empty = try GroveProcess.run(["--db", db, "--json", "-e", "groups.list{search = 'nothing-like-this'}"])
        #expect(empty.stdout == "[]\n")
        let statement = try GroveProcess.run(["--db", db, "--json", "-e", "local x = 1"])
        #expect(statement.status == 0 && statement.stdout.isEmpty)
    }

    @Test("an empty array GitLab answers stays an array in JSON: in a group, from :all(), through grove.json")
    func emptyArraysStayArrays() throws {
        let group = try GroveProcess.run(["--db", db, "--json", "-e", "groups.get('data')"])
        let fields = try #require(try json(group.stdout) as? [String: Any], "\(group.stdout)")
        #expect(fields["projects"] is [Any] && fields["shared_with_groups"] is [Any], "\(group.stdout)")
        let all = try GroveProcess.run(["--db", db, "--json", "-e", "groups.list{search = 'nothing-like-this'}:all()"])
        #expect(all.stdout == "[]\n")
        let lines = try GroveProcess.run(["--db", db, "--jsonl", "-e", "groups.list{search = 'nothing-like-this'}:all()"])
        #expect(lines.status == 0 && lines.stdout.isEmpty, "no item, no line: \(lines.stdout)")
        let encoded = try GroveProcess.run(["--db", db, "-e", "print(require('grove.json').encode(groups.get('data').projects))"])
        #expect(encoded.stdout == "[]\n")
        // A table the script makes is still an object when empty, as before.
        let own = try GroveProcess.run(["--db", db, "--json", "-e", "return {}"])
        #expect(own.stdout == "{}\n")
    }

    @Test("--jsonl prints one JSON line per item, for `grove -e 'groups.list{}' --jsonl | jq`")
    func jsonLines() throws {
        let result = try GroveProcess.run(["--db", db, "-e", "groups.list{}", "--jsonl"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let paths = try lines.map { try #require(try json($0) as? [String: Any])["path"] as? String }
        #expect(paths.compactMap { $0 }.sorted() == ["data", "platform"])
        let array = try GroveProcess.run(["--db", db, "--jsonl", "-e", "{1, 2, {a = 3}}"])
        #expect(array.stdout == "1\n2\n{\"a\":3}\n")
        let both = try GroveProcess.run(["--db", db, "--json", "--jsonl", "-e", "1"])
        #expect(both.status == 2)
    }

    @Test("--json run FILE prints what the script returns; its stderr stays as it is")
    func jsonFromAScript() throws {
        let path = dir.appendingPathComponent("count.lua").path
        try "io.stderr:write('working\\n')\nreturn {count = groups.list{}:count(), first = ...}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try GroveProcess.run(["--db", db, "--json", "run", path, "x"])
        #expect(result.status == 0, "\(result.stderr)")
        let value = try #require(try json(result.stdout) as? [String: Any])
        #expect(value["count"] as? Int == 2 && value["first"] as? String == "x")
        // --dry-run's summary goes to stderr, so that stdout stays JSON.
        let rehearsal = try GroveProcess.run(["--db", db, "--dry-run", "--json", "-e", "groups.create{name = 'X', path = 'xx'}"])
        #expect(rehearsal.status == 0, "\(rehearsal.stderr)")
        #expect(try json(rehearsal.stdout) is [String: Any])
        #expect(rehearsal.stderr.contains("dry run: 1 change"))
    }

    @Test("a one-liner's lazy list prints its items as the shell shows them, or as JSON")
    func oneLinerLazyList() throws {
        let shown = try GroveProcess.run(["--db", db, "-e", "groups.list{}"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(!shown.stdout.contains("grove.iterator"), "\(shown.stdout)")
        let lines = shown.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ").map(String.init) == ["id", "full_path", "visibility", "parent_id"], "\(shown.stdout)")
        #expect(lines.count == 4 && shown.stdout.contains(" data ") && shown.stdout.contains(" platform "), "\(shown.stdout)")
        let array = try GroveProcess.run(["--db", db, "--json", "-e", "groups.list{}"])
        let items = try #require(try json(array.stdout) as? [[String: Any]])
        #expect(items.compactMap { $0["full_path"] as? String }.sorted() == ["data", "platform"])
        let jsonLines = try GroveProcess.run(["--db", db, "--jsonl", "-e", "groups.list{}"])
        let paths = try jsonLines.stdout.split(separator: "\n").map { try #require(try json(String($0)) as? [String: Any])["full_path"] as? String }
        #expect(paths.compactMap { $0 }.sorted() == ["data", "platform"], "\(jsonLines.stdout)")
    }

    /// Standard output under --json is one JSON document whatever the script prints, and
    /// whatever grove says about the run; so with a recipe's own --json.
    @Test("with --json, stdout is JSON alone: print and the dry-run summary go to stderr")
    func jsonStdoutIsOnlyJSON() throws {
        let path = dir.appendingPathComponent("noisy.lua").path
        try "print('creating', 1)\ngroups.create{name = 'N', path = 'noisy-' .. math.random(1, 1e9)}\nreturn {created = true}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        for mode in [[], ["--dry-run"]] {
            let result = try GroveProcess.run(["--db", db, "run"] + mode + ["--json", path])
            #expect(result.status == 0, "\(result.stderr)")
            let value = try #require(try json(result.stdout) as? [String: Any], "\(mode): \(result.stdout)")
            #expect(value["created"] as? Bool == true)
            #expect(result.stderr.contains("creating\t1\n"), "\(result.stderr)")
        }
        let lines = try GroveProcess.run(["--db", db, "--jsonl", "-e", "print('hello') return {1, 2}"])
        #expect(lines.stdout == "1\n2\n" && lines.stderr == "hello\n", "\(lines)")
        // io.write and io.stdout too.
        let written = try GroveProcess.run(["--db", db, "--json", "-e", "io.write('w\\n') io.stdout:write('s\\n') return 1"])
        #expect(written.stdout == "1\n" && written.stderr == "w\ns\n", "\(written)")
        // A recipe printing JSON itself when given --json: grove's summary stays off stdout.
        let recipe = try GroveProcess.run(["--db", db, "recipe", "--dry-run", "enforce-push-rules", "platform", "--json"])
        #expect(recipe.status == 0, "\(recipe.stderr)")
        #expect((try? json(recipe.stdout)) != nil, "stdout is no JSON: \(recipe.stdout)")
        #expect(recipe.stderr.contains("dry run: "), "\(recipe.stderr)")
        // Without JSON the summary is on stdout as ever.
        let plain = try GroveProcess.run(["--db", db, "run", "--dry-run", path])
        #expect(plain.stdout.contains("creating\t1\n") && plain.stdout.contains("dry run: 1 change"), "\(plain.stdout)")
    }

    @Test("progress bars stay silent without a terminal")
    func noProgressWithoutATerminal() throws {
        let result = try GroveProcess.run(["--db", db, "-e", """
            local progress = require 'grove.progress'
            for g in progress.wrap(groups.list{}, {label = 'groups'}) do end
            """], environment: ["TERM": "xterm"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test("exit statuses: 0 success, 1 script error, 2 usage error, 3 an uncaught Grove API error")
    func exitStatuses() throws {
        #expect(try GroveProcess.run(["--db", db, "-e", "1"]).status == 0)
        #expect(try GroveProcess.run(["--db", db, "-e", "error('boom')"]).status == 1)
        #expect(try GroveProcess.run(["--db", db, "-e", "x = = 1"]).status == 1)
        let usage = try GroveProcess.run(["--db", db, "--memory", "-e", "1"])
        #expect(usage.status == 2 && usage.stderr.contains("--db and --memory exclude each other"), "\(usage.stderr)")
        #expect(try GroveProcess.run(["--no-such-option"]).status == 2)
        let api = try GroveProcess.run(["--db", db, "-e", "groups.get('missing')"])
        #expect(api.status == 3)
        #expect(api.stderr.contains("404"), "\(api.stderr)")
        // Caught by the script: no longer grove's business.
        #expect(try GroveProcess.run(["--db", db, "-e", "pcall(groups.get, 'missing')"]).status == 0)
        // From a file too: a duplicate path is GitLab's 400.
        let path = dir.appendingPathComponent("create.lua").path
        try "groups.create{name = 'Platform', path = 'platform'}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let duplicate = try GroveProcess.run(["--db", db, path])
        #expect(duplicate.status == 3 && duplicate.stderr.contains("400"), "\(duplicate.stderr)")
        #expect(try GroveProcess.run(["--help"]).status == 0)
    }
}
