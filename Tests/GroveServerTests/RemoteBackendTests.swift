import FaultProxy
import Foundation
import GroveBindings
import GroveCore
import GroveLua
import GroveRemote
import Testing

/// The remote backend against a real `grove serve` (in process, 127.0.0.1), through a
/// fault-injecting proxy: scripts finish, nothing is created twice, waits honour
/// Retry-After, and the end state equals a run without faults.
@Suite("Remote backend: faults and retries")
struct RemoteBackendTests {
    /// A Lua state whose modules talk to `url` with `token`.
    static func lua(url: String, token: String?, timeout: Double = 5, maxRetries: Int = 10) throws -> LuaState {
        var configuration = try RemoteConfiguration(url: url, credential: token.map { .privateToken(Secret($0)) })
        configuration.timeout = timeout
        configuration.maxRetries = maxRetries
        // Short backoff: the test is about what is retried, not about how long it waits.
        let client = try RemoteClient(configuration, backoff: { attempt in 0.05 * Double(attempt + 1) })
        let lua = LuaState()
        let registry = OperationRegistry.standard()
        let session = GroveSession(backend: RemoteBackend(client))
        try CoreBindings.install(into: lua, session: session, registry: registry)
        try SessionBindings.install(into: lua, session: session)
        return lua
    }

    /// Runs blocking Lua off Swift concurrency's few threads: the in-process server needs them.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Creates a small organisation, changes it and reads it back: every kind of call.
    static let script = """
        local made = {}
        for i = 1, 6 do
          local top = groups.create{name = "Team " .. i, path = "team-" .. i}
          local sub = groups.create{name = "API", path = "api", parent_id = top.id}
          groups.update(top.id, {description = "team number " .. i})
          branches.protect(top.id, {name = "main", push_access_level = 40})
          made[#made + 1] = sub.full_path
        end
        groups.delete("team-6/api")
        local seen = {}
        for g in groups.list{per_page = 4} do seen[#seen + 1] = g.full_path .. "=" .. g.description end
        table.sort(seen)
        return table.concat(seen, " ") .. " | " .. groups.list{}:count()
        """

    /// What the server holds: every group's path and description, sorted.
    static func state(_ server: TestServer) throws -> [String] {
        try server.store.perform("groups.list", params: JSONObject([("per_page", 100)]), as: .root).body?.arrayValue?
            .map { "\($0["full_path"]?.stringValue ?? "")=\($0["description"]?.stringValue ?? "")" }.sorted() ?? []
    }

    static func run(through proxy: FaultProxy?, server: TestServer, timeout: Double = 5) async throws -> String {
        let token = try server.token()
        let url = proxy?.url ?? server.baseURL
        return try await blocking {
            let lua = try Self.lua(url: url, token: token, timeout: timeout)
            guard case .string(let text)? = try lua.run(Self.script).first else { throw TestFailure("no result") }
            return text
        }
    }

    @Test func aScriptFinishesThroughFaultsAndEndsAsWithout() async throws {
        let clean = try await TestServer.start()
        let expected = try await Self.run(through: nil, server: clean)
        let expectedState = try Self.state(clean)
        await clean.stop()

        let server = try await TestServer.start()
        // Every kind of fault, spread over methods as a retry can safely meet them.
        let proxy = try FaultProxy(upstream: server.baseURL) { method, _, index in
            switch (method, index % 7) {
            case ("POST", 1): .answer(status: 429, retryAfter: 1)
            case ("POST", 4): .answer(status: 503, retryAfter: 0)
            case ("POST", _): .pass
            case (_, 0): .answer(status: 503, retryAfter: nil)
            case (_, 2): .dropAfterForwarding
            case (_, 3): .dropBeforeForwarding
            case (_, 5): .delay(1.5)
            case (_, 6): .answer(status: 502, retryAfter: nil)
            default: .pass
            }
        }
        defer { proxy.stop() }
        let got = try await Self.run(through: proxy, server: server, timeout: 1)
        #expect(got == expected)
        #expect(try Self.state(server) == expectedState)

        let log = proxy.log
        let faults = Set(log.map { "\($0.fault)" })
        #expect(faults.count >= 6, "every kind of fault was met: \(faults)")
        // Each POST reached the server once: 429 and 503 answers never reached it.
        let forwardedPosts = log.filter { $0.method == "POST" && $0.fault == .pass }
        let creates = forwardedPosts.filter { $0.uri.hasSuffix("/groups") }
        #expect(creates.count == 12, "12 groups.create reached the server once each: \(creates.map(\.uri))")
        // The try after a 429 waited as Retry-After said.
        for (i, entry) in log.enumerated() where entry.fault == .answer(status: 429, retryAfter: 1) {
            let retry = log[(i + 1)...].first { $0.method == entry.method && $0.uri == entry.uri }
            let waited = try #require(retry).at.timeIntervalSince(entry.at)
            #expect(waited >= 0.95, "waited \(waited) s after Retry-After: 1")
        }
        await server.stop()
    }

    @Test func theLastRetrySaysHowManyTriesWereMade() async throws {
        let server = try await TestServer.start()
        let proxy = try FaultProxy(upstream: server.baseURL) { _, _, _ in .answer(status: 503, retryAfter: nil) }
        defer { proxy.stop() }
        let token = try server.token()
        let url = proxy.url
        let message = try await Self.blocking {
            var configuration = try RemoteConfiguration(url: url, credential: .privateToken(Secret(token)))
            configuration.maxRetries = 2
            let lua = LuaState()
            let client = try RemoteClient(configuration, backoff: { _ in 0.01 })
            try CoreBindings.install(into: lua, session: GroveSession(backend: RemoteBackend(client)), registry: .standard())
            return try lua.run("local ok, e = pcall(groups.get, 'x') return tostring(e) .. ' ' .. e.status").first?.stringValue ?? ""
        }
        #expect(message == "groups.get: 503 injected by the fault proxy (after 3 tries) 503")
        #expect(proxy.log.count == 3)
        await server.stop()
    }

    @Test func aPostThatMayHaveBeenProcessedIsNotRepeated() async throws {
        let server = try await TestServer.start()
        let proxy = try FaultProxy(upstream: server.baseURL) { method, _, _ in method == "POST" ? .dropAfterForwarding : .pass }
        defer { proxy.stop() }
        let token = try server.token()
        let url = proxy.url
        let message = try await Self.blocking {
            let lua = try Self.lua(url: url, token: token)
            return try lua.run("local ok, e = pcall(groups.create, {name = 'Once', path = 'once'}) return tostring(e)").first?.stringValue ?? ""
        }
        #expect(message.contains("the connection was closed (1 try)"), "\(message)")
        #expect(proxy.log.count == 1)
        #expect(try Self.state(server) == ["once="])
        await server.stop()
    }

    @Test func parallelKeepsSeveralRequestsInFlightAndReportsEachItem() async throws {
        let server = try await TestServer.start()
        // 30 ms each way: a coroutine waits while the others send theirs.
        let proxy = try FaultProxy(upstream: server.baseURL, latency: 0.03) { _, _, _ in .pass }
        defer { proxy.stop() }
        let token = try server.token()
        let url = proxy.url
        let outcome = try await Self.blocking {
            let lua = try Self.lua(url: url, token: token)
            return try lua.run("""
                local items = {}
                for i = 1, 24 do items[i] = i end
                local results, errors = grove.parallel(items, function(i)
                  local g = groups.create{name = "P" .. i, path = "p" .. i}
                  if i % 10 == 0 then groups.get("missing-" .. i) end
                  return groups.update(g.id, {description = "n" .. i}).full_path
                end, {concurrency = 8, progress = false})
                local got = {}
                for i = 1, 24 do got[#got + 1] = results[i] or ("error:" .. errors[i].status) end
                return table.concat(got, " ")
                """).first?.stringValue ?? ""
        }
        let expected = (1...24).map { $0 % 10 == 0 ? "error:404" : "p\($0)" }.joined(separator: " ")
        #expect(outcome == expected, "results in item order, errors per item")
        #expect(proxy.maxInFlight >= 6, "with concurrency 8 the proxy held \(proxy.maxInFlight) requests at once")
        #expect(proxy.maxInFlight <= 8)
        #expect(try Self.state(server).count == 24)
        await server.stop()
    }

    @Test func parallelStopsStartingItemsAfterAFailureWhenAsked() async throws {
        let server = try await TestServer.start()
        let token = try server.token()
        let url = server.baseURL
        let outcome = try await Self.blocking {
            let lua = try Self.lua(url: url, token: token)
            return try lua.run("""
                local items = {}
                for i = 1, 20 do items[i] = i end
                local results, errors = grove.parallel(items, function(i)
                  if i == 3 then error("item three", 0) end
                  return groups.create{name = "S" .. i, path = "s" .. i}.id
                end, {concurrency = 2, stop_on_error = true})
                local n = 0
                for _ in pairs(results) do n = n + 1 end
                return errors[3] .. " " .. tostring(n < 20)
                """).first?.stringValue ?? ""
        }
        #expect(outcome == "item three true")
        await server.stop()
    }

    @Test func anonymousListsWalkByKeysetWhereGitLabOffersIt() async throws {
        let server = try await TestServer.start()
        for i in 1...5 {
            _ = try server.store.perform("groups.create", params: JSONObject([("name", .string("Pub \(i)")), ("path", .string("pub-\(i)")), ("visibility", "public")]), as: .root)
        }
        let proxy = try FaultProxy(upstream: server.baseURL) { _, _, _ in .pass }
        defer { proxy.stop() }
        let url = proxy.url
        let names = try await Self.blocking {
            try Self.lua(url: url, token: nil).run("""
                local names = {}
                for g in groups.list{per_page = 2} do names[#names + 1] = g.path end
                return table.concat(names, " ")
                """).first?.stringValue ?? ""
        }
        #expect(names == "pub-1 pub-2 pub-3 pub-4 pub-5")
        #expect(proxy.log.count == 3, "\(proxy.log.map(\.uri))")
        #expect(proxy.log.allSatisfy { $0.uri.contains("pagination=keyset") }, "\(proxy.log.map(\.uri))")
        await server.stop()
    }

    @Test func tlsIsVerifiedUnlessConfiguredOtherwise() async throws {
        let server = try await TestServer.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grove-remote-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = try FaultProxy.makeSelfSignedCertificate(in: directory)
        let proxy = try FaultProxy(upstream: server.baseURL, tls: certificate) { _, _, _ in .pass }
        defer { proxy.stop() }
        let token = try server.token()
        let url = proxy.url
        #expect(url.hasPrefix("https://"))
        func outcome(_ tls: RemoteConfiguration.TLSVerification) async throws -> String {
            try await Self.blocking {
                var configuration = try RemoteConfiguration(url: url, credential: .privateToken(Secret(token)))
                configuration.tls = tls
                configuration.maxRetries = 0
                let lua = LuaState()
                try CoreBindings.install(into: lua, session: GroveSession(backend: RemoteBackend(try RemoteClient(configuration))), registry: .standard())
                return try lua.run("local ok, e = pcall(function() return groups.list{}:count() end) return tostring(ok and e or e)").first?.stringValue ?? ""
            }
        }
        let verified = try await outcome(.on)
        #expect(verified.contains("cannot reach"), "a self-signed certificate is refused by default: \(verified)")
        #expect(try await outcome(.off) == "0", "ssl_verify = false")
        #expect(try await outcome(.caFile(certificate.certificate)) == "0", "ssl_verify = the CA bundle")
        await server.stop()
    }
}
