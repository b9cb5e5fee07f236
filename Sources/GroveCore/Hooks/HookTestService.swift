import Foundation
import GroveFormats
import GRDB

/// `POST /groups/:id/hooks/:hook_id/test/:trigger` (`lib/api/hooks/trigger_test.rb`): sends
/// a sample payload for real and answers 201 only for a 2xx answer.
struct HookTestService {
    let ctx: OperationContext
    static let userAgent = "GitLab/" + GroveVersion.gitlab
    static let rateLimited = APIError(status: 429, body: .raw(.object([("message", .object([("error", "This endpoint has been requested too many times. Try again later.")]))])))

    func trigger(_ group: GroupRecord, _ hook: GroupHookRecord, trigger: String) throws -> OperationResult {
        // A mirrored hook would be sent without the secrets its receiver expects.
        if hook.secretsUnknown {
            throw APIError.api("The hook was mirrored from another GitLab: its secret token and values are unknown; set them with hooks.edit first", status: 422)
        }
        let runtime = HookRuntime.of(ctx.store)
        guard runtime.allowTest(groupId: group.id, userId: ctx.caller.id ?? 0, now: ctx.now) else { throw Self.rateLimited }
        let project = try ProjectRecord.fetchOne(ctx.db, sql: ProjectRecord.select + " WHERE p.namespace_id = ? ORDER BY p.id LIMIT 1", arguments: [group.id])
        let payload = HookTestPayload.build(trigger: trigger, group: group, project: project, user: ctx.caller.user, baseURL: ctx.store.baseURL)
        let body = try hook.customWebhookTemplate.flatMap { $0.isEmpty ? nil : $0 }.map { try HookTestPayload.render($0, payload: payload) } ?? JSONText.encode(payload)
        let url = hook.interpolatedURL
        let settings = try ctx.settings
        var headers: [(String, String)] = [
            ("Content-Type", "application/json"), ("User-Agent", Self.userAgent), ("Idempotency-Key", UUID().uuidString.lowercased()),
            ("X-Gitlab-Event", HookEvent.header(trigger)), ("X-Gitlab-Webhook-UUID", UUID().uuidString.lowercased()),
            ("X-Gitlab-Instance", ctx.store.baseURL), ("X-Gitlab-Event-UUID", UUID().uuidString.lowercased()),
        ]
        if let token = hook.secrets.token { headers.append(("X-Gitlab-Token", token.filter { !$0.isNewline })) }
        for h in hook.secrets.customHeaders {
            headers.removeAll { $0.0.caseInsensitiveCompare(h.key) == .orderedSame }
            headers.append((h.key, h.value))
        }
        let request = headers
        let secretNames = Set(["x-gitlab-token"] + hook.secrets.customHeaders.map { $0.key.lowercased() })
        let masked = headers.map { secretNames.contains($0.0.lowercased()) ? ($0.0, "[REDACTED]") : $0 }
        let (hookId, verifySSL, loggedURL, at) = (hook.id, hook.enableSSLVerification, GroupHookService.redactedURL(hook.url), ctx.now)
        // The round trip and its record happen after this transaction: the store's writer
        // is free while the receiver takes its time.
        return .afterTransaction { store in
            // Checked again at delivery: a name may now resolve to a local address.
            if case .blocked(let reason) = HookURLPolicy.check(url, allowLocal: settings.allowLocalRequestsFromWebHooksAndServices, resolve: true) {
                throw APIError.api(reason, status: 422)
            }
            let outcome = store.hookTransport.deliver(HookRequest(url: url, headers: request, body: Array(body.utf8), verifySSL: verifySSL,
                                                                  timeoutSeconds: settings.webhookTimeout))
            // Logged whatever the answer (GitLab writes `web_hook_logs` apart from the request).
            try store.write { db in
                try HookDeliveryLog.insert(db, hookId: hookId, trigger: trigger, url: loggedURL, requestHeaders: masked,
                                           requestData: body, outcome: outcome, at: at)
            }
            guard outcome.success else {
                throw APIError.api(outcome.error.map { "Error: \($0)" } ?? (outcome.body.isEmpty ? "\(outcome.status ?? 0)" : outcome.body), status: 422)
            }
            return OperationResult(status: 201, body: .object([("message", "201 Created")]))
        }
    }
}
