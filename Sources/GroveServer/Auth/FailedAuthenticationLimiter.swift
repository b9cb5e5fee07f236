import Foundation
import Synchronization

/// GitLab's ban of an address after repeated failed authentications
/// (`Gitlab::Auth::IpRateLimiter`, `rack_attack.git_basic_auth` in gitlab.yml): `maxRetry`
/// failures within `findTime` ban the address for `banTime`; a successful authentication
/// resets its count. Addresses in `allowlist` are never banned. GitLab allow-lists 127.0.0.1
/// by default; Grove allow-lists nothing, since it usually listens on localhost only.
public struct FailedAuthenticationLimit: Sendable {
    public var maxRetry: Int
    public var findTime: Duration
    public var banTime: Duration
    public var allowlist: Set<String>

    public init(maxRetry: Int = 10, findTime: Duration = .seconds(60), banTime: Duration = .seconds(3600), allowlist: Set<String> = []) {
        self.maxRetry = maxRetry
        self.findTime = findTime
        self.banTime = banTime
        self.allowlist = allowlist
    }
}

/// The counts per address, behind a lock (requests run concurrently).
final class FailedAuthenticationLimiter: Sendable {
    let limit: FailedAuthenticationLimit
    private struct Entry { var failures: [ContinuousClock.Instant] = []; var bannedUntil: ContinuousClock.Instant? }
    private let entries = Mutex([String: Entry]())
    /// Bounds the table: a flood of addresses forgets the oldest rather than grow without end.
    private static let maxAddresses = 100_000

    init(_ limit: FailedAuthenticationLimit) { self.limit = limit }

    /// Seconds until the ban of `address` ends, or nil when it may try.
    func retryAfter(_ address: String, now: ContinuousClock.Instant = .now) -> Int? {
        guard !limit.allowlist.contains(address) else { return nil }
        return entries.withLock { table in
            guard let until = table[address]?.bannedUntil else { return nil }
            guard until > now else { table[address] = nil; return nil }
            let left = until - now
            return max(1, Int(left.components.seconds) + (left.components.attoseconds > 0 ? 1 : 0))
        }
    }

    func recordFailure(_ address: String, now: ContinuousClock.Instant = .now) {
        guard !limit.allowlist.contains(address), limit.maxRetry > 0 else { return }
        entries.withLock { table in
            if table.count >= Self.maxAddresses, table[address] == nil {
                table = table.filter { $0.value.bannedUntil.map { $0 > now } ?? false }
            }
            var entry = table[address] ?? Entry()
            entry.failures = entry.failures.filter { now - $0 < limit.findTime } + [now]
            if entry.failures.count >= limit.maxRetry {
                entry.bannedUntil = now + limit.banTime
                entry.failures = []
            }
            table[address] = entry
        }
    }

    func recordSuccess(_ address: String) {
        entries.withLock { table in
            if table[address]?.bannedUntil == nil { table[address] = nil }
        }
    }
}
