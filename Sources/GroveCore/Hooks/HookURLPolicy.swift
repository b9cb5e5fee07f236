import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `Gitlab::UrlBlocker` for hooks: http(s) only, and no loopback, private or link-local
/// addresses unless the instance allows local requests.
enum HookURLPolicy {
    enum Verdict: Equatable { case allowed, invalid, blocked(String) }

    static func check(_ text: String, allowLocal: Bool, resolve: Bool) -> Verdict {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else { return .invalid }
        if allowLocal { return .allowed }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare.hasSuffix(".localhost") { return .blocked("Requests to localhost are not allowed") }
        var addresses: [String] = isIPAddress(bare) ? [bare] : []
        if addresses.isEmpty && resolve {
            addresses = resolveHost(bare)
            if addresses.isEmpty { return .blocked("Host cannot be resolved or invalid") }
        }
        for address in addresses {
            if isLoopback(address) { return .blocked("Requests to localhost are not allowed") }
            if isLocalNetwork(address) { return .blocked("Requests to the local network are not allowed") }
        }
        return .allowed
    }

    static func isIPAddress(_ s: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, s, &v4) == 1 || inet_pton(AF_INET6, s, &v6) == 1
    }

    static func isLoopback(_ a: String) -> Bool {
        a.hasPrefix("127.") || a == "::1" || a == "0.0.0.0" || a == "::" || a.hasPrefix("::ffff:127.")
    }

    static func isLocalNetwork(_ a: String) -> Bool {
        let parts = a.split(separator: ".").compactMap { Int($0) }
        if parts.count == 4 {
            switch (parts[0], parts[1]) {
            case (10, _), (192, 168), (169, 254), (0, _): return true
            case (172, 16...31): return true
            case (100, 64...127): return true
            default: return false
            }
        }
        let lower = a.lowercased()
        return lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("fe80") || lower.hasPrefix("::ffff:10.") || lower.hasPrefix("::ffff:192.168.")
    }

    static func resolveHost(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var out: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                out.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = info.pointee.ai_next
        }
        return out
    }
}
