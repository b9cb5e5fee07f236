import Dispatch
import GroveCore

/// Where the core's synchronous calls run. Calls that may wait (writes queue for the one
/// writer connection, and a hook delivery holds it for an HTTP round trip) run on threads
/// of their own, never on Swift's cooperative pool or the server's event loops.
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

    /// A call that only reads. On a store file a read takes a WAL reader connection, which
    /// never waits for the writer, so it runs on the calling task (two thread hops fewer per
    /// request). The in-memory store's reads share its one connection with writes: `run`.
    func read<T: Sendable>(_ body: @escaping @Sendable (GroveStore) throws -> T) async throws -> T {
        if store.readsRunBesideWrites { return try body(store) }
        return try await run(body)
    }
}
