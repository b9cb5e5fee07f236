import FaultProxy
import Foundation
import Testing
@testable import GroveCore
import GroveHookDelivery

@Suite("groups.hooks")
struct GroupHookTests {
    func setup() throws -> (Fixture, Int64) {
        try Fixture.withAlpha()
    }

    static let seedKeys = ["id", "url", "name", "description", "group_id", "push_events", "push_events_branch_filter", "branch_filter_strategy",
                           "issues_events", "confidential_issues_events", "merge_requests_events", "tag_push_events", "note_events",
                           "confidential_note_events", "job_events", "pipeline_events", "wiki_page_events", "deployment_events",
                           "feature_flag_events", "releases_events", "subgroup_events", "member_events", "emoji_events", "milestone_events",
                           "project_events", "vulnerability_events", "enable_ssl_verification", "repository_update_events", "alert_status",
                           "disabled_until", "url_variables", "created_at", "resource_access_token_events", "custom_webhook_template", "custom_headers"]

    @Test func crudNeverShowsSecrets() throws {
        let (f, a) = try setup()
        let r = try f.run("groups.hooks.create", [
            "id": .int(a), "url": "https://hooks.example.com/{env}/in", "name": "CI", "token": "s3cr3t-token", "issues_events": true,
            "custom_headers": [["key": "X-Api-Key", "value": "header-secret-value"]], "url_variables": [["key": "env", "value": "var-secret-prod"]],
        ], as: f.user("alice"))
        #expect(r.status == 201)
        let hook = r.body!
        #expect(hook.keys == Self.seedKeys)
        #expect(hook["push_events"] == true && hook["issues_events"] == true && hook["alert_status"] == "executable")
        #expect(hook["custom_headers"] == [["key": "X-Api-Key"]])
        #expect(hook["url_variables"] == [["key": "env"]])
        let id = hook["id"]!
        #expect(try f.body("groups.hooks.get", ["id": .int(a), "hook_id": id], as: f.user("alice")) == hook)
        #expect(try f.body("groups.hooks.list", ["id": .int(a)], as: f.user("alice")).arrayValue?.count == 1)
        let updated = try f.body("groups.hooks.update", ["id": .int(a), "hook_id": id, "push_events": false, "custom_headers": [["key": "X-Other", "value": "other-secret"]]], as: f.user("alice"))
        #expect(updated["push_events"] == false)
        #expect(updated["custom_headers"] == [["key": "X-Api-Key"], ["key": "X-Other"]])
        #expect(try f.run("groups.hooks.delete", ["id": .int(a), "hook_id": id], as: f.user("alice")).status == 204)
        #expect(f.error("groups.hooks.get", ["id": .int(a), "hook_id": id], as: f.user("alice"))?.json == .object([("message", "404 Not found")]))
        let everything = JSONText.encode(hook) + JSONText.encode(updated) + (try f.store.auditEvents().map { JSONText.encode($0.json) }.joined())
        for secret in ["s3cr3t-token", "header-secret-value", "var-secret-prod", "other-secret"] { #expect(!everything.contains(secret)) }
        #expect(try f.store.auditEvents().contains { $0.action == "hook.create" && $0.changes.contains { $0.attribute == "token" && $0.new == "[REDACTED]" } })
    }

    @Test func validation() throws {
        let (f, a) = try setup()
        func err(_ extra: [(String, JSONValue)]) -> JSONValue? {
            f.error("groups.hooks.create", JSONObject([("id", .int(a))] + extra), as: f.user("alice"))?.json
        }
        #expect(err([("url", "ftp://x")]) == .object([("error", "Invalid url given")]))
        #expect(err([("url", "not a url")]) == .object([("error", "Invalid url given")]))
        #expect(err([("url", "http://127.0.0.1:9/x")]) == .object([("error", "Url is blocked: Requests to localhost are not allowed")]))
        #expect(err([("url", "http://10.1.2.3/x")]) == .object([("error", "Url is blocked: Requests to the local network are not allowed")]))
        #expect(err([("url", "https://e.example/{a}/{b}"), ("url_variables", [["key": "a", "value": "1"]])]) == .object([("error", "Invalid URL template. Missing keys: [\"b\"]")]))
        #expect(err([("url", "https://e.example/"), ("custom_headers", [["key": "bad key", "value": "v"]])]) == .object([("error", "Custom headers must be a valid json schema")]))
        #expect(err([("url", "https://e.example/"), ("token", "a\nb")]) == .object([("error", "Token is invalid")]))
        #expect(err([("url", "https://e.example/"), ("branch_filter_strategy", "regex"), ("push_events_branch_filter", "(x")]) == .object([("error", "Invalid branch filter given")]))
        #expect(err([("url", "https://e.example/"), ("custom_webhook_template", .string(String(repeating: "x", count: 4097)))])?["error"] != nil)
        #expect(err([]) == .object([("error", "url is missing")]))
        let id = try f.body("groups.hooks.create", ["id": .int(a), "url": "https://e.example/"], as: f.user("alice"))["id"]!
        #expect(f.error("groups.hooks.update", ["id": .int(a), "hook_id": id], as: f.user("alice"))?.json == .object([("error", "No parameters provided")]))
        #expect(f.error("groups.hooks.update", ["id": .int(a), "hook_id": id, "custom_headers": [["key": "k", "value": ""]]], as: f.user("alice"))?.json
                == .object([("error", "Custom headers validation failed")]))
        #expect(f.error("groups.hooks.custom_headers.set", ["id": .int(a), "hook_id": id, "key": "bad key", "value": "v"], as: f.user("alice"))?.json
                == .object([("error", "Illegal key or value")]))
        #expect(f.error("groups.hooks.custom_headers.delete", ["id": .int(a), "hook_id": id, "key": "nope"], as: f.user("alice")) == APIError.notFound("Custom header"))
        #expect(f.error("groups.hooks.url_variables.delete", ["id": .int(a), "hook_id": id, "key": "nope"], as: f.user("alice")) == APIError.notFound("URL variable"))
    }

    @Test func permissions() throws {
        let (f, a) = try setup()
        #expect(f.error("groups.hooks.list", ["id": .int(a)], as: f.user("erin")) == APIError.notFound("Group"))
        #expect(f.error("groups.hooks.list", ["id": .int(a)], as: f.user("carol")) == APIError.forbidden())
        #expect(f.error("groups.hooks.create", ["id": .int(a), "url": "https://e.example/"], as: f.user("carol")) == APIError.forbidden())
        #expect(try f.run("groups.hooks.create", ["id": .int(a), "url": "https://e.example/"]).status == 201)
        let pub = try f.group("pub", visibility: "public", as: f.user("alice"))
        #expect(f.error("groups.hooks.list", ["id": .int(pub)], as: .anonymous) == APIError.unauthorized)
    }

    @Test func urlCredentialsBecomeBasicAuthAndStayOutOfLogs() throws {
        let (f, a) = try setup()
        let receiver = try HookReceiver()
        defer { receiver.stop() }
        try f.run("settings.integrations.update", ["allow_local_requests_from_web_hooks_and_services": true])
        let id = try f.body("groups.hooks.create", ["id": .int(a), "url": .string("http://hookuser:hook-pass-9@127.0.0.1:\(receiver.port)/hook")], as: f.user("alice"))["id"]!
        try f.run("groups.hooks.test", ["id": .int(a), "hook_id": id, "trigger": "tag_push_events"], as: f.user("alice"))
        #expect(receiver.requests.last?.header("Authorization") == "Basic " + Data("hookuser:hook-pass-9".utf8).base64EncodedString())
        #expect(receiver.requests.last?.header("X-Gitlab-Event") == "Tag Push Hook")
        let logs = JSONText.encode(try f.body("groups.hooks.deliveries", ["id": .int(a), "hook_id": id], as: f.user("alice")))
            + (try f.store.auditEvents().map { JSONText.encode($0.json) }.joined())
        #expect(!logs.contains("hook-pass-9"))
    }

    @Test func testTriggerDeliversForReal() throws {
        let (f, a) = try setup()
        let receiver = try HookReceiver()
        defer { receiver.stop() }
        let p = try f.project("api", in: a, as: f.user("alice"))
        // Loopback is refused until the instance allows local requests.
        #expect(f.error("groups.hooks.create", ["id": .int(a), "url": .string(receiver.url)], as: f.user("alice"))?.status == 422)
        try f.run("settings.integrations.update", ["allow_local_requests_from_web_hooks_and_services": true])
        let hook = try f.body("groups.hooks.create", [
            "id": .int(a), "url": .string("http://127.0.0.1:\(receiver.port)/{path}"), "token": "tok-123",
            "url_variables": [["key": "path", "value": "hook"]], "custom_headers": [["key": "X-Custom", "value": "custom-value"]],
        ], as: f.user("alice"))
        let hookId = hook["id"]!
        let r = try f.run("groups.hooks.test", ["id": .int(a), "hook_id": hookId, "trigger": "push_events"], as: f.user("alice"))
        #expect(r.status == 201)
        #expect(r.body == .object([("message", "201 Created")]))
        let sent = try #require(receiver.requests.last)
        #expect(sent.method == "POST" && sent.path == "/hook")
        #expect(sent.header("Content-Type") == "application/json")
        #expect(sent.header("X-Gitlab-Event") == "Push Hook")
        #expect(sent.header("X-Gitlab-Token") == "tok-123")
        #expect(sent.header("X-Custom") == "custom-value")
        #expect(sent.header("X-Gitlab-Instance") == f.store.baseURL)
        #expect(sent.header("User-Agent")?.hasPrefix("GitLab/") == true)
        #expect(sent.header("X-Gitlab-Webhook-UUID")?.count == 36 && sent.header("X-Gitlab-Event-UUID") != nil)
        let payload = try JSONText.decode(sent.body)
        #expect(payload["object_kind"] == "push" && payload["project_id"] == .int(p))
        // A custom template shapes the body.
        try f.run("groups.hooks.update", ["id": .int(a), "hook_id": hookId, "custom_webhook_template": "{\"event\":\"{{object_kind}}\",\"group\":\"{{group.group_path}}\"}"], as: f.user("alice"))
        try f.run("groups.hooks.test", ["id": .int(a), "hook_id": hookId, "trigger": "issues_events"], as: f.user("alice"))
        #expect(receiver.requests.last?.body == "{\"event\":\"issue\",\"group\":\"alpha\"}")
        #expect(receiver.requests.last?.header("X-Gitlab-Event") == "Issue Hook")
        // A non-2xx answer is 422 with the receiver's body.
        receiver.respond(status: 500, body: "receiver broke")
        let failed = f.error("groups.hooks.test", ["id": .int(a), "hook_id": hookId, "trigger": "note_events"], as: f.user("alice"))
        #expect(failed?.status == 422 && failed?.json == .object([("message", "receiver broke")]))
        // Every delivery is recorded, secrets masked.
        let deliveries = try f.body("groups.hooks.deliveries", ["id": .int(a), "hook_id": hookId], as: f.user("alice")).arrayValue ?? []
        #expect(deliveries.count == 3)
        #expect(deliveries.last?["response_status"] == 500)
        #expect(!JSONText.encode(.array(deliveries)).contains("tok-123") && !JSONText.encode(.array(deliveries)).contains("custom-value"))
        // Rate limit: five tests a minute per group and user.
        receiver.respond(status: 200, body: "ok")
        try f.run("groups.hooks.test", ["id": .int(a), "hook_id": hookId, "trigger": "push_events"], as: f.user("alice"))
        try f.run("groups.hooks.test", ["id": .int(a), "hook_id": hookId, "trigger": "push_events"], as: f.user("alice"))
        let limited = f.error("groups.hooks.test", ["id": .int(a), "hook_id": hookId, "trigger": "push_events"], as: f.user("alice"))
        #expect(limited?.status == 429)
        #expect(limited?.json == .object([("message", .object([("error", "This endpoint has been requested too many times. Try again later.")]))]))
        #expect(try f.run("groups.hooks.test", ["id": .int(a), "hook_id": hookId, "trigger": "push_events"]).status == 201)
        f.store.now = { Date().addingTimeInterval(61) }
        #expect(try f.run("groups.hooks.test", ["id": .int(a), "hook_id": hookId, "trigger": "push_events"], as: f.user("alice")).status == 201)
    }

    /// The core sends nothing itself: a store opened without a transport (a plan's or a
    /// mirror's) answers a test delivery with a failure that says so, and logs it.
    @Test func aStoreWithoutTransportSendsNothing() throws {
        let receiver = try HookReceiver()
        defer { receiver.stop() }
        let store = try GroveStore.inMemory()
        let group = try #require(try store.perform("groups.create", ["name": "Alpha", "path": "alpha"], as: .root).body?["id"])
        _ = try store.perform("settings.integrations.update", ["allow_local_requests_from_web_hooks_and_services": true], as: .root)
        let hookId = try #require(try store.perform("groups.hooks.create", ["id": group, "url": .string(receiver.url)], as: .root).body?["id"])
        do {
            _ = try store.perform("groups.hooks.test", ["id": group, "hook_id": hookId, "trigger": "push_events"], as: .root)
            Issue.record("a store without transport delivered a hook")
        } catch let error as APIError {
            #expect(error.status == 422)
            #expect(error.message.contains("cannot send hook requests"), "\(error.message)")
        }
        #expect(receiver.requests.isEmpty, "the receiver was called")
        let logged = try #require(try store.perform("groups.hooks.deliveries", ["id": group, "hook_id": hookId], as: .root).body?.arrayValue)
        #expect(logged.count == 1)
    }

    /// The round trip of a hook test happens outside the store's write transaction: a
    /// receiver that has not answered holds no writer, so a creation beside it finishes first.
    @Test func aSlowReceiverDoesNotHoldTheWriter() throws {
        let receiver = try HookReceiver()
        defer { receiver.release(); receiver.stop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-slowhook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try GroveStore.open(path: dir.appendingPathComponent("grove.sqlite").path, hookTransport: HTTPHookTransport())
        let group = try #require(try store.perform("groups.create", ["name": "Alpha", "path": "alpha"], as: .root).body?["id"])
        _ = try store.perform("settings.integrations.update", ["allow_local_requests_from_web_hooks_and_services": true], as: .root)
        let hookId = try #require(try store.perform("groups.hooks.create", ["id": group, "url": .string(receiver.url)], as: .root).body?["id"])
        receiver.respond(status: 200, body: "ok")
        receiver.hold()

        let delivered = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var deliveryStatus: Int?
        Thread.detachNewThread {
            deliveryStatus = try? store.perform("groups.hooks.test", ["id": group, "hook_id": hookId, "trigger": "push_events"], as: .root).status
            delivered.signal()
        }
        let arrival = Date().addingTimeInterval(30)
        while receiver.requests.isEmpty, Date() < arrival { Thread.sleep(forTimeInterval: 0.01) }
        #expect(receiver.requests.count == 1, "the delivery reached the receiver, which holds its answer")
        let started = Date()
        let created = try store.perform("groups.create", ["name": "Beta", "path": "beta"], as: .root)
        let createSeconds = Date().timeIntervalSince(started)
        let deliveryStillRunning = delivered.wait(timeout: .now()) == .timedOut
        receiver.release()
        #expect(created.status == 201)
        #expect(deliveryStillRunning, "the delivery ended before its receiver answered")
        #expect(createSeconds < 2, "the creation took \(createSeconds) s beside a delivery waiting for its answer")
        #expect(delivered.wait(timeout: .now() + 30) == .success)
        #expect(deliveryStatus == 201)
        #expect(try store.hookDeliveries(hookId: try #require(hookId.intValue)).map(\.responseStatus) == [200], "the delivery is recorded after it")
    }

    /// The delivery log is `web_hook_logs` in the store: a failed test (422) keeps its
    /// delivery, and the log is there when the file is opened again.
    @Test func deliveriesOutliveTheFailedOperationAndTheProcess() throws {
        let receiver = try HookReceiver()
        defer { receiver.stop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("grove-hooklog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("grove.sqlite").path
        var hookId: Int64 = 0
        do {
            let store = try GroveStore.open(path: path, hookTransport: HTTPHookTransport())
            let group = try store.perform("groups.create", ["name": "Alpha", "path": "alpha"], as: .root).body!["id"]!
            _ = try store.perform("settings.integrations.update", ["allow_local_requests_from_web_hooks_and_services": true], as: .root)
            hookId = try store.perform("groups.hooks.create", ["id": group, "url": .string(receiver.url)], as: .root).body!["id"]!.intValue!
            receiver.respond(status: 503, body: "down for maintenance")
            #expect(throws: APIError.api("down for maintenance", status: 422)) {
                try store.perform("groups.hooks.test", ["id": group, "hook_id": .int(hookId), "trigger": "push_events"], as: .root)
            }
            // Inside a block the delivery is part of the block, kept when it commits.
            receiver.respond(status: 200, body: "ok")
            try store.transaction {
                _ = try store.perform("groups.hooks.test", ["id": group, "hook_id": .int(hookId), "trigger": "tag_push_events"], as: .root)
            }
        }
        let reopened = try GroveStore.open(path: path, hookTransport: HTTPHookTransport())
        let log = try reopened.hookDeliveries(hookId: hookId)
        #expect(log.map(\.responseStatus) == [503, 200])
        #expect(log.map(\.trigger) == ["push_events", "tag_push_events"])
        #expect(log.first?.responseBody == "down for maintenance")
        #expect(log.first?.requestHeaders.contains { $0.0 == "X-Gitlab-Event" && $0.1 == "Push Hook" } == true)
        // Deleting the hook deletes its log.
        _ = try reopened.perform("groups.hooks.delete", ["id": "alpha", "hook_id": .int(hookId)], as: .root)
        #expect(try reopened.hookDeliveries(hookId: hookId).isEmpty)
    }

    /// `enable_ssl_verification` against a real HTTPS receiver with a self-signed
    /// certificate: verifying hooks refuse it, the others deliver.
    @Test func sslVerificationIsHonoured() throws {
        let receiver = try TLSHookReceiver()
        defer { receiver.stop() }
        let (f, a) = try setup()
        let alice = f.user("alice")
        try f.run("settings.integrations.update", ["allow_local_requests_from_web_hooks_and_services": true])
        let verifying = try f.body("groups.hooks.create", ["id": .int(a), "url": .string(receiver.url)], as: alice)
        #expect(verifying["enable_ssl_verification"] == true, "verification is on by default")
        let refused = f.error("groups.hooks.test", ["id": .int(a), "hook_id": verifying["id"]!, "trigger": "push_events"], as: alice)
        #expect(refused?.status == 422)
        let reason = refused?.json["message"]?.stringValue ?? ""
        #expect(reason.hasPrefix("Error: ") && reason.lowercased().contains("certificate"), "\(reason)")
        #expect(receiver.requests.isEmpty, "the handshake failed, so nothing was delivered")
        let attempt = try f.body("groups.hooks.deliveries", ["id": .int(a), "hook_id": verifying["id"]!], as: alice).arrayValue?.last
        #expect(attempt?["response_status"] == "internal error" && attempt?["internal_error_message"] != .null)

        let lax = try f.body("groups.hooks.create", ["id": .int(a), "url": .string(receiver.url), "enable_ssl_verification": false], as: alice)
        #expect(lax["enable_ssl_verification"] == false)
        #expect(try f.run("groups.hooks.test", ["id": .int(a), "hook_id": lax["id"]!, "trigger": "push_events"], as: alice).status == 201)
        #expect(receiver.requests.map(\.path) == ["/hook"])
        #expect(receiver.requests.first?.event == "Push Hook")
    }

    @Test func urlChangeWithoutTokenResetsIt() throws {
        let (f, a) = try setup()
        let receiver = try HookReceiver()
        defer { receiver.stop() }
        try f.run("settings.integrations.update", ["allow_local_requests_from_web_hooks_and_services": true])
        let id = try f.body("groups.hooks.create", ["id": .int(a), "url": "https://e.example/", "token": "old-token",
                                                    "custom_headers": [["key": "X-H", "value": "v"]]], as: f.user("alice"))["id"]!
        let moved = try f.body("groups.hooks.update", ["id": .int(a), "hook_id": id, "url": .string(receiver.url)], as: f.user("alice"))
        #expect(moved["custom_headers"] == [])
        try f.run("groups.hooks.test", ["id": .int(a), "hook_id": id, "trigger": "push_events"], as: f.user("alice"))
        #expect(receiver.requests.last?.header("X-Gitlab-Token") == nil)
        try f.run("groups.hooks.update", ["id": .int(a), "hook_id": id, "token": "new-token"], as: f.user("alice"))
        try f.run("groups.hooks.custom_headers.set", ["id": .int(a), "hook_id": id, "key": "X-Set", "value": "set-value"], as: f.user("alice"))
        try f.run("groups.hooks.test", ["id": .int(a), "hook_id": id, "trigger": "push_events"], as: f.user("alice"))
        #expect(receiver.requests.last?.header("X-Gitlab-Token") == "new-token")
        #expect(receiver.requests.last?.header("X-Set") == "set-value")
        #expect(try f.run("groups.hooks.custom_headers.delete", ["id": .int(a), "hook_id": id, "key": "X-Set"], as: f.user("alice")).status == 204)
        let unreachable = f.error("groups.hooks.test", ["id": .int(a), "hook_id": id, "trigger": "member_events"], as: f.user("alice"))
        #expect(unreachable?.json == .object([("error", "trigger does not have a valid value")]))
    }

    @Test func slowReceiversTimeOut() throws {
        let (f, a) = try setup()
        let receiver = try HookReceiver()
        defer { receiver.stop() }
        try f.run("settings.integrations.update", ["allow_local_requests_from_web_hooks_and_services": true, "webhook_timeout": 1])
        let id = try f.body("groups.hooks.create", ["id": .int(a), "url": .string(receiver.url)], as: f.user("alice"))["id"]!
        // The receiver answers only when released: the delivery can end only by its timeout.
        receiver.respond(status: 200, body: "late")
        receiver.hold()
        defer { receiver.release() }
        let started = Date()
        let e = f.error("groups.hooks.test", ["id": .int(a), "hook_id": id, "trigger": "push_events"], as: f.user("alice"))
        let seconds = Date().timeIntervalSince(started)
        #expect(e?.status == 422)
        #expect(e?.message.hasPrefix("Error: ") == true)
        // 1 s is set; the default, 10 s, would end it too, but not this soon.
        #expect(seconds < 8, "the delivery ended after \(seconds) s")
        #expect(f.error("settings.integrations.update", ["webhook_timeout": 0])?.fieldErrors["webhook_timeout"] == ["must be between 1 and 60"])
    }
}
