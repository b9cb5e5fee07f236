import ArgumentParser
import Dispatch
import Foundation
import GroveCore
import GroveServer
import Logging
import NIOCore
import NIOPosix

/// `grove serve`: GitLab's REST API v4 over the embedded store.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve GitLab's REST API v4 (/api/v4) over the embedded store.",
        discussion: "Authenticate with a personal access token (grove admin token) in the PRIVATE-TOKEN header, "
            + "Authorization: Bearer, or ?private_token=. Stops gracefully on SIGINT/SIGTERM."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .customLong("external-url"), help: ArgumentHelp("URL clients reach the server at (Link headers, web_url).", valueName: "url"))
    var externalURL: String?

    @Flag(help: "No access log.")
    var quiet = false

    @Option(name: .customLong("failed-auth-limit"),
            help: ArgumentHelp("Failed authentications from one address within a minute before it is refused (429) for an hour; 0: never.", valueName: "n"))
    var failedAuthLimit = 10

    func run() throws {
        // Swift concurrency's jobs then run on NIO's event loops: a request's handler runs
        // on the thread that read it, instead of hopping to the concurrency pool and back
        // (NIO's API for servers; it must be called once, from the main thread, as here).
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let groveStore: GroveStore
        do {
            groveStore = try ScriptHost.open(store.location, registry: .standard())
        } catch {
            throw ValidationError("cannot open the store \(store.location.description): \(error)")
        }
        groveStore.baseURL = externalURL ?? "http://\(host):\(port)"
        let configuration = ServerConfiguration(host: host, port: port, externalURL: externalURL, accessLog: !quiet,
                                                failedAuthenticationLimit: failedAuthLimit > 0 ? FailedAuthenticationLimit(maxRetry: failedAuthLimit) : nil)
        let logger = Logger(label: "grove.server")
        let app = buildApplication(store: groveStore, configuration: configuration, logger: logger) { boundPort in
            logger.info("grove serve: listening on http://\(configuration.host):\(boundPort)/api/v4 (store \(store.location.description))")
        }
        // The root command is synchronous: run the server on the concurrency pool and wait.
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await app.runService() } catch { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if let error = outcome.error {
            FileHandle.standardError.write(Data("grove serve: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Error?
        func set(_ error: Error) { lock.lock(); stored = error; lock.unlock() }
        var error: Error? { lock.lock(); defer { lock.unlock() }; return stored }
    }
}
