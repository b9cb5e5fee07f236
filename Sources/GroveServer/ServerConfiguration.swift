import Logging

/// How `grove serve` listens and what it tells clients about itself.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests read it back through `onServerRunning`).
    public var port: Int
    /// The URL clients reach the server at, for `Link` headers (default: from the request's
    /// `Host` header).
    public var externalURL: String?
    /// The largest request body accepted (avatars included).
    public var maxBodySize: Int
    /// Writes one access-log line per request.
    public var accessLog: Bool
    public var logLevel: Logger.Level
    /// The ban of an address after repeated failed authentications (nil: none).
    public var failedAuthenticationLimit: FailedAuthenticationLimit?
    /// A connection that sends nothing for this long is closed: idle keep-alive
    /// connections, and clients that open one and never finish a request, hold a file
    /// descriptor each until then.
    public var idleTimeoutSeconds: Int64 = 60

    public init(host: String = "127.0.0.1", port: Int = 8080, externalURL: String? = nil, maxBodySize: Int = 10 * 1024 * 1024,
                accessLog: Bool = true, logLevel: Logger.Level = .info,
                failedAuthenticationLimit: FailedAuthenticationLimit? = FailedAuthenticationLimit()) {
        self.host = host
        self.port = port
        self.externalURL = externalURL
        self.maxBodySize = maxBodySize
        self.accessLog = accessLog
        self.logLevel = logLevel
        self.failedAuthenticationLimit = failedAuthenticationLimit
    }
}
