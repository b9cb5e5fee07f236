--- grove.inspect: the pretty-printer the REPL and `grove -e` use.
--
--   local inspect = require "grove.inspect"
--   print(inspect(value))                          -- nested tables indented, keys sorted
--   print(inspect(value, {depth = 2, max_items = 10, indent = "  "}))
--   print(inspect(value, {annotate = function(key, value) return " (a note)" end}))
--
-- Strings are quoted, cycles are shown as <cycle>, lists longer than
-- `max_items` are cut with "... (N more)", `grove.null` prints as null.
-- Secrets are not shown: a string field named `token` or `runners_token` (a new access token, a
-- hook token) prints as <redacted>; read the field itself to see it once
-- (`print(t.token)`). `{secrets = true}` shows them. `annotate(key, value)`, when given,
-- may return text shown after a field's value (the shell names access levels this way).

local M = {}

local defaults = { depth = 8, max_items = 50, indent = "  ", width = 80, secrets = false }

-- Fields whose string values are secrets GitLab shows only once.
local secret_fields = { token = true, runners_token = true }

local function is_identifier(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil
end

local function sorted_keys(t, array_length)
  local keys = {}
  for k in next, t do
    if not (math.type(k) == "integer" and k >= 1 and k <= array_length) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return keys
end

local function scalar(v)
  local t = type(v)
  if t == "string" then return (string.format("%q", v):gsub("\\\n", "\\n")) end
  if v == grove.null then return "null" end
  if t == "number" or t == "boolean" or t == "nil" then return tostring(v) end
  local mt = getmetatable(v)
  if mt and type(mt) == "table" and mt.__tostring then
    local ok, s = pcall(tostring, v)
    if ok then return s end
  end
  return "<" .. tostring(v) .. ">"
end

local function array_length(t)
  local n = 0
  while rawget(t, n + 1) ~= nil do n = n + 1 end
  return n
end

local function render(v, opts, level, seen)
  if type(v) ~= "table" or getmetatable(v) and getmetatable(v).__tostring then return scalar(v) end
  if seen[v] then return "<cycle>" end
  if level >= opts.depth then return "{...}" end
  local n = array_length(v)
  local keys = sorted_keys(v, n)
  if n == 0 and #keys == 0 then return "{}" end

  seen[v] = true
  local items, shown = {}, 0
  local total = n + #keys
  for i = 1, n do
    if shown >= opts.max_items then break end
    items[#items + 1] = render(v[i], opts, level + 1, seen)
    shown = shown + 1
  end
  for _, k in ipairs(keys) do
    if shown >= opts.max_items then break end
    local key = is_identifier(k) and k or ("[" .. scalar(k) .. "]")
    local value = v[k]
    if secret_fields[k] and type(value) == "string" and not opts.secrets then
      items[#items + 1] = key .. " = <redacted>"
    else
      items[#items + 1] = key .. " = " .. render(value, opts, level + 1, seen)
        .. (opts.annotate and opts.annotate(k, value) or "")
    end
    shown = shown + 1
  end
  seen[v] = nil
  if total > shown then items[#items + 1] = "... (" .. (total - shown) .. " more)" end

  local flat = "{" .. table.concat(items, ", ") .. "}"
  local pad = string.rep(opts.indent, level)
  if #flat + #pad <= opts.width and not flat:find("\n") then return flat end
  local inner = pad .. opts.indent
  return "{\n" .. inner .. table.concat(items, ",\n" .. inner) .. "\n" .. pad .. "}"
end

--- inspect(value [, options]) -> string
function M.inspect(value, options)
  local opts = {}
  for k, d in pairs(defaults) do
    local given = options and options[k]
    if given == nil then given = d end
    opts[k] = given
  end
  opts.annotate = options and options.annotate
  return render(value, opts, 0, {})
end

return setmetatable(M, { __call = function(_, value, options) return M.inspect(value, options) end })
