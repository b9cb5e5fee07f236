--- grove.tree: draw a group hierarchy the way tree(1) draws directories.
--
--   local tree = require "grove.tree"
--   tree.render(groups [, opts]) -> string (lines joined by "\n", no final newline)
--   tree.print(groups [, opts])  -- writes the drawing and a newline (nothing when empty)
--
-- `groups` is a list of GitLab group tables (`id`, `parent_id`, `full_path`,
-- `name`, `path`, optional `visibility`) in any order, or anything a generic
-- `for g in groups do` accepts (an iterator function, a grove.iterator).
-- The forest is built from `parent_id`: groups whose parent is not among them
-- are roots (so do groups in a parent_id cycle, once each). Roots are sorted
-- by full_path and children by path, unless opts.sort says otherwise.
--
-- opts:
--   sort       = "path" (default) | "name" | function(a, b) -> boolean
--   label      = function(group, depth) -> string; default: full_path for
--                roots, path for children
--   visibility = true: append " (visibility)" to default labels
--   ascii      = true: draw with |--, `-- and |   instead of box characters
--   file       = where tree.print writes (default io.stdout)
--
--   tree.print(groups.list(), {visibility = true})
--   --> platform (internal)
--   --> ├── api (private)
--   --> │   └── gateway (private)
--   --> └── web (internal)

local collect = require("grove.report").collect

local M = {}

local null = rawget(_G, "grove") and grove.null

local glyphs = {
  unicode = { branch = "├── ", last = "└── ", pipe = "│   ", space = "    " },
  ascii = { branch = "|-- ", last = "`-- ", pipe = "|   ", space = "    " },
}

local function present(v)
  if v == nil or v == null then return nil end
  return v
end

local function default_label(opts)
  return function(g, depth)
    local text = depth == 0 and (present(g.full_path) or present(g.path))
      or (present(g.path) or present(g.full_path))
    text = tostring(text or present(g.name) or present(g.id) or "?")
    local visibility = present(g.visibility)
    if opts.visibility and visibility then text = text .. " (" .. tostring(visibility) .. ")" end
    return text
  end
end

local function comparator(opts)
  if type(opts.sort) == "function" then return opts.sort end
  local field = opts.sort == "name" and "name" or "path"
  return function(a, b)
    local ka = tostring(present(a[field]) or present(a.full_path) or "")
    local kb = tostring(present(b[field]) or present(b.full_path) or "")
    if ka ~= kb then return ka < kb end
    ka, kb = tostring(present(a.full_path) or ""), tostring(present(b.full_path) or "")
    if ka ~= kb then return ka < kb end
    return tostring(a.id) < tostring(b.id)
  end
end

local function root_comparator(opts, by_children)
  if type(opts.sort) == "function" or opts.sort == "name" then return by_children end
  return function(a, b)
    local ka, kb = tostring(present(a.full_path) or ""), tostring(present(b.full_path) or "")
    if ka ~= kb then return ka < kb end
    return by_children(a, b)
  end
end

--- tree.render(groups [, opts]) -> string
function M.render(groups, opts)
  opts = opts or {}
  local list = collect(groups)
  local by_id, children, roots = {}, {}, {}
  for _, g in ipairs(list) do
    local id = present(g.id)
    if id ~= nil then by_id[id] = g end
  end
  for _, g in ipairs(list) do
    local parent = present(g.parent_id)
    if parent ~= nil and by_id[parent] and by_id[parent] ~= g then
      children[parent] = children[parent] or {}
      table.insert(children[parent], g)
    else
      roots[#roots + 1] = g
    end
  end

  local g = opts.ascii and glyphs.ascii or glyphs.unicode
  local label = opts.label or default_label(opts)
  local less = comparator(opts)
  local lines, drawn = {}, {}

  local function draw(node, prefix, depth, connector)
    drawn[node] = true
    lines[#lines + 1] = prefix .. connector .. tostring(label(node, depth))
    local kids = children[present(node.id) or {}]
    if not kids then return end
    table.sort(kids, less)
    local inner = prefix
    if depth > 0 then inner = prefix .. (connector == g.last and g.space or g.pipe) end
    for i, kid in ipairs(kids) do
      if not drawn[kid] then
        draw(kid, inner, depth + 1, i == #kids and g.last or g.branch)
      end
    end
  end

  table.sort(roots, root_comparator(opts, less))
  for _, root in ipairs(roots) do draw(root, "", 0, "") end
  -- Groups in a parent_id cycle have no root: draw each remaining one as a root.
  local rest = {}
  for _, node in ipairs(list) do
    if not drawn[node] then rest[#rest + 1] = node end
  end
  table.sort(rest, root_comparator(opts, less))
  for _, node in ipairs(rest) do
    if not drawn[node] then draw(node, "", 0, "") end
  end
  return table.concat(lines, "\n")
end

--- tree.print(groups [, opts])
function M.print(groups, opts)
  local text = M.render(groups, opts)
  if text ~= "" then (opts and opts.file or io.stdout):write(text, "\n") end
end

return M
