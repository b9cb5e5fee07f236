import Foundation

/// One recorded delivery (`WebHookLog`): secrets in headers are masked.
public struct HookDeliveryRecord: Sendable {
    public let id: Int64
    public let hookId: Int64
    public let trigger: String
    public let url: String
    public let requestHeaders: [(String, String)]
    public let requestData: String
    public let responseStatus: Int?
    public let responseBody: String
    public let error: String?
    public let executionDuration: Double
    public let createdAt: Int64

    var json: JSONValue {
        .object([
            ("id", .int(id)), ("hook_id", .int(hookId)), ("trigger", .string(trigger)), ("url", .string(url)),
            ("request_headers", .object(requestHeaders.map { ($0.0, .string($0.1)) })), ("request_data", .string(requestData)),
            ("response_status", responseStatus.map { .int($0) } ?? .string("internal error")), ("response_body", .string(responseBody)),
            ("internal_error_message", error.json), ("execution_duration", .double(executionDuration)),
            ("created_at", .string(Timestamp.iso8601(createdAt))),
        ])
    }
}

/// Per-store state that must survive an operation's rollback: the test rate limit and the
/// delivery log (a failed test answers 422, which rolls its transaction back, but the
/// attempt and its delivery still happened).
final class HookRuntime: @unchecked Sendable {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var byStore: [ObjectIdentifier: (store: WeakStore, runtime: HookRuntime)] = [:]

    final class WeakStore { weak var store: GroveStore?; init(_ s: GroveStore) { store = s } }

    static func of(_ store: GroveStore) -> HookRuntime {
        lock.lock(); defer { lock.unlock() }
        let key = ObjectIdentifier(store)
        // A new store at a recycled address starts fresh.
        if let entry = byStore[key], entry.store.store === store { return entry.runtime }
        byStore = byStore.filter { $0.value.store.store != nil }
        let runtime = HookRuntime()
        byStore[key] = (WeakStore(store), runtime)
        return runtime
    }

    private let lock = NSLock()
    private var attempts: [String: [Int64]] = [:]
    private var deliveries: [HookDeliveryRecord] = []
    private var nextId: Int64 = 1
    static let maxDeliveries = 1000

    /// `web_hook_test`: 5 requests a minute per (group, user).
    func allowTest(groupId: Int64, userId: Int64, now: Int64, limit: Int = 5) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let key = "\(groupId)/\(userId)"
        var recent = (attempts[key] ?? []).filter { now - $0 < 60_000 }
        guard recent.count < limit else { attempts[key] = recent; return false }
        recent.append(now)
        attempts[key] = recent
        return true
    }

    func record(_ make: (Int64) -> HookDeliveryRecord) {
        lock.lock(); defer { lock.unlock() }
        deliveries.append(make(nextId))
        nextId += 1
        if deliveries.count > Self.maxDeliveries { deliveries.removeFirst(deliveries.count - Self.maxDeliveries) }
    }

    func deliveries(hookId: Int64) -> [HookDeliveryRecord] {
        lock.lock(); defer { lock.unlock() }
        return deliveries.filter { $0.hookId == hookId }
    }
}

extension GroveStore {
    /// Deliveries of a hook, oldest first (kept in memory, the last 1000 per store).
    public func hookDeliveries(hookId: Int64) -> [HookDeliveryRecord] { HookRuntime.of(self).deliveries(hookId: hookId) }
}
