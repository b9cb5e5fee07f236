import ArgumentParser
import Foundation
import GroveLua

/// The recipes (`scripts/recipes/*.lua`, installed as `share/grove/recipes/`), each
/// described by its header comment: `--[[ NAME.lua - purpose.` and the text up to `]]`.
struct RecipeBook {
    struct Recipe {
        var name: String
        var path: String
        /// The header's first line after `NAME.lua - `.
        var purpose: String
        /// The rest of the header comment.
        var details: String
    }

    let directory: String
    let recipes: [Recipe]

    init(directory: String) {
        self.directory = directory
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".lua") }.sorted()
        recipes = files.map { file in
            let path = directory + "/" + file
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return Self.recipe(named: String(file.dropLast(4)), path: path, text: text)
        }
    }

    static func recipe(named name: String, path: String, text: String) -> Recipe {
        guard let open = text.range(of: "--[["), let close = text.range(of: "]]", range: open.upperBound..<text.endIndex) else {
            return Recipe(name: name, path: path, purpose: "", details: "")
        }
        let header = text[open.upperBound..<close.lowerBound]
        var lines = header.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var first = lines.isEmpty ? "" : lines.removeFirst().trimmingCharacters(in: .whitespaces)
        if let dash = first.range(of: " - ") { first = String(first[dash.upperBound...]) }
        while lines.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeFirst() }
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        return Recipe(name: name, path: path, purpose: first, details: lines.joined(separator: "\n"))
    }

    func recipe(_ name: String) -> Recipe? {
        let bare = name.hasSuffix(".lua") ? String(name.dropLast(4)) : name
        return recipes.first { $0.name == bare }
    }

    /// `docs/recipes.md`.
    func markdown() -> String {
        var out = [ReferencePages.notice, "", "# Recipes", "",
                   "Scripts for common group administration, in `scripts/recipes/` (installed in "
                   + "`share/grove/recipes/`). Run one with `grove recipe NAME ARGS` or "
                   + "`grove run scripts/recipes/NAME.lua ARGS`; `grove recipe --list` lists them.", ""]
        for recipe in recipes {
            out += ["## \(recipe.name)", "", recipe.purpose, "", "```text", recipe.details, "```", ""]
        }
        return out.joined(separator: "\n")
    }
}

/// `grove recipe --list`; `grove recipe NAME ARGS` runs as `grove run PATH ARGS` (the
/// entry point rewrites it before parsing, so every option of `run` applies).
struct RecipeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipe",
        abstract: "Run one of Grove's recipes (grove recipe NAME ARGS), or list them (--list).")

    @Flag(name: .long, help: "List the recipes with their purpose.")
    var list = false

    @Argument(help: ArgumentHelp("The recipe and its arguments.", valueName: "name [args]"))
    var words: [String] = []

    static func book() throws -> RecipeBook {
        guard let directory = ScriptHost.locateRecipes(variable: ProcessInfo.processInfo.environment(_:)) else {
            throw ValidationError("no recipes found (set GROVE_RECIPES, or install Grove with scripts/install)")
        }
        return RecipeBook(directory: directory)
    }

    func run() throws {
        guard list else { throw ValidationError("name a recipe, or --list them") }
        let book = try Self.book()
        let width = book.recipes.map(\.name.count).max() ?? 0
        for recipe in book.recipes {
            print(recipe.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + recipe.purpose)
        }
    }

    /// `recipe [OPTIONS] NAME ARGS` -> `run [OPTIONS] PATH ARGS`; nil when no recipe is named.
    static func rewrite(_ arguments: [String]) throws -> [String]? {
        guard arguments.first == "recipe" else { return nil }
        var index = 1
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" { index += 1; break }
            guard word.hasPrefix("-") else { break }
            index += GroveCommand.optionsTakingValues.contains(word) ? 2 : 1
        }
        guard index < arguments.count else { return nil }
        let name = arguments[index]
        let book = try book()
        guard let recipe = book.recipe(name) else {
            let guess = NameSuggestion.closest(to: name, among: book.recipes.map(\.name)).map { "did you mean \($0)? " } ?? ""
            throw ValidationError("no recipe '\(name)'; \(guess)recipes: \(book.recipes.map(\.name).joined(separator: ", "))")
        }
        var rewritten = arguments
        rewritten[0] = "run"
        rewritten[index] = recipe.path
        return rewritten
    }
}
