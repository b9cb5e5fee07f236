--- grove.shell: how the interactive shell shows what an expression returns.
--
--   local shell = require "grove.shell"
--   print(shell.show(groups.list{}))              -- first page as a table, then "… N more"
--   print(shell.show(groups.get("platform")))     -- a record, access levels named
--   print(shell.level(40))                        -- "40 (maintainer)"
--
-- A lazy list (grove.iterator) shows its first page as an aligned table of the
-- columns that tell its items apart; the items stay in the list (it:peek), so the
-- loop or :all() that follows still gets every one. Anything else prints as
-- grove.inspect prints it, with access levels named beside their numbers.

local inspect = require "grove.inspect"
local report = require "grove.report"

local M = { page = 20, max_cell = 40 }

-- Role names by level, from grove.access (AccessLevel in the core).
local level_names = {}
for name, level in pairs(rawget(_G, "grove") and rawget(grove, "access") or {}) do
  level_names[level] = name
end

--- "40 (maintainer)" for a level that has a name; the number alone otherwise.
function M.level(value)
  local name = math.type(value) == "integer" and level_names[value]
  return name and (tostring(value) .. " (" .. name .. ")") or tostring(value)
end

-- access_level, group_access, group_access_level, push_access_level ...
local function is_level_field(key)
  return type(key) == "string" and (key:find("access_level$") ~= nil or key == "group_access")
end

local function annotate(key, value)
  if is_level_field(key) and math.type(value) == "integer" and level_names[value] then
    return " (" .. level_names[value] .. ")"
  end
end

-- The columns of a list, in this order, when its items have them: what tells the
-- items apart, then what an administrator checks at a glance. Responses have no
-- descriptor, so this choice is the shell's own.
local preferred = {
  "id", "key", "cn", "full_path", "path_with_namespace", "username", "name", "url", "title",
  "visibility", "parent_id", "access_level", "group_access", "state", "expires_at",
  "push_access_levels", "merge_access_levels", "unprotect_access_levels", "allow_force_push",
  "value", "provider", "filter", "scopes", "active", "entity_type", "entity_id", "author_id",
}
-- A name beside the full path says the same thing again.
local hidden_by = { name = { "full_path", "path_with_namespace" } }
local max_columns = 7

local function columns_of(items)
  local present = {}
  for _, item in ipairs(items) do
    if type(item) == "table" then
      for k in next, item do present[k] = true end
    end
  end
  local columns = {}
  for _, key in ipairs(preferred) do
    local hidden = false
    for _, other in ipairs(hidden_by[key] or {}) do hidden = hidden or present[other] end
    if present[key] and not hidden and #columns < max_columns then columns[#columns + 1] = key end
  end
  if #columns == 0 then
    -- An unknown kind of item: its first scalar fields by name.
    local keys = {}
    for k in pairs(present) do
      if type(k) == "string" then keys[#keys + 1] = k end
    end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local v = items[1][k]
      if #columns < max_columns and type(v) ~= "table" then columns[#columns + 1] = k end
    end
  end
  return columns
end

local function one_line(s)
  return (tostring(s):gsub("[\r\n\t]", " "))
end

-- A grant of a protected branch ({access_level = 40, user_id = ...}) in a few words.
local function grant(t)
  if math.type(t.access_level) == "integer" and t.user_id == nil and t.group_id == nil then
    return M.level(t.access_level)
  end
  if t.user_id ~= nil and t.user_id ~= grove.null then return "user " .. tostring(t.user_id) end
  if t.group_id ~= nil and t.group_id ~= grove.null then return "group " .. tostring(t.group_id) end
  return inspect(t, { width = 1e9 })
end

local function cell(key, value)
  if value == nil or value == grove.null then return "" end
  if is_level_field(key) then return M.level(value) end
  if type(value) == "table" then
    local parts = {}
    for i, v in ipairs(value) do
      parts[i] = type(v) == "table" and grant(v) or one_line(v)
    end
    if #parts > 0 or next(value) == nil then return table.concat(parts, ", ") end
    return one_line(inspect(value, { width = 1e9 }))
  end
  return one_line(value)
end

-- At most `limit` characters, the last one an ellipsis when cut.
local function fit(s, limit)
  if (utf8.len(s) or #s) <= limit then return s end
  local cut = utf8.offset(s, limit) or limit
  return s:sub(1, cut - 1) .. "…"
end

--- A table of `items` (records) under `columns` (by default the ones that tell them
--- apart), drawn by grove.report: a header, a rule, one row each.
function M.table(items, columns)
  columns = columns or columns_of(items)
  if #columns == 0 then
    local lines = {}
    for i, item in ipairs(items) do lines[i] = inspect(item) end
    return table.concat(lines, "\n")
  end
  local rows = {}
  for r, item in ipairs(items) do
    local row = {}
    for _, key in ipairs(columns) do
      local value = type(item) == "table" and item[key] or nil
      -- Numbers stay numbers (report aligns them right) but for named levels.
      row[key] = (type(value) == "number" and not is_level_field(key)) and value or fit(cell(key, value), M.max_cell)
    end
    rows[r] = row
  end
  return report.render(rows, { columns = columns, json = false })
end

-- Grove's userdata hide their metatables; the name shows in tostring.
local function is_iterator(v)
  return type(v) == "userdata" and tostring(v):find("^grove%.iterator") ~= nil
end

--- A lazy list's first page as a table, "… N more (:all() to fetch all)" under it.
--- Nothing is taken from the list.
function M.list(it)
  local items = it:peek(M.page + 1)
  if #items == 0 then return "(empty list)" end
  local shown = {}
  for i = 1, math.min(#items, M.page) do shown[i] = items[i] end
  local text = M.table(shown)
  if #items > M.page then
    local ok, total = pcall(it.count, it)
    local more = ok and math.type(total) == "integer" and (total - #shown) or nil
    text = text .. "\n… " .. (more and tostring(more) .. " " or "") .. "more (:all() to fetch all)"
  end
  return text
end

--- How the shell shows one value.
function M.show(value)
  if is_iterator(value) then return M.list(value) end
  return inspect(value, { annotate = annotate })
end

return M
