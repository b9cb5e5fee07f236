/// An error that came out of Lua: a syntax error, a runtime error with its
/// traceback, or a structured error raised by a binding.
public struct ScriptError: Error, CustomStringConvertible {
    public enum Kind: Sendable { case syntax, runtime, memory, handler }
    public let kind: Kind
    /// The error as `tostring` shows it, without the traceback.
    public let message: String
    public let traceback: String?
    /// The structured error, when the value raised was one (`status`, `errors`...).
    public let structured: StructuredError?
    /// The raw error value, so a nested call can re-raise it unchanged.
    let raw: LuaRef?

    public var description: String { message }

    /// True when Lua reported a syntax error at the end of the chunk: more input may complete it.
    public var isIncompleteInput: Bool {
        kind == .syntax && message.hasSuffix("<eof>")
    }
}

/// A structured, table-like error raised into Lua: `err.status`, `err.message`,
/// `err.errors` (per-field messages) are readable after `pcall`, and `tostring(err)`
/// reads `groups.create: 400 {path = "has already been taken"}`.
public struct StructuredError: Error, Equatable, CustomStringConvertible {
    public var status: Int?
    public var message: String
    /// Per-field validation messages, in the order they were reported.
    public var errors: [(field: String, messages: [String])]
    /// The function that raised it (`groups.create`); prefixed by `tostring`.
    public var function: String?

    public init(status: Int? = nil, message: String, errors: [(field: String, messages: [String])] = [], function: String? = nil) {
        self.status = status
        self.message = message
        self.errors = errors
        self.function = function
    }

    public var description: String {
        var text = message
        if let status, !message.hasPrefix(String(status)) { text = "\(status) \(message)" }
        if let function { text = "\(function): \(text)" }
        return text
    }

    public static func == (a: StructuredError, b: StructuredError) -> Bool {
        a.status == b.status && a.message == b.message && a.function == b.function
            && a.errors.map(\.field) == b.errors.map(\.field) && a.errors.map(\.messages) == b.errors.map(\.messages)
    }
}

/// Swift errors that know how to present themselves to Lua as structured errors.
public protocol LuaErrorConvertible: Error {
    func structuredError(function: String) -> StructuredError
}

/// A bad argument, reported like luaL_argerror: `bad argument #2 to 'groups.create'
/// (table expected, got string)`, prefixed with the caller's position.
public struct ArgumentError: Error, CustomStringConvertible {
    public let position: Int
    public let function: String
    public let problem: String

    public init(position: Int, function: String, problem: String) {
        self.position = position
        self.function = function
        self.problem = problem
    }

    public var description: String { "bad argument #\(position) to '\(function)' (\(problem))" }
}

/// A Lua value that cannot become a Swift value (cyclic table, boolean key...).
public struct ConversionError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// An error raised in the name of another function than the one running: a lazy
/// list's page that fails to load fails as `groups.subgroups`, the function that
/// made the list, not as the iterator method that asked for the page.
struct RaisedFor: Error {
    let function: String
    let error: Error
}
