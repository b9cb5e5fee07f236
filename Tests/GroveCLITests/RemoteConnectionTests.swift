import FaultProxy
import Foundation
import Testing
@testable import grove

/// How `grove` finds a GitLab: `--url` with GITLAB_TOKEN or `--token-file`, python-gitlab's
/// configuration file (`--gitlab NAME`, its default section, `helper:` tokens), the
/// environment; and that the token shows in no output. Against `grove serve` on 127.0.0.1.
@Suite("Remote connections from the command line")
struct RemoteConnectionTests {
    /// Every output of the test, to check that the token never appears in any.
    final class Outputs { var all: [GroveProcess.Output] = [] }

    func run(_ outputs: Outputs, _ arguments: [String], _ environment: [String: String]) throws -> GroveProcess.Output {
        // Nothing of the developer's own configuration leaks in.
        var env = ["GITLAB_TOKEN": "", "GITLAB_URL": "", "GITLAB_HOST": "", "PYTHON_GITLAB_CFG": ""]
        env.merge(environment) { $1 }
        let output = try GroveProcess.run(arguments, environment: env)
        outputs.all.append(output)
        return output
    }

    @Test func configurationFilesEnvironmentAndFlags() throws {
        let target = try GroveTarget(.remote, seed: "groups.create{name = 'Platform', path = 'platform'}")
        let server = try #require(target.server)
        let outputs = Outputs()
        let dir = target.dir.path
        let cfg = dir + "/python-gitlab.cfg"
        try """
            [global]
            default = local
            timeout = 5

            [local]
            url = \(server.url)
            private_token = \(server.token)

            [helped]
            url = \(server.url)/
            private_token = helper: printf '%s\\n' \(server.token)

            [stale]
            url = \(server.url)
            private_token = glpat-not-a-token
            """.write(toFile: cfg, atomically: true, encoding: .utf8)
        let withFile = ["PYTHON_GITLAB_CFG": cfg]
        let count = "groups.list{}:count()"

        // The default section, a named one, a helper's token.
        #expect(try run(outputs, ["--gitlab", "", "-e", "grove.backend()"], withFile).stdout == "\"\(server.url)\"\n")
        #expect(try run(outputs, ["--gitlab", "helped", "-e", count], withFile).stdout == "1\n")
        let stale = try run(outputs, ["--gitlab", "stale", "-e", count], withFile)
        #expect(stale.status == 3 && stale.stderr.contains("groups.list: 401 Unauthorized"), "\(stale.stderr)")
        let missing = try run(outputs, ["--gitlab", "prod", "-e", count], withFile)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no section [prod]; sections: helped, local, stale"), "\(missing.stderr)")
        // ~/.python-gitlab.cfg when PYTHON_GITLAB_CFG names nothing.
        try FileManager.default.copyItem(atPath: cfg, toPath: dir + "/.python-gitlab.cfg")
        #expect(try run(outputs, ["--gitlab", "", "-e", count], ["HOME": dir]).stdout == "1\n")

        // --url with GITLAB_TOKEN; --token-file wins over it; the environment's GitLab
        // wins over the file's default section.
        #expect(try run(outputs, ["--url", server.url, "-e", count], ["GITLAB_TOKEN": server.token]).stdout == "1\n")
        let tokenFile = dir + "/token"
        try (server.token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        #expect(try run(outputs, ["--url", server.url, "--token-file", tokenFile, "-e", count], ["GITLAB_TOKEN": "glpat-wrong"]).stdout == "1\n")
        let viaEnvironment = try run(outputs, ["--gitlab", "", "-e", "grove.backend()"],
                                     withFile.merging(["GITLAB_HOST": server.url + "/api/v4", "GITLAB_TOKEN": server.token]) { $1 })
        #expect(viaEnvironment.stdout == "\"\(server.url)\"\n")
        let anonymous = try run(outputs, ["--url", server.url, "-e", "groups.create{name = 'X', path = 'x'}"], [:])
        #expect(anonymous.stderr.contains("groups.create: 401 Unauthorized"), "\(anonymous.stderr)")
        let both = try run(outputs, ["--url", server.url, "--db", dir + "/other.db", "-e", "1"], [:])
        #expect(both.status == 2 && both.stderr.contains("--db and --memory choose the embedded store"))

        // --verbose reports retries (here none), a failing run prints its error: no token anywhere.
        _ = try run(outputs, ["--gitlab", "local", "--verbose", "-e", "groups.get('nope')"], withFile)
        _ = try run(outputs, ["--gitlab", "local", "-e", "grove.connect('helped')"], withFile)
        for output in outputs.all {
            #expect(!output.stdout.contains(server.token) && !output.stderr.contains(server.token), "a token was printed")
        }
    }

    @Test func oneScriptCopiesAGroupBetweenTwoGitLabs() throws {
        let source = try GroveTarget(.remote, seed: """
            local p = groups.create{name = 'Platform', path = 'platform', description = 'shared'}
            groups.create{name = 'API', path = 'api', parent_id = p.id}
            groups.create{name = 'Web', path = 'web', parent_id = p.id, visibility = 'private'}
            branches.protect('platform', {name = 'main', push_access_level = 40})
            """)
        let destination = try GroveTarget(.remote)
        let (from, to) = (try #require(source.server), try #require(destination.server))
        let script = source.dir.appendingPathComponent("copy.lua").path
        try """
            local src = grove.connect{url = '\(from.url)', token_file = arg[1]}
            local dst = grove.connect{url = '\(to.url)', token_file = arg[2]}
            local function copy(group, parent_id)
              local made = dst.groups.create{name = group.name, path = group.path, description = group.description,
                                             visibility = group.visibility, parent_id = parent_id}
              for b in src.branches.list(group.id) do
                dst.branches.protect(made.id, {name = b.name, push_access_level = b.push_access_levels[1].access_level})
              end
              for sub in src.groups.subgroups(group.id) do copy(sub, made.id) end
            end
            copy(src.groups.get('platform'))
            local paths = {}
            for g in dst.groups.list{} do paths[#paths + 1] = g.full_path .. ':' .. g.visibility end
            table.sort(paths)
            print(table.concat(paths, ' '), dst.branches.get('platform', 'main').push_access_levels[1].access_level)
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let tokenA = source.dir.appendingPathComponent("a.token").path, tokenB = source.dir.appendingPathComponent("b.token").path
        try from.token.write(toFile: tokenA, atomically: true, encoding: .utf8)
        try to.token.write(toFile: tokenB, atomically: true, encoding: .utf8)
        let copied = try GroveProcess.run(["--memory", script, tokenA, tokenB])
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout == "platform/api:private platform/web:private platform:private\t40\n")
    }

    @Test func linesSpellingOutATokenStayOutOfTheHistoryFile() {
        #expect(SecretLines.holdsSecret("grove.connect{url = 'https://x', token = 'abc'}"))
        #expect(SecretLines.holdsSecret("t = 'glpat-0123456789abcdefghij'"))
        #expect(!SecretLines.holdsSecret("groups.list{}"))
        #expect(!SecretLines.holdsSecret("service_accounts.create_token('a', 1, {name = 'ci'})"))
        // GitLab's other token kinds, and a credential set by key.
        for token in ["gldt-abc", "glrt-abc", "glcbt-abc", "glptt-abc", "glft-abc", "glimt-abc", "glagent-abc", "glffct-abc"] {
            #expect(SecretLines.holdsSecret("x = '\(token)'"), "\(token)")
        }
        #expect(SecretLines.holdsSecret("options[\"token\"] = 'abc'"))
        #expect(SecretLines.holdsSecret("options['password'] = [[abc]]"))
        #expect(!SecretLines.holdsSecret("print(options['token'])"))
    }

    @Test func verboseReportsEachRetryWithoutTheToken() throws {
        let target = try GroveTarget(.remote, seed: "groups.create{name = 'Platform', path = 'platform'}")
        let server = try #require(target.server)
        // The first two tries of each GET fail as a GitLab under load does.
        let proxy = try FaultProxy(upstream: server.url) { method, _, index in
            method == "GET" && index < 2 ? .answer(status: 503, retryAfter: 0) : .pass
        }
        defer { proxy.stop() }
        let run = try GroveProcess.run(["--url", proxy.url, "--verbose", "-e", "groups.get('platform').full_path"],
                                       environment: ["GITLAB_TOKEN": server.token])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "\"platform\"\n")
        #expect(run.stderr.contains("GET /groups/platform: 503; try 2 of 11"), "\(run.stderr)")
        #expect(run.stderr.contains("try 3 of 11"), "\(run.stderr)")
        #expect(!run.stderr.contains(server.token))
    }
}
