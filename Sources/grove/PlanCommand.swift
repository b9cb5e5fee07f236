import ArgumentParser
import Foundation
import GroveBindings
import GroveCore
import GroveLua
import GroveRemote

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `grove plan`: mirrors the groups a script needs into a temporary store, runs the script
/// there as the token's user, and prints what it changed there (the audit events the core
/// recorded): what it would change on the GitLab, checked against GitLab's rules.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Rehearse a script against a mirror of a GitLab and print the changes it would make.",
        discussion: """
            Mirrors each --group subtree (every top-level group the token can see when no
            --group is given) into a temporary store, runs SCRIPT there as the token's user
            and prints one line per change, grouped by resource, secrets redacted, with a
            summary. A change the core refuses that the script does not catch is shown as
            refused and ends the plan (exit 1), as does any other script error. Changes
            through other connections the script opens are refused: they would be real.
            --json prints the plan as JSON, with a fingerprint of every mirrored group:
            grove apply --plan FILE refuses to run when one has changed since.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("Full path of a group the script needs, with its subtree (repeatable; default: every top-level group).", valueName: "path"))
    var group: [String] = []

    @Flag(name: .long, help: "Print the plan as JSON (for review, and for grove apply --plan).")
    var json = false

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The script and its arguments.", valueName: "script [args]"))
    var scriptAndArguments: [String] = []

    func validate() throws {
        // The script's arguments are passed through as they are, so --help would be one.
        if let first = scriptAndArguments.first, first == "--help" || first == "-h" { throw CleanExit.helpRequest(Self.self) }
        if connection.url == nil && connection.gitlab == nil { throw ValidationError("--url or --gitlab names the GitLab to plan against") }
        if scriptAndArguments.isEmpty { throw ValidationError("name the script to plan") }
    }

    func run() throws {
        let configuration = try connection.resolvedRemote(for: "plan")
        let client = try RemoteClient(configuration, log: connection.verbose ? ScriptHost.logRetry : nil)
        var reader = MirrorReader(client: client)
        reader.progress = MirrorProgress.onTerminal()
        let script = scriptAndArguments[0]
        let digest = try ScriptDigest.of(script)

        let snapshot: MirrorSnapshot, roots: [String]
        do {
            roots = group.isEmpty ? try reader.topLevelGroups() : group
            snapshot = try reader.read(roots: roots)
        } catch {
            FileHandle.standardError.write(Data("grove plan: mirroring: \(error)\n".utf8))
            throw ExitCode.failure
        }
        guard let caller = snapshot.caller, let callerId = caller["id"]?.intValue, let username = caller["username"]?.stringValue else {
            FileHandle.standardError.write(Data("grove plan: the token's user cannot be read (GET /user): the plan runs as that user\n".utf8))
            throw ExitCode.failure
        }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grove-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // No hook transport: a plan sends nothing (mirrored hooks refuse test deliveries anyway).
        let store = try GroveStore.open(path: directory.appendingPathComponent("mirror.sqlite").path)
        do {
            _ = try MirrorWriter(snapshot).write(into: store)
        } catch {
            FileHandle.standardError.write(Data("grove plan: writing the mirror: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let before = try store.lastAuditEventId()

        let rehearsal = RehearsalBackend(rehearsing: configuration.url, as: .user(id: callerId)) { store }
        rehearsal.lookUpUser = { username in
            guard try store.userId(username: username) == nil, let user = try reader.user(named: username) else { return }
            try store.importRecords(as: .root) { try $0.user(user) }
        }
        rehearsal.lookUpUserId = { id in
            guard try !store.hasUser(id: id), case .value(let user) = try reader.get("/users/\(id)") else { return }
            try store.importRecords(as: .root) { try $0.user(user) }
        }
        let host = try ScriptHost(store: .memory, remote: configuration, rehearsal: rehearsal, verbose: connection.verbose,
                                  invocation: CommandLine.arguments, scriptArguments: scriptAndArguments)
        // os.exit would leave before the plan is printed: during a plan it ends the script
        // as an error that says the status.
        try ScriptExit.install(in: host.lua)
        // Under --json standard output carries the plan only: what the script prints goes to stderr.
        var status = json ? StandardOutput.onStandardError { host.runFile(script) } : host.runFile(script)
        var failure = host.lastError.map { "\($0)" }
        // Any failure is exit status 1; os.exit(N), N.
        var exitStatus: Int32 = status == 0 ? 0 : 1
        if status != 0, let error = host.lastError, let exited = ScriptExit.status(of: error) {
            (status, exitStatus) = (exited, exited)
            failure = exited == 0 ? nil : "the script called os.exit(\(exited))"
        }

        let origin = Plan.Origin(url: configuration.url, script: script, scriptDigest: digest, arguments: Array(scriptAndArguments.dropFirst()),
                                 roots: group.isEmpty ? [] : roots, allTopLevel: group.isEmpty, state: snapshot.state,
                                 settingsFingerprint: snapshot.settingsFingerprint)
        var plan = Plan(origin: origin, user: username, unreadable: snapshot.unreadable)
        plan.changes = try store.auditEvents(afterId: before, limit: nil).map(Plan.Change.init)
        if status != 0 {
            plan.error = failure ?? "exit status \(status)"
            if let refusal = rehearsal.lastRefusal, Self.ended(host.lastError, refusal) {
                plan.refused.append(Plan.Refused(function: refusal.function, target: refusal.params["id"].map(Plan.show),
                                                 status: refusal.error.status, message: Self.withStatus(refusal.error)))
            }
        }
        if json {
            print(JSONText.encode(plan.json, pretty: true))
        } else {
            if !plan.unreadable.isEmpty {
                var note = "grove plan: not readable with this token (the plan does not know them):\n"
                for line in plan.unreadable { note += "  \(line)\n" }
                FileHandle.standardError.write(Data(note.utf8))
            }
            print("plan for \(configuration.url) as @\(username) (\(snapshot.groups.count) groups mirrored):")
            print(plan.text, terminator: "")
        }
        if exitStatus != 0 { throw ExitCode(exitStatus) }
    }

    /// GitLab's message, which usually starts with its status (`403 Forbidden`), with it.
    static func withStatus(_ error: APIError) -> String {
        error.message.hasPrefix(String(error.status)) ? error.message : "\(error.status) \(error.message)"
    }

    /// Whether the error that ended the script is the refusal: the same function and status.
    static func ended(_ error: Error?, _ refusal: RehearsalBackend.Refusal) -> Bool {
        let raised: StructuredError? = switch error {
        case let error as ScriptError: error.structured
        case let error as StructuredError: error
        default: nil
        }
        guard let raised, raised.status == refusal.error.status else { return false }
        return raised.function == refusal.function || raised.message == refusal.error.message
    }
}

/// The SHA-256 of a script's bytes: a plan is for that script, not an edited one.
enum ScriptDigest {
    static func of(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot open \(path)") }
        return Fingerprint.of(data)
    }
}

/// Standard output redirected while a body runs (Lua's print writes to the C stdout).
enum StandardOutput {
    static func onStandardError<T>(_ body: () throws -> T) rethrows -> T {
        fflush(nil)  // every C stream: Lua's print buffers in stdout
        let saved = dup(STDOUT_FILENO)
        if saved >= 0 { dup2(STDERR_FILENO, STDOUT_FILENO) }
        defer {
            fflush(nil)  // every C stream: Lua's print buffers in stdout
            if saved >= 0 {
                dup2(saved, STDOUT_FILENO)
                close(saved)
            }
        }
        return try body()
    }
}

extension ConnectionOptions {
    /// The GitLab named by --url or --gitlab; a usage error when none or a bad one.
    func resolvedRemote(for command: String) throws -> RemoteConfiguration {
        do {
            guard let resolved = try configuration() else { throw ValidationError("--url or --gitlab names the GitLab to \(command)") }
            return resolved
        } catch let error as RemoteConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
