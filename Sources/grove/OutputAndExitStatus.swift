import GroveLua

/// How `-e` values and a script's returned values are printed.
enum OutputFormat: String {
    /// `grove.inspect`, for people.
    case inspect
    /// `--json`: one JSON document; a lazy list becomes an array.
    case json
    /// `--jsonl`: one JSON line per item of a lazy list or array, else one line.
    case jsonLines = "jsonl"
}

/// grove's exit statuses, documented in the man page and docs/scripting.md.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// A Lua error: a syntax error, `error(...)`, a bad argument.
    case scriptError = 1
    /// The command line is wrong (ArgumentParser's validation errors).
    case usage = 2
    /// A Grove API error (it carries an HTTP status) the script did not catch.
    case apiError = 3

    static func of(_ error: Error) -> ExitStatus {
        switch error {
        case let error as ScriptError where error.structured?.status != nil: .apiError
        case let error as StructuredError where error.status != nil: .apiError
        case let error as LuaErrorConvertible where error.structuredError(function: "").status != nil: .apiError
        default: .scriptError
        }
    }

    var meaning: String {
        switch self {
        case .success: "success"
        case .scriptError: "a script error (Lua syntax or runtime error)"
        case .usage: "a usage error (bad command-line arguments)"
        case .apiError: "a Grove API error the script did not catch; the message carries its HTTP status"
        }
    }
}
