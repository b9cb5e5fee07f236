import Foundation
import GroveCore
import GroveLua

/// Everything a script can reach, read from a live Lua state: every global Grove adds,
/// the functions of its modules with their `grove.help` entries (signature, summary,
/// options, example), and, for the functions generated from an operation, the operation's
/// descriptor (parameter types, REST route, pagination). The annotations, the luacheck
/// configuration and the reference pages are all rendered from this one catalog.
struct BindingCatalog {
    struct Option {
        var name: String
        /// The descriptor's type when the function is an operation; else help's wording.
        var type: ParamType?
        var typeName: String
        var required: Bool
        var summary: String
    }

    enum Kind: String { case module, function, value }

    struct Entry {
        var kind: Kind
        /// The dotted path scripts write: `groups.members.add`.
        var name: String
        var signature: String
        var summary: String
        var options: [Option]
        var example: String?
        /// The value's Lua type, for a `value` entry.
        var valueType: String
        /// A scalar value (`grove.access.developer`), for a `value` entry.
        var value: LuaValue?
        /// Whether the table has a `grove.help` entry of its own (a registered module).
        var documented: Bool
        var descriptor: OperationDescriptor?

        /// `groups` for `groups.create`; nil for a global.
        var parent: String? { name.lastIndex(of: ".").map { String(name[..<$0]) } }
        /// `groups` for `groups.members.add`.
        var rootName: String { String(name.prefix { $0 != "." }) }
        var shortName: String { name.lastIndex(of: ".").map { String(name[name.index(after: $0)...]) } ?? name }
    }

    let entries: [Entry]

    func children(of module: String?) -> [Entry] { entries.filter { $0.parent == module } }

    /// The top-level modules and functions, in name order.
    var globals: [Entry] { children(of: nil).filter { !$0.name.contains(":") } }

    /// The globals with a `grove.help` entry: what the reference and the man page describe
    /// (not `arg`, which lua.c's scripts know).
    var documentedGlobals: [Entry] { globals.filter { $0.documented || $0.kind == .function } }

    /// `it:all()`, `it:first(n)`...: the methods of a lazy list.
    var iteratorMethods: [Entry] { entries.filter { $0.name.hasPrefix("iterator:") } }

    func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// Lua's own globals: what is not among them is Grove's.
    static let standardGlobals: Set<String> = [
        "_G", "_VERSION", "assert", "collectgarbage", "coroutine", "debug", "dofile", "error", "getmetatable",
        "io", "ipairs", "load", "loadfile", "math", "next", "os", "package", "pairs", "pcall", "print",
        "rawequal", "rawget", "rawlen", "rawset", "require", "select", "setmetatable", "string", "table",
        "tonumber", "tostring", "type", "utf8", "warn", "xpcall",
    ]

    /// Walks the globals of `host`'s state. Runs no operation.
    static func read(from host: ScriptHost) throws -> BindingCatalog {
        try host.installModules()
        let source = """
            local standard = ...
            local help = debug.getregistry()['grove.help']
            local null = grove and grove.null
            local entries, seen = {}, {}
            local function sorted_keys(t)
              local keys = {}
              for k in next, t do if type(k) == 'string' then keys[#keys + 1] = k end end
              table.sort(keys)
              return keys
            end
            local function walk(name, v, depth)
              local info = help[v]
              if type(v) == 'function' then
                entries[#entries + 1] = {kind = 'function', name = name,
                  signature = info and info.signature or (name .. '(...)'), summary = info and info.summary or '',
                  options = info and info.options or {}, example = info and info.example}
              elseif type(v) == 'table' and v ~= null and v ~= _G and not seen[v] and depth < 4 then
                seen[v] = true
                entries[#entries + 1] = {kind = 'module', name = name, summary = info and info.summary or '',
                  documented = info ~= nil}
                for _, k in ipairs(sorted_keys(v)) do walk(name .. '.' .. k, rawget(v, k), depth + 1) end
              else
                local scalar = type(v) == 'number' or type(v) == 'string' or type(v) == 'boolean'
                entries[#entries + 1] = {kind = 'value', name = name, type = v == null and 'null' or type(v),
                  value = scalar and v or nil, summary = ''}
              end
            end
            for _, k in ipairs(sorted_keys(_G)) do
              if not standard[k] then walk(k, rawget(_G, k), 0) end
            end
            -- The methods of a lazy list: it:all(), it:first(n)...
            local iterator = debug.getregistry()['grove.iterator']
            local methods = type(iterator) == 'table' and rawget(iterator, '__index')
            if type(methods) == 'table' then
              for _, k in ipairs(sorted_keys(methods)) do walk('iterator:' .. k, methods[k], 0) end
            end
            return entries
            """
        let standard = LuaValue.map(Dictionary(uniqueKeysWithValues: standardGlobals.map { ($0, LuaValue.boolean(true)) }))
        let results = try host.lua.call(host.lua.load(source, chunkName: "=[grove catalog]"), [standard])
        guard case .array(let rows)? = results.first else { return BindingCatalog(entries: []) }
        var operations: [String: OperationDescriptor] = [:]
        for descriptor in host.registry.descriptors {
            for name in [descriptor.luaName] + descriptor.luaAliases { operations[name] = descriptor }
        }
        let entries: [Entry] = rows.compactMap { row in
            guard case .map(let fields) = row, let kind = fields["kind"]?.stringValue.flatMap({ Kind(rawValue: $0) }),
                  let name = fields["name"]?.stringValue else { return nil }
            let descriptor = kind == .function ? operations[name] : nil
            var options: [Option] = []
            if case .array(let rows)? = fields["options"] {
                options = rows.compactMap { row in
                    guard case .map(let option) = row, let optionName = option["name"]?.stringValue else { return nil }
                    return Option(name: optionName, type: descriptor?.param(optionName)?.type,
                                  typeName: option["type"]?.stringValue ?? "any",
                                  required: option["required"] == .boolean(true), summary: option["summary"]?.stringValue ?? "")
                }
            }
            return Entry(kind: kind, name: name, signature: fields["signature"]?.stringValue ?? name,
                         summary: fields["summary"]?.stringValue ?? "", options: options,
                         example: fields["example"]?.stringValue, valueType: fields["type"]?.stringValue ?? "table",
                         value: fields["value"], documented: fields["documented"] == .boolean(true), descriptor: descriptor)
        }
        return BindingCatalog(entries: entries)
    }

    /// The arguments of a signature: `grove.as(user, fn)` -> user, fn; `{options}` and
    /// `[{options}]` -> options (optional when bracketed); `name | {options}` -> name, which
    /// may be the options table; `...` stays.
    struct Argument {
        var name: String
        var optional: Bool
        /// The options table, or (`takesOtherValue`) a value instead of it.
        var isOptions: Bool
        var takesOtherValue: Bool
    }

    static func arguments(of signature: String) -> [Argument] {
        guard let open = signature.firstIndex(of: "("), let close = signature.lastIndex(of: ")"), open < close else { return [] }
        // Split at the commas outside braces: `{a = 1, b = 2}` is one argument.
        var segments: [String] = [], current = "", braces = 0
        for character in signature[signature.index(after: open)..<close] {
            if character == "{" { braces += 1 }
            if character == "}" { braces -= 1 }
            if character == ",", braces == 0 {
                segments.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        segments.append(current)
        var optionalDepth = 0
        var result: [Argument] = []
        for segment in segments {
            var word = segment.trimmingCharacters(in: .whitespaces)
            // `fn [, {options}]`: the bracket after fn opens the next argument.
            let opensNext = word.hasSuffix("[")
            if opensNext { word = String(word.dropLast()).trimmingCharacters(in: .whitespaces) }
            defer { if opensNext { optionalDepth += 1 } }
            if word.isEmpty { continue }
            if word.hasPrefix("[") { optionalDepth += 1 }
            let optional = optionalDepth > 0 || word.hasSuffix("?")
            optionalDepth = max(0, optionalDepth - word.filter { $0 == "]" }.count)
            if word.contains("...") {
                result.append(Argument(name: "...", optional: true, isOptions: false, takesOtherValue: false))
                continue
            }
            let alternatives = word.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let named = alternatives.first { !$0.contains("{") }
            let isOptions = alternatives.contains { $0.contains("{") }
            var name = (named ?? "options").filter { $0.isLetter || $0.isNumber || $0 == "_" }
            if name.isEmpty { name = "arg\(result.count + 1)" }
            if name.first?.isNumber == true { name = "_" + name }
            result.append(Argument(name: name, optional: optional, isOptions: isOptions, takesOtherValue: isOptions && named != nil))
        }
        return result
    }
}
