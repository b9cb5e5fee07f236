#!/usr/bin/env grove
--[[ reorganise.lua - move subgroups as a CSV mapping says, all or nothing.

Purpose:   reads a CSV with the columns `source_path,new_parent_path` and moves
           each source group under its new parent (an empty new_parent_path makes
           it a top-level group). Every move is rehearsed first, in order, in a
           rolled-back transaction (clashes, permissions, visibility, moves into
           a descendant): if any would fail, it lists them all and stops before
           changing anything. Then it makes every move in one transaction.
           Against a GitLab (grove --url / --gitlab), which has no transactions,
           the rehearsal checks each move without changing anything (both groups
           exist, the new parent is among the source's transfer locations, its
           path is free there), and the moves are made one by one: should one
           fail all the same, those made are listed and it stops.
Arguments: MAPPING.csv   a header row naming both columns, then a row a move; a file
                         that cannot be read or a short row stops it (exit 2)
Example:   grove run scripts/recipes/reorganise.lua moves.csv
           grove --as alice run scripts/recipes/reorganise.lua moves.csv   # with alice's rights
]]

local csv = require "grove.csv"
local recipe = require "grove.recipe"
local opts = recipe.options({...}, {positionals = 1}, "MAPPING.csv")

-- A file that cannot be read, a row without both fields or without a source path is a
-- usage error naming the file (and line), before anything is checked or moved.
local function unusable(message)
  io.stderr:write(("reorganise: %s\n"):format(message))
  os.exit(2)
end
local read, rows, header = pcall(csv.read, opts[1])
if not read then
  local message = tostring(rows):gsub("^.-grove%.csv: ", "")
  unusable(message:sub(1, #opts[1]) == opts[1] and message or (opts[1] .. ": " .. message))
end
for _, column in ipairs{"source_path", "new_parent_path"} do
  local found = false
  for _, name in ipairs(header) do found = found or name == column end
  if not found then unusable(("%s has no %s column"):format(opts[1], column)) end
end
for i, row in ipairs(rows) do
  if row.source_path == "" then unusable(("%s: line %d: source_path is empty"):format(opts[1], i + 1)) end
end

local function move(row)
  local parent = row.new_parent_path ~= "" and groups.get(row.new_parent_path).id or nil
  return groups.transfer(row.source_path, {group_id = parent})
end

local embedded = grove.backend() == "embedded"

-- A move checked without making it: what GitLab's transfer would refuse first.
local function check(row)
  local source = groups.get(row.source_path)
  local parent = row.new_parent_path ~= "" and groups.get(row.new_parent_path) or nil
  if parent then
    local allowed = false
    for g in groups.transfer_locations(source.id, {search = parent.name}) do allowed = allowed or g.id == parent.id end
    if not allowed then error(("%s is not a transfer location of %s"):format(parent.full_path, source.full_path), 0) end
  end
  local target = (parent and parent.full_path .. "/" or "") .. source.path
  local clash = pcall(groups.get, target)
  if clash and target ~= source.full_path then error(target .. " is taken", 0) end
end

-- Rehearsal: the moves in order (a later move may depend on an earlier one),
-- each failure recorded, then everything rolled back (on a GitLab: each checked).
local failures = {}
local function rehearse()
  for line, row in ipairs(rows) do
    local ok, err = pcall(embedded and move or check, row)
    if not ok then failures[#failures + 1] = {line = line + 1, row = row, error = tostring(err)} end
  end
end
if embedded then grove.dry_run(rehearse) else rehearse() end

if #failures > 0 then
  io.stderr:write(("reorganise: %d of %d moves would fail; nothing was changed\n"):format(#failures, #rows))
  for _, f in ipairs(failures) do
    io.stderr:write(("  line %d: %s -> %s: %s\n"):format(f.line, f.row.source_path,
      f.row.new_parent_path ~= "" and f.row.new_parent_path or "(top level)", f.error))
  end
  os.exit(1)
end

local function move_all()
  for i, row in ipairs(rows) do
    local ok, moved = pcall(move, row)
    if not ok then
      if embedded then error(moved, 0) end
      io.stderr:write(("reorganise: line %d: %s: %s; %d of %d moves were made, the rest were not\n"):format(
        i + 1, row.source_path, tostring(moved), i - 1, #rows))
      os.exit(1)
    end
    print(("moved %s -> %s"):format(row.source_path, moved.full_path))
  end
end
if embedded then grove.transaction(move_all) else move_all() end
print(("%d group%s moved"):format(#rows, #rows == 1 and "" or "s"))
