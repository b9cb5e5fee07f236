--- grove.csv: CSV files with a header row, as lists of tables.
--
--   local csv = require "grove.csv"
--   for _, row in ipairs(csv.read("moves.csv")) do print(row.source_path, row.new_parent_path) end
--   csv.write("out.csv", rows, {columns = {"id", "full_path"}})
--   local rows, header = csv.decode(text)        -- rows keyed by the header's names
--   local text = csv.encode(rows, {columns = header})
--
-- Quoting (commas, quotes, newlines in fields) is done by a CSV library in Grove.

local codec = grove.csvcodec
local M = {}

--- Rows of a CSV text, each a table keyed by the header row; returns rows, header.
-- With {header = false}, rows are plain lists.
function M.decode(text, opts)
  local records = codec.decode(text)
  if opts and opts.header == false then return records end
  local header = table.remove(records, 1) or {}
  local rows = {}
  for n, record in ipairs(records) do
    if not (#record == 1 and record[1] == "") then -- blank lines
      if #record ~= #header then
        error(("grove.csv: line %d has %d fields, the header has %d"):format(n + 1, #record, #header), 2)
      end
      local row = {}
      for i, name in ipairs(header) do row[name] = record[i] end
      rows[#rows + 1] = row
    end
  end
  return rows, header
end

--- CSV text with a header row; `opts.columns` orders (and picks) the fields,
-- by default the sorted union of the rows' keys. grove.null and nil are empty.
function M.encode(rows, opts)
  local columns = opts and opts.columns
  if not columns then
    local seen = {}
    columns = {}
    for _, row in ipairs(rows) do
      for k in pairs(row) do if not seen[k] then seen[k] = true; columns[#columns + 1] = k end end
    end
    table.sort(columns)
  end
  local records = {columns}
  for _, row in ipairs(rows) do
    local record = {}
    for i, name in ipairs(columns) do
      local v = row[name]
      record[i] = (v == nil or v == grove.null) and "" or tostring(v)
    end
    records[#records + 1] = record
  end
  return codec.encode(records)
end

function M.read(path, opts)
  local file, err = io.open(path, "rb")
  if not file then error("grove.csv: " .. err, 2) end
  local text = file:read("a")
  file:close()
  return M.decode(text, opts)
end

function M.write(path, rows, opts)
  local file, err = io.open(path, "wb")
  if not file then error("grove.csv: " .. err, 2) end
  file:write(M.encode(rows, opts))
  file:close()
end

return M
