import Foundation
import Testing

/// Issue 16: grove in an administrator's toolbox: editor support, luacheck, generated
/// reference pages, recipes by name, and an install that uninstalls cleanly.
@Suite("An administrator's toolbox")
struct ToolboxTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let dir: URL
    init() throws { dir = try GroveProcess.temporaryDirectory() }

    /// Runs a program (not grove) and collects its output.
    static func execute(_ path: String, _ arguments: [String], environment: [String: String]? = nil,
                        in directory: URL? = nil) throws -> GroveProcess.Output {
        try GroveProcess.run(arguments, environment: [:], executable: URL(fileURLWithPath: path), replacing: environment,
                             directory: directory)
    }

    @Test("grove annotations: ---@meta, a class per options table, ---@param/---@return for every binding")
    func annotations() throws {
        let file = dir.appendingPathComponent("grove.lua").path
        let result = try GroveProcess.run(["annotations", "--output", file])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("---@meta"))
        #expect(text.contains("---@class groups.create.Options"))
        #expect(text.contains("---@field path string"))
        #expect(text.contains("---@field visibility? \"private\"|\"internal\"|\"public\""), "enumerations become literal unions")
        #expect(text.contains("---@param options groups.create.Options\n"))
        #expect(text.contains("function groups.create(options) end"))
        #expect(text.contains("---@param id integer|string"))
        #expect(text.contains("---@return grove.list.GroupSummary\nfunction groups.list(options) end"), "a list names its items' class")
        #expect(text.contains("---@class grove.list.GroupSummary: grove.iterator"))
        #expect(text.contains("---@field all fun(self: grove.list.GroupSummary): grove.GroupSummary[]"))
        #expect(text.contains("---@class grove.Group\n"), "a class per result shape")
        #expect(text.contains("---@field full_path string\n") && text.contains("---@field parent_id integer|grove.null\n"))
        #expect(text.contains("---@field runners_token? string\n"), "a field only some answers have is optional")
        #expect(text.contains("---@return grove.Group\nfunction groups.get(id, options) end"))
        #expect(text.contains("---GitLab: `POST /api/v4/groups`"))
        #expect(text.contains("grove.null = nil") && text.contains("---@class grove.null"))
        #expect(text.contains("grove.access.developer = 30"))
        #expect(text.contains("function iterator:first(n) end"))
        #expect(text.contains("function grove.as("))
        // Standard output without --output.
        #expect(try GroveProcess.run(["annotations"]).stdout == text)
        // Valid Lua: every line is a comment or a declaration the interpreter accepts.
        let check = try GroveProcess.run(["--memory", "-e", "assert(loadfile('\(file)'))"])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test("grove luacheckrc: luacheck finds nothing in stdlib/ and scripts/recipes/, and flags a misspelt function")
    func luacheck() throws {
        let luacheck = try #require(["/usr/bin/luacheck", "/usr/local/bin/luacheck"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                    "luacheck is missing: scripts/test installs the Debian package lua-check")
        let rc = dir.appendingPathComponent("luacheckrc").path
        let printed = try GroveProcess.run(["luacheckrc", "--output", rc])
        #expect(printed.status == 0, "\(printed.stderr)")
        let clean = try Self.execute(luacheck, ["--config", rc, "--codes", "--no-color", "stdlib", "scripts/recipes"], in: Self.root)
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        let typo = dir.appendingPathComponent("typo.lua").path
        try "groups.craete{name = 'A', path = 'a'}\nprint(grove.null, grove.access.developer, undefined_global)\n"
            .write(toFile: typo, atomically: true, encoding: .utf8)
        let flagged = try Self.execute(luacheck, ["--config", rc, "--codes", "--no-color", typo])
        #expect(flagged.status != 0)
        #expect(flagged.stdout.contains("undefined field 'craete' of global 'groups'"), "\(flagged.stdout)")
        #expect(flagged.stdout.contains("undefined_global"))
        #expect(!flagged.stdout.contains("field 'null'") && !flagged.stdout.contains("field 'access'") && !flagged.stdout.contains("'developer'"))
    }

    @Test("docs/reference and docs/recipes.md are what `grove docs` generates (regenerate: grove docs --output docs)")
    func referencePagesAreCurrent() throws {
        let generated = dir.appendingPathComponent("docs")
        let result = try GroveProcess.run(["docs", "--output", generated.path])
        #expect(result.status == 0, "\(result.stderr)")
        let committed = Self.root.appendingPathComponent("docs")
        let names = try FileManager.default.contentsOfDirectory(atPath: generated.appendingPathComponent("reference").path).sorted()
        let present = try FileManager.default.contentsOfDirectory(atPath: committed.appendingPathComponent("reference").path).sorted()
        #expect(names == present, "docs/reference differs from `grove docs`: run ./scripts/docs")
        #expect(names.contains("groups.md") && names.contains("grove.md") && names.contains("README.md"))
        for page in names.map({ "reference/" + $0 }) + ["recipes.md"] {
            let want = try String(contentsOf: generated.appendingPathComponent(page), encoding: .utf8)
            let have = try? String(contentsOf: committed.appendingPathComponent(page), encoding: .utf8)
            #expect(have == want, "docs/\(page) differs from `grove docs`: run ./scripts/docs")
        }
        let groups = try String(contentsOf: generated.appendingPathComponent("reference/groups.md"), encoding: .utf8)
        #expect(groups.contains("### groups.create") && groups.contains("GitLab: `POST /api/v4/groups`"))
        #expect(groups.contains("| `path` | string | yes |"))
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("docs/reference/README.md") && readme.contains("docs/scripting.md") && readme.contains("docs/recipes.md"))
    }

    @Test("grove recipe --list shows each recipe's purpose; grove recipe NAME ARGS runs it")
    func recipesByName() throws {
        let listed = try GroveProcess.run(["recipe", "--list"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("tour ") && listed.stdout.contains("Grove's main job"), "\(listed.stdout)")
        let recipes = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("scripts/recipes").path)
            .filter { $0.hasSuffix(".lua") }
        #expect(listed.stdout.split(separator: "\n").count == recipes.count, "one line per recipe of scripts/recipes")
        let tour = try GroveProcess.run(["recipe", "--memory", "tour"])
        #expect(tour.status == 0, "\(tour.stderr)")
        let unknown = try GroveProcess.run(["recipe", "tuor"])
        #expect(unknown.status == 2 && unknown.stderr.contains("did you mean tour?"), "\(unknown.stderr)")
    }

    /// Every file and directory under `dir`, relative to it.
    static func tree(_ dir: URL) -> [String] {
        let paths = FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []
        return paths.sorted()
    }

    @Test("scripts/install --binary (the debug build) into a prefix: grove runs there with an empty environment; --uninstall restores the prefix")
    func installAndUninstall() throws {
        let prefix = dir.appendingPathComponent("prefix")
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("share/man/man1"), withIntermediateDirectories: true)
        try "other".write(to: prefix.appendingPathComponent("share/man/man1/other.1"), atomically: true, encoding: .utf8)
        let before = Self.tree(prefix)
        let script = Self.root.appendingPathComponent("scripts/install").path
        let installed = try Self.execute(script, ["--prefix", prefix.path, "--binary", GroveProcess.executable.path])
        #expect(installed.status == 0, "\(installed.stderr)")
        for path in ["bin/grove", "share/grove/stdlib/grove/json.lua", "share/grove/recipes/tour.lua",
                     "share/bash-completion/completions/grove", "share/zsh/site-functions/_grove",
                     "share/fish/vendor_completions.d/grove.fish", "share/man/man1/grove.1"] {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(path).path), "\(path) missing")
        }
        let man = try String(contentsOf: prefix.appendingPathComponent("share/man/man1/grove.1"), encoding: .utf8)
        #expect(man.hasPrefix(".TH GROVE 1") && man.contains(".SH EXIT STATUS"))
        let grove = prefix.appendingPathComponent("bin/grove").path
        // An empty environment, from a directory far from the checkout: stdlib and recipes
        // come from the prefix.
        let json = try Self.execute(grove, ["--memory", "--json", "-e", "require('grove.inspect') and groups.list{}"],
                                    environment: [:], in: dir)
        #expect(json.status == 0 && json.stdout == "[]\n", "\(json.stdout)\(json.stderr)")
        let recipes = try Self.execute(grove, ["recipe", "--list"], environment: [:], in: dir)
        #expect(recipes.stdout.contains("tour"), "\(recipes.stderr)")
        let tour = try Self.execute(grove, ["recipe", "--memory", "tour"], environment: [:], in: dir)
        #expect(tour.status == 0, "\(tour.stderr)")
        let again = try Self.execute(script, ["--prefix", prefix.path, "--binary", GroveProcess.executable.path])
        #expect(again.status != 0 && again.stderr.contains("already installed"))
        let removed = try Self.execute(script, ["--uninstall", "--prefix", prefix.path])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(Self.tree(prefix) == before)
    }
}
