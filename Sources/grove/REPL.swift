import Foundation
import GroveCore
import GroveLua

/// The interactive shell, in the spirit of lua.c: an expression prints its value,
/// an incomplete chunk (a syntax error at `<eof>`) continues on the next line,
/// errors are reported and the shell goes on; Ctrl-C cancels, Ctrl-D leaves.
/// `name?` shows help, `.save FILE` keeps the session as a script (see `ShellCommand`).
final class REPL {
    static let prompt = "grove> "
    static let continuation = "  ...> "

    let host: ScriptHost
    private let display: ShellDisplay
    private var log = SessionLog()
    /// Whether `SecretLines.notice` was said this session.
    private var saidSecretNotice = false

    init(host: ScriptHost, pager: Pager = Pager()) {
        self.host = host
        self.display = ShellDisplay(host: host, pager: pager)
    }

    func run() -> Int32 {
        do {
            try host.installModules()
        } catch {
            return host.report(error)
        }
        let onTerminal = isatty(STDIN_FILENO) != 0
        var reader: any LineReader = PlainLineReader()
        if onTerminal {
            do {
                reader = try EditlineReader(historyPath: Self.historyPath(), completer: Completer(lua: host.lua, registry: host.registry))
            } catch {
                reader = PlainLineReader(onTerminal: true)
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
            }
        }
        defer { reader.close() }
        // Installs the SIGINT handler, so that Ctrl-C cancels the line being typed even
        // before the first statement has run (the default action would end the shell).
        host.lua.armInterrupt()
        host.lua.disarmInterrupt()
        if onTerminal {
            print("Grove \(GroveVersion.grove) (Lua 5.4) - help() lists modules, name? shows help, .help the shell's commands, Ctrl-D exits.")
        }
        var buffer: [String] = []
        while true {
            let (line, interrupted) = reader.readLine(prompt: buffer.isEmpty ? Self.prompt : Self.continuation)
            if interrupted {
                buffer.removeAll()
                print("")
                continue
            }
            guard let line else { break }
            if buffer.isEmpty, let command = ShellCommand(line) {
                remember(line, in: &reader)
                perform(command)
                continue
            }
            buffer.append(line)
            let chunk = buffer.joined(separator: "\n")
            switch evaluate(chunk) {
            case .needsMoreInput:
                continue
            case .done:
                remember(chunk, in: &reader)
                buffer.removeAll()
            }
        }
        if onTerminal { print("") }
        return 0
    }

    /// Into the history, unless it holds a secret (said once).
    private func remember(_ entry: String, in reader: inout any LineReader) {
        if SecretLines.holdsSecret(entry) {
            sayWithheld()
        } else {
            reader.remember(entry)
        }
    }

    private func sayWithheld() {
        guard !saidSecretNotice else { return }
        saidSecretNotice = true
        FileHandle.standardError.write(Data((SecretLines.notice + "\n").utf8))
    }

    enum Outcome { case done, needsMoreInput }

    /// Runs a chunk and shows its values; a chunk that succeeded joins the session's
    /// statements when `recorded`.
    private func evaluate(_ chunk: String, recorded: Bool = true) -> Outcome {
        do {
            let (compiled, isExpression) = try host.compileForShowing(chunk, chunkName: "=stdin")
            try display.run(compiled)
            let isStatement = !isExpression || (try? host.lua.load(chunk, chunkName: "=stdin")) != nil
            guard recorded else { return .done }
            log.record(chunk, isExpression: isExpression, isStatement: isStatement)
        } catch let error as ScriptError where error.isIncompleteInput {
            return .needsMoreInput
        } catch {
            host.report(error)
        }
        return .done
    }

    private func perform(_ command: ShellCommand) {
        switch command {
        case .help(let name):
            // `groups.craete?` goes through the module's did-you-mean like any other use.
            if case .needsMoreInput = evaluate("help(\(name ?? ""))", recorded: false) { _ = host.report("cannot show help for \(name ?? "")") }
        case .history:
            if !log.entries.isEmpty { print(log.listing) }
            if log.secretCount > 0 { sayWithheld() }
        case .save(let file):
            let path = (file as NSString).expandingTildeInPath
            do {
                try log.script(connection: connectionDescription).write(toFile: path, atomically: true, encoding: .utf8)
                let (count, secrets) = (log.entries.count - log.secretCount, log.secretCount)
                let withheld = secrets == 0 ? "" : " (\(secrets) holding a secret left out)"
                print("saved \(count) statement\(count == 1 ? "" : "s") to \(path)\(withheld)")
                if secrets > 0 { sayWithheld() }
            } catch {
                _ = host.report("cannot write \(path): \(error.localizedDescription)")
            }
        case .connect(let name):
            do {
                try host.connect(section: name == "-" ? nil : name)
                print("connected to \(host.session.backend.name)")
            } catch {
                _ = host.report(".connect \(name): \(error)")
            }
        case .commands:
            print(ShellCommand.summary)
        case .unknown(let word, let problem):
            _ = host.report(problem ?? ShellCommand.unknownMessage(word))
        }
    }

    /// Where this session's statements went: what `.save` writes in its header.
    var connectionDescription: String {
        if let remote = host.remote { return "GitLab \(remote.url) (\(remote.origin))" }
        return switch host.store {
        case .memory: "in-memory store (grove --memory)"
        case .file(let path): "store \(path) (grove --db \(path))"
        }
    }

    /// `$XDG_STATE_HOME/grove/history`, else `~/.local/state/grove/history`.
    static func historyPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/state")
        return base + "/grove/history"
    }
}
