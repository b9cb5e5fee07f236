import AsyncHTTPClient
import Foundation
import GroveCore
import NIOCore
import NIOHTTP1

/// Hook deliveries over HTTP(S) with AsyncHTTPClient: redirects refused, certificates
/// checked unless the hook turned that off, userinfo in the URL sent as Basic
/// authentication, at most `HookDeliveryOutcome.maxResponseBody` bytes of the answer kept.
public struct HTTPHookTransport: HookTransport {
    public init() {}

    /// Certificate checks on (the shared client) or off (`enable_ssl_verification: false`).
    private static let verifying = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration(verify: true))
    private static let nonVerifying = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration(verify: false))

    private static func configuration(verify: Bool) -> HTTPClient.Configuration {
        var c = HTTPClient.Configuration(certificateVerification: verify ? .fullVerification : .none,
                                         redirectConfiguration: .disallow,
                                         timeout: .init(connect: .seconds(5), read: .seconds(60)))
        c.decompression = .disabled
        return c
    }

    /// Waits at most the request's timeout for the whole answer.
    public func deliver(_ hook: HookRequest) -> HookDeliveryOutcome {
        let started = Date()
        var headers = HTTPHeaders(hook.headers)
        var target = hook.url
        if var c = URLComponents(string: hook.url), let user = c.user {
            let credentials = "\(PercentEncoding.decode(user)):\(PercentEncoding.decode(c.password ?? ""))"
            headers.replaceOrAdd(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
            c.user = nil; c.password = nil
            target = c.string ?? hook.url
        }
        do {
            let request = try HTTPClient.Request(url: target, method: .POST, headers: headers, body: .bytes(hook.body))
            let client = hook.verifySSL ? Self.verifying : Self.nonVerifying
            let response = try client.execute(request: request, deadline: .now() + .seconds(hook.timeoutSeconds)).wait()
            var text = ""
            if var buffer = response.body {
                text = buffer.readString(length: min(buffer.readableBytes, HookDeliveryOutcome.maxResponseBody)) ?? ""
            }
            return HookDeliveryOutcome(status: Int(response.status.code), body: text, error: nil, durationSeconds: Date().timeIntervalSince(started))
        } catch {
            return HookDeliveryOutcome(status: nil, body: "", error: "\(error)", durationSeconds: Date().timeIntervalSince(started))
        }
    }
}
