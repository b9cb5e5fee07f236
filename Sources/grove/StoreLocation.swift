import Foundation

/// Which embedded store a run uses; the core opens it.
enum StoreLocation: Equatable {
    case memory
    case file(String)

    /// `$XDG_DATA_HOME/grove/grove.sqlite`, else `~/.local/share/grove/grove.sqlite`.
    static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share")
        return base + "/grove/grove.sqlite"
    }

    var description: String {
        switch self {
        case .memory: ":memory:"
        case .file(let path): path
        }
    }
}
