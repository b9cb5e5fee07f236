import Dispatch
import GroveCore

/// Runs the core's synchronous, blocking calls on threads of their own, so SQLite waits (and
/// hook deliveries, which block on their HTTP answer) never hold Swift's cooperative pool
/// or the server's event loops.
struct StoreExecutor: Sendable {
    let store: GroveStore
    private let queue = DispatchQueue(label: "grove.server.store", attributes: .concurrent)

    init(store: GroveStore) { self.store = store }

    func run<T: Sendable>(_ body: @escaping @Sendable (GroveStore) throws -> T) async throws -> T {
        let store = self.store
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(store) }) }
        }
    }
}
