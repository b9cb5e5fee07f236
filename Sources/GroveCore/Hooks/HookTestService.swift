import Foundation
import GRDB

/// `POST /groups/:id/hooks/:hook_id/test/:trigger` (`lib/api/hooks/trigger_test.rb`): sends
/// a sample payload for real and answers 201 only for a 2xx answer.
struct HookTestService {
    let ctx: OperationContext
    static let userAgent = "GitLab/18.0.0"
    static let rateLimited = APIError(status: 429, body: .raw(.object([("message", .object([("error", "This endpoint has been requested too many times. Try again later.")]))])))

    func trigger(_ group: GroupRecord, _ hook: GroupHookRecord, trigger: String) throws -> OperationResult {
        let runtime = HookRuntime.of(ctx.store)
        guard runtime.allowTest(groupId: group.id, userId: ctx.caller.id ?? 0, now: ctx.now) else { throw Self.rateLimited }
        let project = try ProjectRecord.fetchOne(ctx.db, sql: ProjectRecord.select + " WHERE p.namespace_id = ? ORDER BY p.id LIMIT 1", arguments: [group.id])
        let payload = HookTestPayload.build(trigger: trigger, group: group, project: project, user: ctx.caller.user, baseURL: ctx.store.baseURL)
        let body = try hook.customWebhookTemplate.flatMap { $0.isEmpty ? nil : $0 }.map { try HookTestPayload.render($0, payload: payload) } ?? JSONText.encode(payload)
        let url = hook.interpolatedURL
        let settings = try IntegrationSettings.load(ctx.db)
        // Checked again at delivery: a name may now resolve to a local address.
        if case .blocked(let reason) = HookURLPolicy.check(url, allowLocal: settings.allowLocalRequestsFromWebHooksAndServices, resolve: true) {
            throw APIError.api(reason, status: 422)
        }
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
        let outcome = HookDelivery.post(url: url, headers: headers, body: Data(body.utf8), verifySSL: hook.enableSSLVerification,
                                         timeoutSeconds: settings.webhookTimeout)
        let secretNames = Set(["x-gitlab-token"] + hook.secrets.customHeaders.map { $0.key.lowercased() })
        let masked = headers.map { secretNames.contains($0.0.lowercased()) ? ($0.0, "[REDACTED]") : $0 }
        try HookDeliveryLog.insert(ctx.db, hookId: hook.id, trigger: trigger, url: GroupHookService.redactedURL(hook.url), requestHeaders: masked,
                                   requestData: body, outcome: outcome, at: ctx.now)
        guard outcome.success else {
            let reason = outcome.error.map { "Error: \($0)" } ?? (outcome.body.isEmpty ? "\(outcome.status ?? 0)" : outcome.body)
            return .failedAfterCommit(APIError.api(reason, status: 422))
        }
        return OperationResult(status: 201, body: .object([("message", "201 Created")]))
    }
}
