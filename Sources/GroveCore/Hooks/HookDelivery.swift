import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One POST of a hook payload (`WebHookService#make_request`), waited for synchronously:
/// operations are synchronous and the answer decides the operation's status.
enum HookDelivery {
    struct Outcome {
        var status: Int?
        var body: String
        var error: String?
        var durationSeconds: Double
        var success: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    static let maxResponseBody = 8192

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

    /// POSTs `body` to `url` and waits at most `timeoutSeconds` for the whole answer;
    /// userinfo in the URL becomes Basic authentication.
    static func post(url: String, headers: [(String, String)], body: Data, verifySSL: Bool, timeoutSeconds: Int64) -> Outcome {
        let started = Date()
        var headerList = HTTPHeaders(headers)
        var target = url
        if var c = URLComponents(string: url), let user = c.user {
            let credentials = "\(PercentEncoding.decode(user)):\(PercentEncoding.decode(c.password ?? ""))"
            headerList.replaceOrAdd(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
            c.user = nil; c.password = nil
            target = c.string ?? url
        }
        do {
            let request = try HTTPClient.Request(url: target, method: .POST, headers: headerList, body: .bytes(body))
            let client = verifySSL ? verifying : nonVerifying
            let response = try client.execute(request: request, deadline: .now() + .seconds(timeoutSeconds)).wait()
            var text = ""
            if var buffer = response.body { text = buffer.readString(length: min(buffer.readableBytes, maxResponseBody)) ?? "" }
            return Outcome(status: Int(response.status.code), body: text, error: nil, durationSeconds: Date().timeIntervalSince(started))
        } catch {
            return Outcome(status: nil, body: "", error: "\(error)", durationSeconds: Date().timeIntervalSince(started))
        }
    }
}
