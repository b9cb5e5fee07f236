import Foundation
import GroveCore

/// A credential that never shows itself: printing, interpolating or logging it gives
/// `<redacted>`.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// Where a remote connection goes and how it behaves: python-gitlab's settings (`url`,
/// `private_token`/`oauth_token`/`job_token`, `ssl_verify`, `timeout`, `per_page`) plus
/// Grove's retry limit.
public struct RemoteConfiguration: Sendable, Equatable {
    public enum Credential: Sendable, Equatable {
        /// `PRIVATE-TOKEN: ...` (personal, group, project and service account tokens).
        case privateToken(Secret)
        /// `Authorization: Bearer ...`
        case oauthToken(Secret)
        /// `JOB-TOKEN: ...`
        case jobToken(Secret)
    }

    public enum TLSVerification: Sendable, Equatable {
        case on
        case off
        /// A CA bundle to verify against (python-gitlab's `ssl_verify = /path/ca.pem`).
        case caFile(String)
    }

    /// The instance's address without `/api/v4`: `https://gitlab.example.com`.
    public var url: String
    public var credential: Credential?
    public var tls: TLSVerification = .on
    /// Seconds one request may take, connecting included.
    public var timeout: Double = 60
    /// Retries after the first try (python-gitlab's `max_retries`).
    public var maxRetries: Int = 10
    /// The first page size of a list (GitLab's maximum, 100, unless configured).
    public var perPage: Int = 100
    /// The longest a request may take: a day (and milliseconds of it fit any integer).
    public static let maxTimeout: Double = 86_400

    /// A timeout as given, when it is a number of seconds between 0 (excluded) and a day.
    public static func timeout(_ seconds: Double) -> Double? {
        seconds > 0 && seconds <= maxTimeout ? seconds : nil
    }

    /// A page size GitLab serves whole (1 to 100), for every connection's `per_page`.
    public static func pageSize(_ n: Int64) -> Int? {
        (1...PaginationParams.maxPerPage).contains(n) ? Int(n) : nil
    }

    /// Where the connection came from, for messages: `--url`, `[prod] in ~/.python-gitlab.cfg`.
    public var origin: String = ""

    public init(url: String, credential: Credential? = nil) throws {
        self.url = try Self.normalized(url)
        self.credential = credential
    }

    /// `gitlab.example.com/` → `https://gitlab.example.com`; a trailing `/api/v4` is dropped.
    static func normalized(_ url: String) throws -> String {
        var text = url.trimmingCharacters(in: .whitespaces)
        if !text.contains("://") { text = "https://" + text }
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/api/v4") { text.removeLast("/api/v4".count) }
        guard let components = URLComponents(string: text), let scheme = components.scheme, ["http", "https"].contains(scheme),
              components.host?.isEmpty == false else {
            throw RemoteConfigurationError("url \(url) is not an http(s) address")
        }
        return text
    }

    /// The headers that authenticate a request.
    var authenticationHeaders: [(String, String)] {
        switch credential {
        case .privateToken(let token)?: [("PRIVATE-TOKEN", token.value)]
        case .oauthToken(let token)?: [("Authorization", "Bearer " + token.value)]
        case .jobToken(let token)?: [("JOB-TOKEN", token.value)]
        case nil: []
        }
    }

    /// Every secret of the configuration, for redacting output.
    public var secrets: [String] {
        switch credential {
        case .privateToken(let s)?, .oauthToken(let s)?, .jobToken(let s)?: [s.value]
        case nil: []
        }
    }
}

public struct RemoteConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// python-gitlab's configuration file (`PYTHON_GITLAB_CFG`, `~/.python-gitlab.cfg`,
/// `/etc/python-gitlab.cfg`): `[global]` holds `default` and defaults for `ssl_verify`,
/// `timeout` and `per_page`; each other section is an instance with `url` and a token.
/// A token value `helper: COMMAND` is the first line the command prints.
public struct PythonGitLabConfig {
    public let path: String
    let sections: [String: [String: String]]

    public init(path: String, text: String) {
        self.path = path
        var sections: [String: [String: String]] = [:]
        var current: String?
        var lastKey: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                current = String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                if let current, sections[current] == nil { sections[current] = [:] }
                lastKey = nil
                continue
            }
            guard let section = current else { continue }
            // configparser: an indented line continues the previous value.
            if line.first?.isWhitespace == true, let lastKey {
                sections[section]?[lastKey, default: ""] += "\n" + trimmed
                continue
            }
            guard let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = trimmed[..<separator].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            sections[section]?[key] = value
            lastKey = key
        }
        self.sections = sections
    }

    /// The first file that exists of `PYTHON_GITLAB_CFG` (python-gitlab lets it name
    /// several, separated by colons), `~/.python-gitlab.cfg`, `/etc/python-gitlab.cfg`.
    public static func locate(environment: [String: String]) throws -> PythonGitLabConfig {
        var candidates: [String] = []
        if let named = environment["PYTHON_GITLAB_CFG"], !named.isEmpty {
            candidates += named.split(separator: ":").map(String.init)
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        candidates += [home + "/.python-gitlab.cfg", "/etc/python-gitlab.cfg"]
        for path in candidates {
            let expanded = path.hasPrefix("~/") ? home + path.dropFirst() : path
            if let data = FileManager.default.contents(atPath: expanded) {
                return PythonGitLabConfig(path: expanded, text: String(decoding: data, as: UTF8.self))
            }
        }
        throw RemoteConfigurationError("no python-gitlab configuration file: looked for \(candidates.joined(separator: ", "))")
    }

    public var sectionNames: [String] { sections.keys.filter { $0 != "global" }.sorted() }

    /// The instance of section `name`, or of `[global] default` when nil.
    public func configuration(section name: String?) throws -> RemoteConfiguration {
        let global = sections["global"] ?? [:]
        guard let name = name ?? global["default"] else {
            throw RemoteConfigurationError("\(path): no section named and no default in [global]; sections: \(sectionNames.joined(separator: ", "))")
        }
        guard let section = sections[name], name != "global" else {
            throw RemoteConfigurationError("\(path): no section [\(name)]; sections: \(sectionNames.joined(separator: ", "))")
        }
        guard let url = section["url"], !url.isEmpty else { throw RemoteConfigurationError("\(path): [\(name)] has no url") }
        var configuration = try RemoteConfiguration(url: url)
        configuration.origin = "[\(name)] in \(path)"
        func setting(_ key: String) -> String? { section[key] ?? global[key] }
        if let token = section["private_token"] {
            configuration.credential = .privateToken(try Self.resolve(token, key: "private_token", origin: configuration.origin))
        } else if let token = section["oauth_token"] {
            configuration.credential = .oauthToken(try Self.resolve(token, key: "oauth_token", origin: configuration.origin))
        } else if let token = section["job_token"] {
            configuration.credential = .jobToken(try Self.resolve(token, key: "job_token", origin: configuration.origin))
        }
        if let verify = setting("ssl_verify") {
            switch verify.lowercased() {
            case "true", "yes", "on", "1": configuration.tls = .on
            case "false", "no", "off", "0": configuration.tls = .off
            default: configuration.tls = .caFile(verify)
            }
        }
        if let timeout = setting("timeout") {
            guard let seconds = Double(timeout).flatMap(RemoteConfiguration.timeout) else {
                throw RemoteConfigurationError("\(configuration.origin): timeout \(timeout) is not a number of seconds up to 86400")
            }
            configuration.timeout = seconds
        }
        if let perPage = setting("per_page") {
            guard let n = Int64(perPage).flatMap(RemoteConfiguration.pageSize) else {
                throw RemoteConfigurationError("\(configuration.origin): per_page \(perPage) is not between 1 and \(PaginationParams.maxPerPage)")
            }
            configuration.perPage = n
        }
        return configuration
    }

    /// A token as written, or what `helper: COMMAND` prints (its first line).
    static func resolve(_ value: String, key: String, origin: String) throws -> Secret {
        guard value.hasPrefix("helper:") else { return Secret(value) }
        let command = value.dropFirst("helper:".count).trimmingCharacters(in: .whitespaces)
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        let expanded = command.hasPrefix("~/") ? home + command.dropFirst() : command
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", expanded]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch {
            throw RemoteConfigurationError("\(origin): the \(key) helper could not start: \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RemoteConfigurationError("\(origin): the \(key) helper exited with status \(process.terminationStatus)")
        }
        let token = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !token.isEmpty else { throw RemoteConfigurationError("\(origin): the \(key) helper printed no token") }
        return Secret(token.trimmingCharacters(in: .whitespaces))
    }
}

extension RemoteConfiguration {
    /// A named python-gitlab section; or, with no name, the environment (GITLAB_URL or
    /// GITLAB_HOST, with GITLAB_TOKEN) when it names a GitLab, else the file's default
    /// section. The environment wins over the file, as glab and python-gitlab's CLI do.
    public static func resolve(section: String?, environment: [String: String]) throws -> RemoteConfiguration {
        if section == nil, (environment["GITLAB_URL"] ?? environment["GITLAB_HOST"]).map({ !$0.isEmpty }) == true {
            return try fromEnvironment(url: nil, tokenFile: nil, environment: environment)
        }
        return try PythonGitLabConfig.locate(environment: environment).configuration(section: section)
    }

    /// `--url` with a token from `--token-file`, else `GITLAB_TOKEN` (glab's convention);
    /// `url` nil takes `GITLAB_URL`, then `GITLAB_HOST`.
    public static func fromEnvironment(url: String?, tokenFile: String?, environment: [String: String]) throws -> RemoteConfiguration {
        guard let address = url ?? environment["GITLAB_URL"] ?? environment["GITLAB_HOST"], !address.isEmpty else {
            throw RemoteConfigurationError("no GitLab address: give --url, or set GITLAB_URL or GITLAB_HOST")
        }
        var configuration = try RemoteConfiguration(url: address)
        configuration.origin = url != nil ? "--url" : "the environment"
        if let token = try tokenFile.map(readTokenFile) ?? environment["GITLAB_TOKEN"].map(Secret.init), !token.value.isEmpty {
            configuration.credential = .privateToken(token)
        }
        return configuration
    }

    /// The first line of a file that holds a token.
    public static func readTokenFile(_ path: String) throws -> Secret {
        guard let data = FileManager.default.contents(atPath: path) else { throw RemoteConfigurationError("cannot read the token file \(path)") }
        let token = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !token.isEmpty else { throw RemoteConfigurationError("the token file \(path) is empty") }
        return Secret(token.trimmingCharacters(in: .whitespaces))
    }
}
