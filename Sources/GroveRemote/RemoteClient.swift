import AsyncHTTPClient
import Foundation
import GroveCore
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// HTTP to one GitLab: keep-alive connections from AsyncHTTPClient's pool, TLS verified
/// unless configured otherwise, and python-gitlab's retry rules. A request that fails in
/// a way worth retrying is tried again after a wait: 429 as `Retry-After` or
/// `RateLimit-Reset` says; 500, 502, 503, 504, 409 "Resource lock", timeouts and dropped
/// connections with exponential backoff and jitter. A POST is retried only when GitLab
/// cannot have processed it (429, 503 with `Retry-After`, or no connection made), so a
/// retry never creates twice.
public final class RemoteClient: @unchecked Sendable {
    public let configuration: RemoteConfiguration
    private let http: HTTPClient
    /// Each retry, when `--verbose` asks for it.
    private let log: (@Sendable (String) -> Void)?
    /// How long before the next try; a test may shorten it.
    let backoff: @Sendable (Int) -> Double

    public init(_ configuration: RemoteConfiguration, log: (@Sendable (String) -> Void)? = nil,
                backoff: (@Sendable (Int) -> Double)? = nil) throws {
        self.configuration = configuration
        self.log = log
        self.backoff = backoff ?? { attempt in
            // python-gitlab waits 0.1 s · 2^attempt; jitter keeps many clients from retrying in step.
            min(0.1 * pow(2, Double(attempt)), 30) * Double.random(in: 0.75...1.25)
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        switch configuration.tls {
        case .on: break
        case .off: tls.certificateVerification = .none
        case .caFile(let path):
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw RemoteConfigurationError("ssl_verify: cannot read the CA bundle \(path): \(error)")
            }
        }
        // A connection that cannot be made (refused, a certificate not trusted) is tried
        // again by the pool until the connect timeout: 10 s at most, not the whole timeout.
        let connect = min(configuration.timeout, 10)
        var http = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow,
                                            timeout: .init(connect: .milliseconds(Int64(connect * 1000))))
        http.decompression = .enabled(limit: .ratio(100))
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    // The last answer's callbacks may release the client on an event loop, where a
    // blocking shutdown would deadlock: shut down without waiting.
    deinit { _ = http.shutdown() }

    /// Sends `request`, retrying as the rules allow, and waits for GitLab's answer (any
    /// status); a failure to get one after the last try throws `RemoteFailure`.
    public func send(_ request: RemoteRequest, sudo: String? = nil) throws -> RemoteAnswer {
        try start(request, sudo: sudo).wait()
    }

    /// `send` without waiting: the answer arrives on an event loop (`grove.parallel`).
    public func start(_ request: RemoteRequest, sudo: String? = nil) -> EventLoopFuture<RemoteAnswer> {
        attempt(request, url: configuration.url + "/api/v4" + request.target, sudo: sudo, number: 0)
    }

    /// `start` with a callback, called on an event loop with the answer or the failure.
    public func start(_ request: RemoteRequest, sudo: String? = nil, completion: @escaping @Sendable (Result<RemoteAnswer, Error>) -> Void) {
        start(request, sudo: sudo).whenComplete(completion)
    }

    /// GET of an absolute URL GitLab gave (a `Link: rel="next"`).
    public func get(url: String, sudo: String? = nil) -> EventLoopFuture<RemoteAnswer> {
        attempt(RemoteRequest(method: "GET", target: url), url: url, sudo: sudo, number: 0)
    }

    private func attempt(_ request: RemoteRequest, url: String, sudo: String?, number: Int) -> EventLoopFuture<RemoteAnswer> {
        let eventLoop = http.eventLoopGroup.any()
        let future: EventLoopFuture<HTTPClient.Response>
        do {
            var headers = HTTPHeaders(configuration.authenticationHeaders)
            headers.add(name: "User-Agent", value: "grove")
            headers.add(name: "Accept", value: "application/json")
            if let sudo { headers.add(name: "Sudo", value: sudo) }
            if let type = request.contentType { headers.add(name: "Content-Type", value: type) }
            let outgoing = try HTTPClient.Request(url: url, method: HTTPMethod(rawValue: request.method), headers: headers,
                                                  body: request.body.map { .bytes($0) })
            future = http.execute(request: outgoing, eventLoop: .delegate(on: eventLoop),
                                  deadline: .now() + .milliseconds(Int64(configuration.timeout * 1000)))
        } catch {
            return eventLoop.makeFailedFuture(RemoteFailure(request: request, tries: number + 1, reason: "\(error)"))
        }
        return future.flatMapWithEventLoop { response, loop in
            var headers: [String: String] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = value }
            var answer = RemoteAnswer(status: Int(response.status.code), headers: headers,
                                      bytes: response.body.map { Array($0.readableBytesView) } ?? [])
            answer.tries = number + 1
            guard let wait = self.retryWait(request, answer: answer, attempt: number), number < self.configuration.maxRetries else {
                return loop.makeSucceededFuture(answer)
            }
            self.log?("\(request.method) \(request.target): \(answer.status); try \(number + 2) of \(self.configuration.maxRetries + 1) in \(String(format: "%.1f", wait)) s")
            return self.later(wait, on: loop) { self.attempt(request, url: url, sudo: sudo, number: number + 1) }
        }.flatMapErrorWithEventLoop { error, loop in
            if error is RemoteFailure { return loop.makeFailedFuture(error) }
            guard request.isIdempotent || Self.failedBeforeSending(error), number < self.configuration.maxRetries else {
                return loop.makeFailedFuture(RemoteFailure(request: request, tries: number + 1, reason: Self.describe(error)))
            }
            let wait = self.backoff(number)
            self.log?("\(request.method) \(request.target): \(Self.describe(error)); try \(number + 2) of \(self.configuration.maxRetries + 1) in \(String(format: "%.1f", wait)) s")
            return self.later(wait, on: loop) { self.attempt(request, url: url, sudo: sudo, number: number + 1) }
        }
    }

    private func later(_ seconds: Double, on loop: EventLoop, _ next: @escaping @Sendable () -> EventLoopFuture<RemoteAnswer>) -> EventLoopFuture<RemoteAnswer> {
        loop.scheduleTask(in: .milliseconds(Int64(max(0, seconds) * 1000))) {}.futureResult.flatMap { next() }
    }

    /// How long to wait before trying `request` again after `answer`, nil when it must not be.
    func retryWait(_ request: RemoteRequest, answer: RemoteAnswer, attempt: Int) -> Double? {
        let told = Self.toldWait(answer)
        switch answer.status {
        case 429:
            return told ?? backoff(attempt)
        case 500, 502, 503, 504:
            // (A `where` in a case list guards only its last pattern.)
            if request.isIdempotent { return told ?? backoff(attempt) }
            return answer.status == 503 ? told : nil
        case 409:
            return request.isIdempotent && String(decoding: answer.bytes, as: UTF8.self).contains("Resource lock") ? backoff(attempt) : nil
        default:
            return nil
        }
    }

    /// `Retry-After` (seconds or an HTTP date), else `RateLimit-Reset` (epoch seconds).
    static func toldWait(_ answer: RemoteAnswer, now: Date = Date()) -> Double? {
        if let after = answer.header("retry-after")?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Double(after), seconds.isFinite { return min(max(seconds, 0), 3600) }
            let format = DateFormatter()
            format.locale = Locale(identifier: "en_US_POSIX")
            format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            if let date = format.date(from: after) { return min(max(date.timeIntervalSince(now), 0), 3600) }
        }
        if let reset = answer.header("ratelimit-reset").flatMap(Double.init), reset.isFinite {
            return min(max(reset - now.timeIntervalSince1970, 0), 3600)
        }
        return nil
    }

    /// Errors that mean no byte of the request reached GitLab: repeating it cannot do twice.
    static func failedBeforeSending(_ error: Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let error = error as? HTTPClientError {
            return [.connectTimeout, .getConnectionFromPoolTimeout].contains(error)
        }
        if let error = error as? IOError { return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode) }
        return false
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer within the timeout"
            case .connectTimeout: return "no connection within the timeout"
            case .remoteConnectionClosed: return "the connection was closed"
            default: break
            }
        }
        if error is NIOConnectionError { return "cannot connect" }
        // NIO's own text reads "connection reset (error set): Connection refused) (errno: 111)".
        if let error = error as? IOError { return "\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))" }
        return "\(error)"
    }
}

/// No answer from GitLab after every try: the connection failed or timed out.
public struct RemoteFailure: Error, CustomStringConvertible {
    public let request: RemoteRequest
    public let tries: Int
    public let reason: String
    public var description: String {
        "\(request.method) \(request.target): \(reason) (\(tries) \(tries == 1 ? "try" : "tries"))"
    }
}
