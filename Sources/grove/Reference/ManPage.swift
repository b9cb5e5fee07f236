import ArgumentParser
import Foundation

/// `grove man`: the manual page grove(1), in roff, from the commands' own help and the
/// catalog's modules; `scripts/install` installs it as share/man/man1/grove.1.
struct ManPage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "man",
        abstract: "Print the manual page grove(1) in roff.",
        shouldDisplay: false)

    @OptionGroup var output: OutputFileOption

    func run() throws {
        try output.write(Self.render(try BindingCatalog.standard()))
    }

    static func render(_ catalog: BindingCatalog) -> String {
        let root = GroveCommand.configuration
        var out = [
            ".TH GROVE 1",
            ".SH NAME",
            "grove \\- " + escape(root.abstract),
            ".SH SYNOPSIS",
            ".nf",
        ]
        out += root.discussion.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }.map { escape(String($0)) }
        out += [".fi", ".SH DESCRIPTION", escape(root.abstract), ".SH COMMANDS"]
        for command in root.subcommands where command.configuration.shouldDisplay {
            out += [".TP", "\\fB\(GroveCommand.name(command))\\fR", escape(command.configuration.abstract)]
        }
        out += [".SH OPTIONS", "Of \\fBgrove run\\fR, the default command:", ".nf"]
        out += Run.helpMessage(columns: 100).split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }
        out += [".fi", ".SH LUA MODULES", "Every script sees these globals; \\fBhelp(module)\\fR in the shell describes them."]
        for entry in catalog.documentedGlobals {
            out += [".TP", "\\fB\(entry.name)\\fR", escape(entry.summary.isEmpty ? entry.signature : entry.summary)]
        }
        out += [".SH EXIT STATUS"]
        for status in ExitStatus.allCases {
            out += [".TP", "\(status.rawValue)", escape(status.meaning)]
        }
        out += [
            ".SH ENVIRONMENT",
            ".TP", "GITLAB_TOKEN", "The token for \\-\\-url (or \\-\\-gitlab '').",
            ".TP", "GITLAB_URL, GITLAB_HOST", "The GitLab of \\-\\-gitlab ''.",
            ".TP", "PYTHON_GITLAB_CFG", "python\\-gitlab's configuration file, read by \\-\\-gitlab NAME.",
            ".TP", "GROVE_PATH", "More Lua module directories for require (;; means here).",
            ".TP", "GROVE_STDLIB, GROVE_RECIPES", "Where Grove's Lua modules and recipes are, when not next to the executable.",
            ".TP", "GROVE_PROGRESS", "always or never: progress bars on or off (by default only on a terminal).",
            ".SH SEE ALSO",
            "The reference pages in docs/reference/ of Grove's source, \\fBgrove annotations\\fR, \\fBgrove luacheckrc\\fR.",
        ]
        return out.joined(separator: "\n") + "\n"
    }

    /// roff: a backslash is an escape, a line starting with . or ' a request.
    static func escape(_ text: String) -> String {
        var text = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
        if text.hasPrefix(".") || text.hasPrefix("'") { text = "\\&" + text }
        return text
    }
}
