/// One POST of a hook payload (`WebHookService#make_request`), as the core asks for it.
/// The core makes no HTTP requests itself: whoever opens a store gives it a
/// `HookTransport` (the `grove` executable gives `GroveHookDelivery.HTTPHookTransport`).
public struct HookRequest: Sendable {
    public let url: String
    public let headers: [(String, String)]
    public let body: [UInt8]
    public let verifySSL: Bool
    public let timeoutSeconds: Int64
}

/// How a delivery went, as `web_hook_logs` records it.
public struct HookDeliveryOutcome: Sendable {
    public var status: Int?
    public var body: String
    public var error: String?
    public var durationSeconds: Double

    /// What is kept of a receiver's answer.
    public static let maxResponseBody = 8192

    public init(status: Int?, body: String, error: String?, durationSeconds: Double) {
        self.status = status
        self.body = body
        self.error = error
        self.durationSeconds = durationSeconds
    }

    var success: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// Sends a hook request and waits for the answer (operations are synchronous, and the
/// answer decides the operation's status).
public protocol HookTransport: Sendable {
    func deliver(_ request: HookRequest) -> HookDeliveryOutcome
}

/// A store opened without a transport: test deliveries fail with an outcome that says so
/// (and are logged like any failed delivery).
public struct NoHookTransport: HookTransport {
    public init() {}

    public func deliver(_ request: HookRequest) -> HookDeliveryOutcome {
        HookDeliveryOutcome(status: nil, body: "", error: "this program cannot send hook requests (its store has no HTTP transport)", durationSeconds: 0)
    }
}
