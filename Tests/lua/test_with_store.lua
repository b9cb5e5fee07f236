-- The stdlib modules on real data: groups from the embedded store, whose
-- lists are grove.iterator values. The work runs in a child `grove --memory`
-- so every run starts from an empty store.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"

local child = t.temp_file([==[
local json = require "grove.json"
local tree = require "grove.tree"
local report = require "grove.report"
local progress = require "grove.progress"

local platform = groups.create { name = "Platform", path = "platform", visibility = "public" }
local api = groups.create { name = "API", path = "api", parent_id = platform.id, visibility = "internal" }
groups.create { name = "Gateway", path = "gateway", parent_id = api.id, visibility = "private" }
groups.create { name = "Web", path = "web", parent_id = platform.id, visibility = "public" }
groups.create { name = "Tools", path = "tools", visibility = "private" }

io.write(tree.render(groups.list(), { visibility = true }), "\n--\n")

local rows = report.collect(groups.list())
table.sort(rows, function(a, b) return a.id < b.id end)
io.write(report.render(rows, { columns = { "id", "full_path", "parent_id", "visibility" } }), "\n--\n")
io.write(report.render(groups.list(), { columns = "full_path", json = true }):gsub("%s", ""), "\n--\n")

local seen = 0
for g in progress.wrap(groups.list(), { label = "groups", enabled = true, file = io.stdout }) do seen = seen + 1 end
io.write("\n", seen, "\n--\n")

local gateway = groups.get("platform/api/gateway")
local back = json.decode(json.encode(gateway))
io.write(tostring(back.full_path == "platform/api/gateway" and back.parent_id == api.id and back.id == gateway.id), " ")
io.write(tostring(gateway.description == nil or back.description == gateway.description), "\n")
]==])

local out = t.capture(t.shell_quote(t.grove()) .. " --memory " .. t.shell_quote(child) .. " 2>&1")
os.remove(child)
local parts = {}
for part in (out .. "\n"):gmatch("(.-)\n%-%-\n") do parts[#parts + 1] = part end
t.eq(#parts, 4, "the child ran to its end" .. (#parts == 4 and "" or ":\n" .. out))

t.eq(parts[1], [[
platform (public)
├── api (internal)
│   └── gateway (private)
└── web (public)
tools (private)]], "tree of groups.list(), a grove.iterator")

-- Namespace 1 is root's personal namespace, as on a fresh GitLab: the groups start at 2.
t.eq(parts[2], [[
id  full_path             parent_id  visibility
--  --------------------  ---------  ----------
 2  platform                         public
 3  platform/api                  2  internal
 4  platform/api/gateway          3  private
 5  platform/web                  2  public
 6  tools                            private]], "report of the store's groups, null parent_id empty")

local paths = {}
for p in parts[3]:gmatch('"full_path":"([^"]+)"') do paths[#paths + 1] = p end
table.sort(paths)
t.eq(table.concat(paths, " "), "platform platform/api platform/api/gateway platform/web tools",
  "report JSON mode over an iterator: " .. parts[3])

t.ok(parts[4]:find("\rgroups 5 ") ~= nil and parts[4]:sub(-2) == "\n5", "progress.wrap over an iterator: " .. string.format("%q", parts[4]))

t.eq(out:match("\n%-%-\n([^\n]*)\n$"), "true true", "a group survives a JSON round trip")

t.done()
