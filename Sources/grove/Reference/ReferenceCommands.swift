import ArgumentParser
import Foundation

/// Where a generated text goes: a file, or standard output.
struct OutputFileOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func write(_ text: String) throws {
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        try text.write(toFile: output, atomically: true, encoding: .utf8)
    }
}

extension BindingCatalog {
    /// The catalog of a fresh state over a throw-away store: what every script sees.
    static func standard() throws -> BindingCatalog {
        let host = try ScriptHost(store: .memory, invocation: ["grove"], scriptArguments: [])
        return try read(from: host)
    }
}

struct Annotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotations",
        abstract: "Write a Lua language server definition file of Grove's globals (for editors).")

    @OptionGroup var output: OutputFileOption

    func run() throws {
        try output.write(LuaAnnotations.render(try BindingCatalog.standard()))
    }
}

struct Luacheckrc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luacheckrc",
        abstract: "Print a luacheck configuration declaring Grove's globals and module fields.")

    @OptionGroup var output: OutputFileOption

    func run() throws {
        try output.write(LuacheckConfig.render(try BindingCatalog.standard()))
    }
}

struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Write the reference pages (DIR/reference/*.md) and DIR/recipes.md, generated from the operations.")

    @Option(name: .long, help: ArgumentHelp("The documentation directory.", valueName: "dir"))
    var output = "docs"

    func run() throws {
        for (path, text) in try Self.pages() {
            let url = URL(fileURLWithPath: output).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// Path under the documentation directory -> contents: what `grove docs` writes.
    static func pages() throws -> [String: String] {
        var pages: [String: String] = [:]
        for (file, text) in ReferencePages.render(try BindingCatalog.standard()) { pages["reference/" + file] = text }
        pages["recipes.md"] = try RecipeCommand.book().markdown()
        return pages
    }
}
