import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTP proxy on 127.0.0.1 between a client and a server, which injects faults chosen
/// per request: GitLab's rate limits and outages, answers slower than the client's
/// timeout, connections dropped before or after the request reached the server, and
/// latency each way. It logs what it did to every request. The remote backend's tests
/// and `bench/remote` (a network's latency) put it between Grove and `grove serve`.
public final class FaultProxy: @unchecked Sendable {
    public enum Fault: Sendable, Equatable {
        case pass
        /// An answer of its own with this status, the server never sees the request.
        case answer(status: Int, retryAfter: Int?)
        /// The connection is closed without an answer and without forwarding.
        case dropBeforeForwarding
        /// The request reaches the server; its answer is thrown away and the connection closed.
        case dropAfterForwarding
        /// The answer comes after this many seconds.
        case delay(Double)
    }

    public struct Entry: Sendable {
        public let method: String
        public let uri: String
        public let fault: Fault
        public let at: Date
    }

    private let upstream: String
    private let choose: @Sendable (_ method: String, _ uri: String, _ index: Int) -> Fault
    /// Seconds added before forwarding and before answering (a network's round trip / 2).
    private let latency: Double
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let client: HTTPClient
    private var channel: Channel?
    private let state = NIOLockedValueBox<(count: Int, log: [Entry], inFlight: Int, maxInFlight: Int)>((0, [], 0, 0))
    public private(set) var port = 0

    /// `port` 0 picks a free one; `tls` (PEM files) makes it an HTTPS endpoint.
    public init(upstream: String, port: Int = 0, latency: Double = 0, tls: (certificate: String, key: String)? = nil, choose: @escaping @Sendable (_ method: String, _ uri: String, _ index: Int) -> Fault) throws {
        self.upstream = upstream
        self.latency = latency
        self.choose = choose
        self.client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: .init(redirectConfiguration: .disallow))
        let context = try tls.map { tls in
            try NIOSSLContext(configuration: TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.key, format: .pem))))
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(proxy: self))
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.isTLS = tls != nil
    }

    /// A P-256 key and a one-day certificate for 127.0.0.1 signed by itself (openssl), in
    /// `directory`: (certificate, key) paths.
    public static func makeSelfSignedCertificate(in directory: URL) throws -> (certificate: String, key: String) {
        let key = directory.appendingPathComponent("key.pem").path, cert = directory.appendingPathComponent("cert.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw CertificateError(status: openssl.terminationStatus) }
        return (cert, key)
    }

    public struct CertificateError: Error { public let status: Int32 }

    public var url: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }
    private var isTLS = false
    public var log: [Entry] { state.withLockedValue { $0.log } }
    /// The most requests the proxy held at once: how many a client had in flight.
    public var maxInFlight: Int { state.withLockedValue { $0.maxInFlight } }

    public func stop() {
        try? channel?.close().wait()
        try? client.syncShutdown()
        try? group.syncShutdownGracefully()
    }

    fileprivate func decide(_ head: HTTPRequestHead) -> Fault {
        state.withLockedValue { state in
            let fault = choose(head.method.rawValue, head.uri, state.count)
            state.count += 1
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            state.log.append(Entry(method: head.method.rawValue, uri: head.uri, fault: fault, at: Date()))
            return fault
        }
    }

    fileprivate func finished() {
        state.withLockedValue { $0.inFlight -= 1 }
    }

    fileprivate func forward(_ head: HTTPRequestHead, body: ByteBuffer?, on loop: EventLoop) -> EventLoopFuture<HTTPClient.Response> {
        do {
            // Host stays the proxy's, so the server's Link URLs lead back through the proxy.
            let headers = head.headers
            let request = try HTTPClient.Request(url: upstream + head.uri, method: head.method, headers: headers,
                                                 body: body.map { .byteBuffer($0) })
            return client.execute(request: request, eventLoop: .delegate(on: loop))
        } catch {
            return loop.makeFailedFuture(error)
        }
    }

    fileprivate func wait(_ seconds: Double, on loop: EventLoop) -> EventLoopFuture<Void> {
        seconds > 0 ? loop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {}.futureResult : loop.makeSucceededVoidFuture()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let proxy: FaultProxy
        var head: HTTPRequestHead?
        var body: ByteBuffer?

        init(proxy: FaultProxy) { self.proxy = proxy }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = nil
            case .body(var chunk):
                if body == nil { body = chunk } else { body?.writeBuffer(&chunk) }
            case .end:
                guard let head else { return }
                handle(head, body: body, context: context)
            }
        }

        private func handle(_ head: HTTPRequestHead, body: ByteBuffer?, context: ChannelHandlerContext) {
            let fault = proxy.decide(head)
            let loop = context.eventLoop
            let channel = context.channel
            let proxy = self.proxy
            switch fault {
            case .dropBeforeForwarding:
                proxy.finished()
                channel.close(promise: nil)
            case .answer(let status, let retryAfter):
                var extra: [(String, String)] = [("Content-Type", "application/json")]
                if let retryAfter { extra.append(("Retry-After", String(retryAfter))) }
                let headers = HTTPHeaders(extra)
                let text = #"{"message":"\#(status) injected by the fault proxy"}"#
                proxy.wait(proxy.latency * 2, on: loop).whenComplete { _ in
                    proxy.finished()
                    Self.respond(channel, status: status, headers: headers, body: ByteBuffer(string: text))
                }
            case .pass, .delay, .dropAfterForwarding:
                let extra: Double = if case .delay(let s) = fault { s } else { 0 }
                proxy.wait(proxy.latency, on: loop).flatMap { proxy.forward(head, body: body, on: loop) }.whenComplete { result in
                    if fault == .dropAfterForwarding {
                        proxy.finished()
                        channel.close(promise: nil)
                        return
                    }
                    proxy.wait(proxy.latency + extra, on: loop).whenComplete { _ in
                        proxy.finished()
                        switch result {
                        case .success(let response):
                            var headers = response.headers
                            headers.remove(name: "Content-Length")
                            headers.remove(name: "Transfer-Encoding")
                            headers.remove(name: "Connection")
                            Self.respond(channel, status: Int(response.status.code), headers: headers,
                                         body: response.body ?? ByteBuffer())
                        case .failure:
                            Self.respond(channel, status: 502, headers: HTTPHeaders(), body: ByteBuffer(string: "upstream failed"))
                        }
                    }
                }
            }
        }

        private static func respond(_ channel: Channel, status: Int, headers: HTTPHeaders, body: ByteBuffer) {
            var headers = headers
            headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
            let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers)
            channel.write(HTTPServerResponsePart.head(head), promise: nil)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        }
    }
}
