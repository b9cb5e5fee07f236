import FaultProxy
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTPS receiver on 127.0.0.1 with a freshly made self-signed certificate (openssl),
/// for `enable_ssl_verification`: a verifying client must refuse it, a non-verifying one
/// must deliver. Records the path and `X-Gitlab-Event` of each request and answers 200.
final class TLSHookReceiver: @unchecked Sendable {
    struct Request: Sendable { let path: String; let event: String? }

    let port: Int
    private let channel: Channel
    private let recorder: Recorder
    private let directory: URL

    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var received: [Request] = []
        func add(_ r: Request) { lock.lock(); received.append(r); lock.unlock() }
        var all: [Request] { lock.lock(); defer { lock.unlock() }; return received }
    }

    var url: String { "https://127.0.0.1:\(port)/hook" }
    var requests: [Request] { recorder.all }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("grove-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (cert, key) = try FaultProxy.makeSelfSignedCertificate(in: directory)
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        let context = try NIOSSLContext(configuration: tls)
        let recorder = Recorder()
        self.recorder = recorder
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Responder(recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    func stop() {
        try? channel.close().wait()
        try? FileManager.default.removeItem(at: directory)
    }

    private final class Responder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let recorder: Recorder
        init(recorder: Recorder) { self.recorder = recorder }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                recorder.add(Request(path: head.uri, event: head.headers.first(name: "X-Gitlab-Event")))
            case .body:
                break
            case .end:
                var headers = HTTPHeaders([("Content-Length", "2"), ("Content-Type", "text/plain")])
                headers.add(name: "Connection", value: "close")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
            }
        }
    }
}
