--- grove.recipe: what the packaged recipes share - arguments, help and path patterns.
--
--   local recipe = require "grove.recipe"
--   local opts = recipe.options({...}, {flags = {"json"}, values = {"days", "exclude"}}, "[--json]")
--   opts.json, opts.days, opts[1] (positionals)
--   local level = recipe.access_level("push", opts.push, {0, 30, 40, 60})
--   local matches = recipe.glob("team-*")   -- matches("team-a") == true
--
-- `--help` or `-h` prints the recipe's header comment and `usage: grove recipe NAME
-- SYNOPSIS`, and exits 0 before the recipe does anything.

local M = {}

-- The recipe's name and header comment (`--[[ NAME.lua - purpose ... ]]`), read from
-- the file of the chunk at `level`.
local function header(level)
  local source = debug.getinfo(level, "S").source
  local path = source:match("^@(.*)$")
  local name = path and path:match("([^/]+)%.lua$") or "NAME"
  local text = ""
  local file = path and io.open(path, "r")
  if file then
    text = file:read("a"):match("%-%-%[%[%s*(.-)%s*%]%]") or ""
    file:close()
  end
  return name, text
end

--- Stops the recipe with a usage error (exit 2): the message, then the usage line of
-- the last `options` call.
function M.fail(message)
  io.stderr:write(message, "\n", M.usage or "", "\n")
  os.exit(2)
end

--- Parses `--flag`, `--key value` / `--key=value` and positionals; unknown options
-- stop the script with the usage text (exit 2). `synopsis` is what follows the
-- recipe's name in `usage: grove recipe NAME SYNOPSIS`. `--help`/`-h` prints the
-- recipe's header and that usage line, and exits 0.
function M.options(args, spec, synopsis)
  local name, text = header(3)
  M.usage = "usage: grove recipe " .. name .. ((synopsis or "") ~= "" and (" " .. synopsis) or "")
  for _, word in ipairs(args) do
    if word == "--help" or word == "-h" then
      io.stdout:write(text, "\n\n", M.usage, "\n")
      os.exit(0)
    end
  end
  local flags, values = {}, {}
  for _, f in ipairs(spec.flags or {}) do flags[f] = true end
  for _, v in ipairs(spec.values or {}) do values[v] = true end
  local opts, i = {}, 1
  local fail = M.fail
  while i <= #args do
    local word = args[i]
    local key, inline = word:match("^%-%-([%w_-]+)=(.*)$")
    key = key or word:match("^%-%-([%w_-]+)$")
    if key then
      local option = key:gsub("-", "_")
      if flags[option] and not inline then
        opts[option] = true
      elseif values[option] then
        local value = inline
        if not value then
          i = i + 1
          value = args[i]
          if value == nil then fail("--" .. key .. " needs a value") end
        end
        opts[option] = value
      else
        fail("unknown option --" .. key)
      end
    else
      opts[#opts + 1] = word
    end
    i = i + 1
  end
  if spec.positionals and #opts < spec.positionals then fail("missing arguments") end
  return opts
end

-- Access levels by name are the core's (grove.access: no_access, developer, maintainer,
-- admin, ...); these are the other spellings people type for protected branches.
local LEVEL_ALIASES = {no_one = 0, noone = 0, developers = 30, maintainers = 40, administrator = 60}

--- The access level `text` gives the option `--OPTION` (a number, or a name: no_one,
-- developer, maintainer, admin), nil when text is nil; anything not in `allowed` is a
-- usage error naming the option.
function M.access_level(option, text, allowed)
  if text == nil then return nil end
  local name = text:lower():gsub("[%s-]", "_")
  local level = math.tointeger(tonumber(text)) or grove.access[name] or LEVEL_ALIASES[name]
  local names = {}
  for _, a in ipairs(allowed) do
    if level == a then return level end
    local shown = "?"
    for n, l in pairs(grove.access) do if l == a then shown = n end end
    names[#names + 1] = ("%d (%s)"):format(a, shown)
  end
  M.fail(("--%s: %q is not an allowed access level; use one of %s"):format((option:gsub("_", "-")), text,
    table.concat(names, ", ")))
end

--- A glob over full paths: `*` matches any run of characters (`/` included),
-- `?` one character; everything else is literal. Returns a predicate.
function M.glob(pattern)
  local lua = "^" .. pattern:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*"):gsub("%?", ".") .. "$"
  return function(path) return path:match(lua) ~= nil end
end

--- Splits "1,2, 3" into integers; nil or "" gives an empty list.
function M.integers(text)
  local list = {}
  for item in (text or ""):gmatch("[^,%s]+") do
    local n = math.tointeger(tonumber(item))
    if not n then error(("not an integer: %q"):format(item), 2) end
    list[#list + 1] = n
  end
  return list
end

return M
