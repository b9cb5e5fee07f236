/// Lua code run in every new state: the behaviour of Grove's error values and
/// `help()`. Kept in Lua because it is about Lua values, not Swift ones.
enum Prelude {
    static let source = #"""
local registry = debug.getregistry()
local help_of = registry["grove.help"]
local error_mt = registry["grove.error"]
local rawget, type, pairs, ipairs, tostring = rawget, type, pairs, ipairs, tostring
local concat, sort = table.concat, table.sort

-- Grove's modules may be installed when first read (LuaState.installLazily): the
-- installer then waits in registry["grove.install"]; whichever look-up comes first runs
-- it, once. True when it ran.
local function install_pending()
  local install = rawget(registry, "grove.install")
  if install == nil then return false end
  registry["grove.install"] = nil
  local lazy_globals = registry["grove.lazy_globals"]
  registry["grove.lazy_globals"] = nil
  if lazy_globals ~= nil and getmetatable(_G) == lazy_globals then setmetatable(_G, nil) end
  install()
  return true
end
registry["grove.install_pending"] = install_pending

-- A Swift function's help entry is made when first asked for, then kept.
local help_entry = registry["grove.help_entry"]
getmetatable(help_of).__index = function(entries, value)
  local entry = help_entry(value)
  if entry ~= nil then rawset(entries, value, entry) end
  return entry
end

local function quote(s)
  return (string.format("%q", s):gsub("\\\n", "\\n"))
end

-- {path = "has already been taken", name = {"is too long", "can't be blank"}}
local function render_fields(errors)
  local keys = {}
  for k in pairs(errors) do keys[#keys + 1] = tostring(k) end
  sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = errors[k]
    if type(v) == "table" and #v == 1 then v = v[1] end
    if type(v) == "table" then
      local items = {}
      for i, m in ipairs(v) do items[i] = quote(tostring(m)) end
      parts[#parts + 1] = k .. " = {" .. concat(items, ", ") .. "}"
    else
      parts[#parts + 1] = k .. " = " .. quote(tostring(v))
    end
  end
  return "{" .. concat(parts, ", ") .. "}"
end

error_mt.__name = "grove.error"
error_mt.__tostring = function(e)
  local text = rawget(e, "message") or "error"
  local status = rawget(e, "status")
  local errors = rawget(e, "errors")
  if errors and next(errors) ~= nil then text = render_fields(errors) end
  if status and not tostring(text):find("^" .. status) then text = status .. " " .. tostring(text) end
  local fn = rawget(e, "function")
  if fn then text = fn .. ": " .. tostring(text) end
  return text
end

--- grove.error{status=, message=, errors=}: a structured error, raise it with error().
function grove.error(fields)
  return setmetatable(fields, error_mt)
end

--- True when `e` is a structured Grove error.
function grove.iserror(e)
  return getmetatable(e) == error_mt
end

--- The common checks after pcall: grove.is_not_found(err) is true for a Grove error of
--- status 404, and so on; anything else (a Lua error string, nil) is false.
local function status_check(status)
  return function(e) return getmetatable(e) == error_mt and rawget(e, "status") == status end
end
grove.is_bad_request = status_check(400)
grove.is_unauthorized = status_check(401)
grove.is_forbidden = status_check(403)
grove.is_not_found = status_check(404)
grove.is_conflict = status_check(409)
grove.is_unprocessable = status_check(422)
grove.is_rate_limited = status_check(429)

-- A module table (groups, grove, groups.hooks ...) has no field it was not given:
-- `groups.craete` is an error naming the nearest function, not a nil to call.
local closest_name = registry["grove.closest_name"]
registry["grove.module"].__index = function(module, key)
  if type(key) ~= "string" then return nil end
  if install_pending() then
    local value = rawget(module, key)
    if value ~= nil then return value end
  end
  local entry = help_of[module]
  local name = entry and entry.name or "module"
  local names = {}
  for k in next, module do
    if type(k) == "string" then names[#names + 1] = k end
  end
  sort(names)
  local guess = closest_name(key, names)
  local hint = guess and ("; did you mean " .. name .. "." .. guess .. "?") or ("; see help(" .. name .. ")")
  error(name .. " has no function '" .. key .. "'" .. hint, 2)
end

local function lookup(name)
  local value = _G
  for part in name:gmatch("[^.:]+") do
    if type(value) ~= "table" then return nil end
    value = rawget(value, part)
  end
  return value
end

local function short(name) return name:match("[^.:]+$") end

local function module_lines(name, module, out)
  local entry = help_of[module]
  out[#out + 1] = name .. (entry and entry.summary ~= "" and (" - " .. entry.summary) or "")
  local names, submodules = {}, {}
  for k, v in pairs(module) do
    if type(v) == "function" and help_of[v] then names[#names + 1] = k end
    if type(v) == "table" and help_of[v] and help_of[v].module then submodules[#submodules + 1] = k end
  end
  sort(names)
  sort(submodules)
  for _, k in ipairs(names) do
    local info = help_of[module[k]]
    out[#out + 1] = string.format("  %-40s %s", info.signature, info.summary)
  end
  for _, k in ipairs(submodules) do
    local info = help_of[module[k]]
    out[#out + 1] = string.format("  %-40s %s", info.name .. ".*", info.summary)
  end
end

local function function_lines(info, out)
  out[#out + 1] = info.signature
  if info.summary ~= "" then out[#out + 1] = "  " .. info.summary end
  if #info.options > 0 then
    out[#out + 1] = "Options:"
    for _, o in ipairs(info.options) do
      out[#out + 1] = string.format("  %-34s %-18s %s%s", o.name, o.type, o.required and "(required) " or "", o.summary)
    end
  end
  if info.example then
    out[#out + 1] = "Example:"
    out[#out + 1] = "  " .. info.example:gsub("\n", "\n  ")
  end
end

--- help(), help(module), help(fn) or help("groups.create").
function help(what)
  install_pending()
  if type(what) == "string" then what = lookup(what) or what end
  local out = {}
  if what == nil then
    out[#out + 1] = "Grove - GitLab group administration in Lua. Modules:"
    local names = {}
    for k, v in pairs(_G) do
      if type(v) == "table" and help_of[v] and help_of[v].module then names[#names + 1] = k end
    end
    sort(names)
    for _, k in ipairs(names) do
      out[#out + 1] = string.format("  %-18s %s", k, help_of[_G[k]].summary)
    end
    out[#out + 1] = "help(module) lists its functions; help(module.fn) shows options and an example."
  elseif type(what) == "table" then
    local name = help_of[what] and help_of[what].name or "table"
    module_lines(name, what, out)
  elseif help_of[what] then
    function_lines(help_of[what], out)
  else
    out[#out + 1] = "no help for " .. tostring(what)
  end
  print(concat(out, "\n"))
end
"""#
}
