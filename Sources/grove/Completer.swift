import GroveLua

/// Tab completion of globals and table fields: `gro<TAB>` -> `groups`,
/// `groups.cr<TAB>` -> `groups.create(`. Reads tables with raw access only
/// (Lua code in the completion script), so completing never runs user metamethods.
final class Completer {
    private let lua: LuaState
    private var lister: LuaRef?

    init(lua: LuaState) { self.lua = lua }

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
