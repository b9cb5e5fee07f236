-- grove.report: aligned text tables and JSON output.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"
local report = require "grove.report"
local json = require "grove.json"

local rows = {
  { id = 1, full_path = "platform", visibility = "internal", parent_id = grove.null },
  { id = 12, full_path = "platform/api", visibility = "private", parent_id = 1 },
  { id = 345, full_path = "platform/wéb", visibility = "public", parent_id = 1 },
}

t.eq(report.render(rows, { columns = { "id", "full_path", "visibility" } }), [[
 id  full_path     visibility
---  ------------  ----------
  1  platform      internal
 12  platform/api  private
345  platform/wéb  public]], "columns aligned, numbers right-aligned, widths in characters")

t.eq(report.render(rows), [[
full_path      id  parent_id  visibility
------------  ---  ---------  ----------
platform        1             internal
platform/api   12          1  private
platform/wéb  345          1  public]], "default columns: keys sorted, null shown empty")

t.eq(report.render(rows, { columns = "id, full_path", headers = { "ID", "Path" } }), [[
 ID  Path
---  ------------
  1  platform
 12  platform/api
345  platform/wéb]], "columns as a string, headers as a list")

t.eq(report.render(rows, { columns = { "id", "visibility" }, headers = { visibility = "Visibility level" } }), [[
 id  Visibility level
---  ----------------
  1  internal
 12  private
345  public]], "headers by field name; a long header widens its column")

-- Columns in order of first appearance, each row's new keys sorted.
t.eq(report.render({ { b = 1, a = 2 }, { c = 3, a = 4 }, { z = 5, d = 6 } }), [[
a  b  c  d  z
-  -  -  -  -
2  1
4     3
         6  5]], "union of keys by first appearance")

-- Value formatting.
t.eq(report.render({
  { name = "x", archived = false, tags = { "a", "b" }, meta = { k = 1 }, score = 1.5, note = "two\nlines" },
  { name = "yy", archived = true, tags = json.array(), meta = {}, score = 10, note = grove.null },
}, { columns = { "name", "archived", "tags", "meta", "score", "note" } }), [[
name  archived  tags       meta     score  note
----  --------  ---------  -------  -----  ----------
x     false     ["a","b"]  {"k":1}    1.5  two\nlines
yy    true      []         {}          10]], "booleans, nested tables as compact JSON, floats, escaped newlines")

t.eq(report.render({ { id = 1, name = "a" }, { id = "n/a", name = "b" } }, { columns = { "id", "name" } }), [[
id   name
---  ----
  1  a
n/a  b]], "mixed column: numbers still right-aligned, header left-aligned")

-- Empty results.
t.eq(report.render({}), "(no rows)", "no rows in text mode")
t.eq(report.render({}, { json = true }), "[]", "no rows in JSON mode")
t.eq(report.render(function() return nil end), "(no rows)", "an empty iterator")

-- JSON mode.
t.eq(report.render(rows, { json = true, columns = { "id", "full_path" } }), [=[
[
  {
    "full_path": "platform",
    "id": 1
  },
  {
    "full_path": "platform/api",
    "id": 12
  },
  {
    "full_path": "platform/wéb",
    "id": 345
  }
]]=], "JSON mode with columns: only those fields, pretty")
local all = json.decode(report.render(rows, { json = true }))
t.ok(#all == 3 and all[1].parent_id == grove.null and all[3].visibility == "public",
  "JSON mode without columns: whole rows, null kept")

-- --json in the script's arguments.
local saved = arg
arg = { [0] = "script.lua", "--json" }
t.eq(report.render({ { id = 1 } }), '[\n  {\n    "id": 1\n  }\n]', "--json in arg switches to JSON")
t.eq(report.render({ { id = 1 } }, { json = false }), "id\n--\n 1", "opts.json = false wins over --json")
arg = { [0] = "script.lua", "other" }
t.eq(report.render({ { id = 1 } }), "id\n--\n 1", "without --json: text")
arg = saved

-- Iterator input.
local i = 0
t.eq(report.render(function() i = i + 1 return rows[i] end, { columns = { "id" } }), " id\n---\n  1\n 12\n345",
  "an iterator function as rows")
t.ok(report.is_iterator(print) and not report.is_iterator({}) and
  report.is_iterator(setmetatable({}, { __call = print })), "report.is_iterator")
t.eq(#report.collect(coroutine.wrap(function() coroutine.yield(1) coroutine.yield(2) end)), 2, "report.collect")

-- report.print writes the text and a newline; also under the real executable.
local written = {}
local sink = { write = function(self, ...) for _, s in ipairs({ ... }) do written[#written + 1] = s end return self end }
report.print({}, { file = sink })
t.eq(table.concat(written), "(no rows)\n", "report.print adds a newline")

local script = t.temp_file([[
package.path = ... .. "/?.lua;" .. package.path
local report = require "grove.report"
report.print({ { id = 1, name = "api" }, { id = 20, name = "web" } }, { columns = { "id", "name" } })
]])
local grove_cmd = t.shell_quote(t.grove()) .. " " .. t.shell_quote(script)
t.eq(t.capture(grove_cmd .. " " .. t.shell_quote(dir)), "id  name\n--  ----\n 1  api\n20  web\n", "text on stdout")
t.eq(t.capture(grove_cmd .. " " .. t.shell_quote(dir) .. " --json"),
  '[\n  {\n    "id": 1,\n    "name": "api"\n  },\n  {\n    "id": 20,\n    "name": "web"\n  }\n]\n', "grove script --json")
os.remove(script)

t.done()
