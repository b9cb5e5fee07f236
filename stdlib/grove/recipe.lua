--- grove.recipe: what the packaged recipes share - arguments and path patterns.
--
--   local recipe = require "grove.recipe"
--   local opts = recipe.options({...}, {flags = {"json"}, values = {"days", "exclude"}},
--                               "usage: grove run audit.lua [--json]")
--   opts.json, opts.days, opts[1] (positionals)
--   local matches = recipe.glob("team-*")   -- matches("team-a") == true

local M = {}

--- Parses `--flag`, `--key value` / `--key=value` and positionals; unknown
-- options stop the script with the usage text.
function M.options(args, spec, usage)
  local flags, values = {}, {}
  for _, f in ipairs(spec.flags or {}) do flags[f] = true end
  for _, v in ipairs(spec.values or {}) do values[v] = true end
  local opts, i = {}, 1
  local function fail(message)
    io.stderr:write(message, "\n", usage or "", "\n")
    os.exit(2)
  end
  while i <= #args do
    local word = args[i]
    local key, inline = word:match("^%-%-([%w_-]+)=(.*)$")
    key = key or word:match("^%-%-([%w_-]+)$")
    if key then
      local name = key:gsub("-", "_")
      if flags[name] and not inline then
        opts[name] = true
      elseif values[name] then
        local value = inline
        if not value then
          i = i + 1
          value = args[i]
          if value == nil then fail("--" .. key .. " needs a value") end
        end
        opts[name] = value
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
