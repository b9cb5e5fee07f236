-- grove.tree: drawing group hierarchies.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"
local tree = require "grove.tree"

-- Deliberately out of order, with a JSON-null parent for the root.
local groups = {
  { id = 5, parent_id = 3, full_path = "platform/web/ui", path = "ui", name = "User Interface", visibility = "public" },
  { id = 2, parent_id = 1, full_path = "platform/api", path = "api", name = "Zeta API", visibility = "private" },
  { id = 1, parent_id = grove.null, full_path = "platform", path = "platform", name = "Platform", visibility = "internal" },
  { id = 3, parent_id = 1, full_path = "platform/web", path = "web", name = "Alpha Web", visibility = "internal" },
  { id = 4, parent_id = 2, full_path = "platform/api/gateway", path = "gateway", name = "Gateway", visibility = "private" },
  { id = 6, parent_id = 2, full_path = "platform/api/auth", path = "auth", name = "Auth", visibility = "private" },
}

t.eq(tree.render(groups), [[
platform
├── api
│   ├── auth
│   └── gateway
└── web
    └── ui]], "unicode drawing, children sorted by path")

t.eq(tree.render(groups, { ascii = true }), [[
platform
|-- api
|   |-- auth
|   `-- gateway
`-- web
    `-- ui]], "ascii drawing")

t.eq(tree.render(groups, { visibility = true }), [[
platform (internal)
├── api (private)
│   ├── auth (private)
│   └── gateway (private)
└── web (internal)
    └── ui (public)]], "visibility in parentheses")

t.eq(tree.render(groups, { sort = "name" }), [[
platform
├── web
│   └── ui
└── api
    ├── auth
    └── gateway]], "sort by name")

t.eq(tree.render(groups, { label = function(g, depth) return depth .. ":" .. g.name end }), [[
0:Platform
├── 1:Zeta API
│   ├── 2:Auth
│   └── 2:Gateway
└── 1:Alpha Web
    └── 2:User Interface]], "custom label with depth")

t.eq(tree.render(groups, { sort = function(a, b) return a.id > b.id end }), [[
platform
├── web
│   └── ui
└── api
    ├── auth
    └── gateway]], "sort with a comparator")

-- The example from the documentation: a root with visibility, children without.
t.eq(tree.render({
  { id = 10, full_path = "platform", path = "platform", name = "platform", visibility = "internal" },
  { id = 11, parent_id = 10, full_path = "platform/web", path = "web", name = "web" },
  { id = 12, parent_id = 10, full_path = "platform/api", path = "api", name = "api" },
  { id = 13, parent_id = 12, full_path = "platform/api/gateway", path = "gateway", name = "gateway" },
}, { visibility = true }), [[
platform (internal)
├── api
│   └── gateway
└── web]], "the README example")

-- Orphans: a parent missing from the list makes a root showing its full path.
local subset = {
  { id = 4, parent_id = 2, full_path = "platform/api/gateway", path = "gateway", name = "Gateway" },
  { id = 7, parent_id = 4, full_path = "platform/api/gateway/v2", path = "v2", name = "v2" },
  { id = 5, parent_id = 3, full_path = "platform/web/ui", path = "ui", name = "UI" },
  { id = 9, full_path = "archive", path = "archive", name = "Archive" },
}
t.eq(tree.render(subset), [[
archive
platform/api/gateway
└── v2
platform/web/ui]], "orphans become roots, roots sorted by full path")

-- Deep nesting keeps the right verticals.
local deep = {
  { id = 1, full_path = "a", path = "a" },
  { id = 2, parent_id = 1, full_path = "a/b", path = "b" },
  { id = 3, parent_id = 2, full_path = "a/b/c", path = "c" },
  { id = 4, parent_id = 3, full_path = "a/b/c/d", path = "d" },
  { id = 5, parent_id = 2, full_path = "a/b/e", path = "e" },
  { id = 6, parent_id = 1, full_path = "a/f", path = "f" },
}
t.eq(tree.render(deep), [[
a
├── b
│   ├── c
│   │   └── d
│   └── e
└── f]], "verticals continue past nested last children")

-- Iterator input: a function, and a callable object.
local i = 0
local function next_group()
  i = i + 1
  return groups[i]
end
t.eq(tree.render(next_group), tree.render(groups), "an iterator function as input")
local callable = setmetatable({}, {
  __call = function(self, _, previous)
    self.n = (self.n or 0) + 1
    return groups[self.n]
  end,
})
t.eq(tree.render(callable, { ascii = true }), tree.render(groups, { ascii = true }), "a callable object as input")
local list = {}
for _, g in ipairs(groups) do list[#list + 1] = g end
local co = coroutine.wrap(function() for _, g in ipairs(list) do coroutine.yield(g) end end)
t.eq(tree.render(co), tree.render(groups), "a coroutine iterator as input")

-- Edge cases.
t.eq(tree.render({}), "", "no groups: empty drawing")
t.eq(tree.render({ { id = 1, full_path = "solo", path = "solo" } }), "solo", "a single group")
t.eq(tree.render({ { id = 1, name = "Only Name" } }), "Only Name", "label falls back to the name")
t.eq(tree.render({
  { id = 1, parent_id = 2, full_path = "x/a", path = "a" },
  { id = 2, parent_id = 1, full_path = "x/b", path = "b" },
}), "x/a\n└── b", "a parent_id cycle is still drawn, once")
t.eq(tree.render({ { id = 1, parent_id = 1, full_path = "self", path = "self" } }), "self", "its own parent")

-- tree.print writes the drawing and a newline.
local written = {}
local sink = { write = function(self, ...) for _, s in ipairs({ ... }) do written[#written + 1] = s end return self end }
tree.print(deep, { file = sink })
t.eq(table.concat(written), tree.render(deep) .. "\n", "tree.print adds a final newline")
written = {}
tree.print({}, { file = sink })
t.eq(table.concat(written), "", "tree.print of nothing writes nothing")

t.done()
