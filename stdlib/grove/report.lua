--- grove.report: print rows as an aligned text table, or as JSON with --json.
--
--   local report = require "grove.report"
--   report.print(rows [, opts])    -- writes the report and a newline
--   report.render(rows [, opts])   -> string (no final newline)
--
-- `rows` is a list of tables, or anything a generic `for row in rows do`
-- accepts (an iterator function, a grove.iterator).
--
-- opts:
--   columns  list of field names (or "id,full_path"); default: every key
--            of the rows, in order of first appearance (each row's new keys sorted)
--   headers  display names: a list parallel to columns, or {field = "Name"}
--   json     true: a pretty JSON array of the rows (only `columns` when
--            given) via grove.json; by default on when the script's `arg`
--            contains "--json"
--   file     where report.print writes (default io.stdout)
--
-- Text mode: a header line, a line of dashes, then one line per row; columns
-- two spaces apart, widths counted in UTF-8 characters; numbers right-aligned;
-- nil and grove.null empty; booleans true/false; tables as compact JSON.
-- No rows print "(no rows)" (JSON: "[]").
--
-- report.collect(rows) turns a list or an iterator into a list, and
-- report.is_iterator(x) tells which of the two x is (grove.tree and
-- grove.progress use them too).
--
--   report.print(groups.list(), {columns = {"id", "full_path", "visibility"}})
--   --> id  full_path     visibility
--   --> --  ------------  ----------
--   -->  1  platform      internal
--   --> 12  platform/api  private

local json = require "grove.json"

local M = {}

local null = json.null

--- report.is_iterator(x) -> boolean: whether x is iterated by calling it
-- (a function, a grove.iterator or other userdata, a table with __call)
-- rather than indexed as a list.
function M.is_iterator(x)
  local tx = type(x)
  if tx == "function" or tx == "userdata" then return true end -- userdata metatables may be hidden
  local mt = getmetatable(x)
  return type(mt) == "table" and mt.__call ~= nil
end

--- report.collect(rows) -> list: a list as it is, an iterator's items as a new list.
function M.collect(rows)
  if not M.is_iterator(rows) then return rows end
  local list = {}
  for row in rows do list[#list + 1] = row end
  return list
end

local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta > tb end -- strings before numbers
  if ta == "string" or ta == "number" then return a < b end
  return tostring(a) < tostring(b)
end

local function columns_of(rows, opts)
  local columns = opts.columns
  if type(columns) == "string" then
    local list = {}
    for name in columns:gmatch("[^,%s]+") do list[#list + 1] = name end
    return list
  end
  if columns then return columns end
  columns = {}
  local seen = {}
  for _, row in ipairs(rows) do
    local new = {}
    for k in pairs(row) do
      if not seen[k] then seen[k] = true; new[#new + 1] = k end
    end
    table.sort(new, key_less)
    table.move(new, 1, #new, #columns + 1, columns)
  end
  return columns
end

local function wants_json(opts)
  if opts.json ~= nil then return opts.json end
  local arg = rawget(_G, "arg")
  if type(arg) ~= "table" then return false end
  for _, word in ipairs(arg) do
    if word == "--json" then return true end
  end
  return false
end

local function cell(v)
  if v == nil or v == null then return "" end
  local tv = type(v)
  if tv == "string" then return (v:gsub("[\r\n\t]", { ["\r"] = "\\r", ["\n"] = "\\n", ["\t"] = "\\t" })) end
  if tv == "number" then
    if math.type(v) == "integer" then return string.format("%d", v) end
    return tostring(v)
  end
  if tv == "table" then
    local mt = getmetatable(v)
    if not (type(mt) == "table" and mt.__tostring) then
      local ok, text = pcall(json.encode, v)
      if ok then return text end
    end
  end
  return tostring(v)
end

local function width(s)
  return utf8.len(s) or #s
end

local function render_json(rows, columns, explicit)
  local out = json.array()
  for i, row in ipairs(rows) do
    if explicit then
      local picked = {}
      for _, c in ipairs(columns) do picked[c] = row[c] end
      out[i] = picked
    else
      out[i] = row
    end
  end
  return json.encode(out, { pretty = true })
end

--- report.render(rows [, opts]) -> string
function M.render(rows, opts)
  opts = opts or {}
  rows = M.collect(rows)
  local columns = columns_of(rows, opts)
  if wants_json(opts) then return render_json(rows, columns, opts.columns ~= nil) end
  if #rows == 0 then return "(no rows)" end

  local headers = opts.headers or {}
  local grid, widths, numeric = {}, {}, {}
  for j, c in ipairs(columns) do
    local title = tostring(headers[j] or headers[c] or c)
    grid[j] = { title }
    widths[j] = width(title)
    for i, row in ipairs(rows) do
      local v = row[c]
      local text = cell(v)
      grid[j][i + 1] = text
      if width(text) > widths[j] then widths[j] = width(text) end
      if type(v) == "number" then
        numeric[j] = numeric[j] ~= false
      elseif v ~= nil and v ~= null then
        numeric[j] = false
      end
    end
  end

  local lines = {}
  local function line(texts, right)
    local parts = {}
    for j, text in ipairs(texts) do
      local pad = (" "):rep(widths[j] - width(text))
      if right[j] then
        parts[j] = pad .. text
      elseif j < #texts then
        parts[j] = text .. pad
      else
        parts[j] = text
      end
    end
    lines[#lines + 1] = (table.concat(parts, "  "):gsub(" +$", ""))
  end

  local header, dashes, header_right = {}, {}, {}
  for j in ipairs(columns) do
    header[j] = grid[j][1]
    dashes[j] = ("-"):rep(widths[j])
    header_right[j] = numeric[j] == true
  end
  line(header, header_right)
  line(dashes, {})
  for i, row in ipairs(rows) do
    local texts, right = {}, {}
    for j, c in ipairs(columns) do
      texts[j] = grid[j][i + 1]
      right[j] = type(row[c]) == "number"
    end
    line(texts, right)
  end
  return table.concat(lines, "\n")
end

--- report.print(rows [, opts])
function M.print(rows, opts)
  local text = M.render(rows, opts)
  ;(opts and opts.file or io.stdout):write(text, "\n")
end

return M
