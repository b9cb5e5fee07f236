import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 receiver on 127.0.0.1 for hook delivery tests (the core's and the bindings'): records each request
/// and answers with the configured status and body.
public final class HookReceiver: @unchecked Sendable {
    public struct Request: Sendable {
        public let method: String
        public let path: String
        public let headers: [String: String]
        public let body: String
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    public let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var received: [Request] = []
    private var status = 200
    private var reply = "ok"
    private var delay: TimeInterval = 0
    /// Set by `hold()`: answers wait for `release()`.
    private var gate: DispatchSemaphore?

    public init() throws {
        #if canImport(Glibc)
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let sock = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var yes: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(sock, 16) == 0 else { close(sock); throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) } }
        fd = sock
        port = UInt16(bigEndian: addr.sin_port)
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    public var url: String { "http://127.0.0.1:\(port)/hook" }

    public var requests: [Request] { lock.lock(); defer { lock.unlock() }; return received }

    public func respond(status: Int, body: String, after delay: TimeInterval = 0) {
        lock.lock(); self.status = status; reply = body; self.delay = delay; lock.unlock()
    }

    /// Makes every answer wait until `release()`, so that a test, not a clock, decides
    /// how long a delivery is left waiting (a fixed delay races a loaded machine).
    public func hold() {
        lock.lock(); gate = DispatchSemaphore(value: 0); lock.unlock()
    }

    public func release() {
        lock.lock(); let held = gate; gate = nil; lock.unlock()
        held?.signal()
    }

    public func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return }
            handle(client)
        }
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { return }
            data += buffer[0..<n]
            if headerEnd == nil, let r = findHeaderEnd(data) {
                headerEnd = r
                let head = String(decoding: data[0..<r], as: UTF8.self)
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let h = headerEnd, data.count >= h + 4 + contentLength { break }
        }
        let h = headerEnd!
        let lines = String(decoding: data[0..<h], as: UTF8.self).split(separator: "\r\n").map(String.init)
        let requestLine = lines.first?.split(separator: " ").map(String.init) ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = String(decoding: data[(h + 4)..<(h + 4 + contentLength)], as: UTF8.self)
        lock.lock()
        received.append(Request(method: requestLine.first ?? "", path: requestLine.count > 1 ? requestLine[1] : "", headers: headers, body: body))
        let status = self.status, reply = self.reply, delay = self.delay, held = gate
        lock.unlock()
        if let held {
            held.wait()
            held.signal()  // for any other answer held with this one
        }
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        let response = "HTTP/1.1 \(status) Status\r\nContent-Type: text/plain\r\nContent-Length: \(reply.utf8.count)\r\nConnection: close\r\n\r\n\(reply)"
        _ = response.withCString { write(client, $0, strlen($0)) }
    }

    private func findHeaderEnd(_ d: [UInt8]) -> Int? {
        guard d.count >= 4 else { return nil }
        for i in 0...(d.count - 4) where d[i] == 13 && d[i + 1] == 10 && d[i + 2] == 13 && d[i + 3] == 10 { return i }
        return nil
    }
}
