import Foundation
import GroveLua

/// The interactive shell, in the spirit of lua.c: an expression prints its value,
/// an incomplete chunk (a syntax error at `<eof>`) continues on the next line,
/// errors are reported and the shell goes on; Ctrl-C cancels, Ctrl-D leaves.
struct REPL {
    static let prompt = "grove> "
    static let continuation = "  ...> "

    let host: ScriptHost

    func run() -> Int32 {
        let onTerminal = isatty(STDIN_FILENO) != 0
        var reader: any LineReader = onTerminal
            ? EditlineReader(historyPath: Self.historyPath(), completer: Completer(lua: host.lua))
            : PlainLineReader()
        defer { reader.close() }
        if onTerminal {
            print("Grove \(GroveVersion.current) (Lua 5.4) - help() lists modules, Ctrl-D exits.")
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
            buffer.append(line)
            let chunk = buffer.joined(separator: "\n")
            switch evaluate(chunk) {
            case .needsMoreInput:
                continue
            case .done:
                reader.remember(chunk)
                buffer.removeAll()
            }
        }
        if onTerminal { print("") }
        return 0
    }

    enum Outcome { case done, needsMoreInput }

    private func evaluate(_ chunk: String) -> Outcome {
        do {
            try host.evaluateAndShow(chunk, chunkName: "=stdin")
        } catch let error as ScriptError where error.isIncompleteInput {
            return .needsMoreInput
        } catch {
            host.report(error)
        }
        return .done
    }

    /// `$XDG_STATE_HOME/grove/history`, else `~/.local/state/grove/history`.
    static func historyPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/state")
        return base + "/grove/history"
    }
}

enum GroveVersion {
    static let current = "0.1.0"
}
