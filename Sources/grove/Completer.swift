import Foundation
import GroveCore
import GroveLua

/// Tab completion. In code: globals and table fields, `gro<TAB>` -> `groups`,
/// `groups.cr<TAB>` -> `groups.create(`, read with raw access only (Lua code in the
/// completion script), so completing never runs user metamethods. In a function's
/// options table: its option names, `groups.create{vis<TAB>` -> `visibility = `. In a
/// string: the values an enumerated option takes (`visibility = "int<TAB>` ->
/// `"internal"`), or group full paths where a group is expected
/// (`groups.get("plat<TAB>`), fetched once per session within `groupFetchSeconds`.
/// Options, values and which arguments are groups come from the operation descriptors.
final class Completer {
    private let lua: LuaState
    private let operations: [String: OperationDescriptor]
    private var lister: LuaRef?
    private var groupPaths: [String]?
    static let groupFetchSeconds = 0.5
    static let groupFetchLimit = 2_000

    init(lua: LuaState, registry: OperationRegistry) {
        self.lua = lua
        var operations: [String: OperationDescriptor] = [:]
        for descriptor in registry.descriptors {
            for name in [descriptor.luaName] + descriptor.luaAliases { operations[name] = descriptor }
        }
        self.operations = operations
        // Names are completed from the globals: Grove's modules must be there.
        try? lua.installPending()
    }

    /// Replacements for `word` (the text libedit will replace, which ends the line
    /// before the cursor `line`).
    func candidates(line: String, word: String) -> [String] {
        switch CompletionContext(line: line) {
        case .code:
            return candidates(for: word)
        case .optionName(let function, let partial):
            guard let descriptor = operations[function] else { return candidates(for: word) }
            let positional = Set(descriptor.pathParams.map(\.name))
            return descriptor.params
                .filter { !positional.contains($0.name) && $0.name.hasPrefix(partial) }
                .map { $0.name + " = " }
        case .optionValue(let function, let option, let typed, let quote):
            guard let spec = operations[function]?.param(option) else { return [] }
            return strings(for: spec, in: operations[function], typed: typed, quote: quote, word: word)
        case .argument(let function, let position, let typed, let quote):
            guard let descriptor = operations[function], position <= descriptor.pathParams.count else { return [] }
            return strings(for: descriptor.pathParams[position - 1], in: descriptor, typed: typed, quote: quote, word: word)
        }
    }

    /// The values a string of this parameter may hold that start with `typed`, closed by
    /// `quote`, cut to replace `word` (libedit's word may start inside the string: at a `/`).
    private func strings(for spec: ParamSpec, in descriptor: OperationDescriptor?, typed: String, quote: Character, word: String) -> [String] {
        let values: [String]
        if case .enumeration(let names) = spec.type {
            values = names
        } else if let descriptor, Self.isGroup(spec, of: descriptor) {
            values = fetchGroupPaths()
        } else {
            return []
        }
        guard typed.hasSuffix(word) else { return [] }
        let cut = typed.count - word.count
        return values.filter { $0.hasPrefix(typed) }.map { String($0.dropFirst(cut)) + String(quote) }
    }

    /// A group is expected where the path has `/groups/:name`, or by an id-or-path
    /// parameter named for a group (`group_id` of groups.transfer, `parent_id`).
    static func isGroup(_ spec: ParamSpec, of descriptor: OperationDescriptor) -> Bool {
        guard spec.type == .idOrPath else { return false }
        if spec.location == .path { return descriptor.path.contains("/groups/:\(spec.name)") }
        return spec.name == "group_id" || spec.name == "parent_id"
    }

    /// Every group's full path the connection shows within the time limit, once per session.
    private func fetchGroupPaths() -> [String] {
        if let groupPaths { return groupPaths }
        let results = try? lua.run("""
            local seconds, limit = \(Self.groupFetchSeconds), \(Self.groupFetchLimit)
            local groups = rawget(_G, 'groups')
            local list = type(groups) == 'table' and rawget(groups, 'list')
            local paths = {}
            if not list then return paths end
            local start = grove.clock()
            pcall(function()
              for g in list{per_page = 100} do
                paths[#paths + 1] = g.full_path
                if #paths >= limit or grove.clock() - start > seconds then break end
              end
            end)
            return paths
            """, chunkName: "=[grove completion]")
        let paths = (results?.first?.arrayValue ?? []).compactMap(\.stringValue).sorted()
        groupPaths = paths
        return paths
    }

    func candidates(for word: String) -> [String] {
        let separator = word.lastIndex(where: { $0 == "." || $0 == ":" })
        let base = separator.map { String(word[..<$0]) } ?? ""
        let partial = separator.map { String(word[word.index(after: $0)...]) } ?? word
        let joiner = separator.map { String(word[$0]) } ?? ""
        guard let names = try? fields(of: base) else { return [] }
        return names
            .filter { $0.name.hasPrefix(partial) && (joiner != ":" || $0.isFunction) }
            .map { (base.isEmpty ? "" : base + joiner) + $0.name + ($0.isFunction ? "(" : "") }
            .sorted()
    }

    private func fields(of path: String) throws -> [(name: String, isFunction: Bool)] {
        if lister == nil {
            let results = try lua.run("""
                return function(path)
                  local t = _G
                  for part in path:gmatch('[^.:]+') do
                    if type(t) ~= 'table' then return {} end
                    t = rawget(t, part)
                  end
                  local out, seen = {}, {}
                  local function add(tbl)
                    for k, v in next, tbl do
                      if type(k) == 'string' and k:match('^[%a_][%w_]*$') and not seen[k] then
                        seen[k] = true
                        out[#out + 1] = {k, type(v) == 'function'}
                      end
                    end
                  end
                  if type(t) == 'table' then add(t) end
                  local mt = (type(t) == 'table' or type(t) == 'userdata') and debug.getmetatable(t)
                  if mt and type(rawget(mt, '__index')) == 'table' then add(rawget(mt, '__index')) end
                  if path == '' then
                    for _, kw in ipairs{'and','break','do','else','elseif','end','false','for','function',
                      'goto','if','in','local','nil','not','or','repeat','return','then','true','until','while'} do
                      out[#out + 1] = {kw, false}
                    end
                  end
                  return out
                end
                """, chunkName: "=[grove completion]")
            if case .function(let f) = results.first { lister = f }
        }
        guard let lister, let list = try lua.call(lister, [.string(path)]).first?.arrayValue else { return [] }
        return list.compactMap { entry in
            guard let pair = entry.arrayValue, let name = pair.first?.stringValue else { return nil }
            return (name, pair.count > 1 && pair[1] == .boolean(true))
        }
    }
}
