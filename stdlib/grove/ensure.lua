--- grove.ensure: idempotent helpers, loaded into every Grove state.
--
--   local group, changes = groups.ensure{path = "api", name = "API", parent = "platform",
--                                        visibility = "internal"}
--   -- changes: {created = true} or {description = {from = "old", to = "new"}, ...} or {}
--
-- A script built from ensure calls can run again and again: the second run
-- changes nothing. `parent` is a group id or full path; every other key is a
-- REST attribute of groups.create / groups.update.

local M = {}

local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

--- groups.ensure{path=, name=, parent=, ...} -> group, changes
function M.group(attributes)
  if type(attributes) ~= "table" then
    error(("bad argument #1 to 'groups.ensure' (table expected, got %s)"):format(type(attributes)), 2)
  end
  local wanted, parent = {}, attributes.parent
  for k, v in pairs(attributes) do if k ~= "parent" then wanted[k] = v end end
  if type(wanted.path) ~= "string" then
    error("bad argument #1 to 'groups.ensure' (path: string expected)", 2)
  end

  local parent_group = parent ~= nil and groups.get(parent) or nil
  local full_path = parent_group and (parent_group.full_path .. "/" .. wanted.path) or wanted.path
  local ok, existing = pcall(groups.get, full_path)
  if not ok then
    if not (grove.iserror(existing) and existing.status == 404) then error(existing, 0) end
    wanted.name = wanted.name or wanted.path
    wanted.parent_id = parent_group and parent_group.id or nil
    return groups.create(wanted), { created = true }
  end

  local updates, changes = {}, {}
  for k, v in pairs(wanted) do
    if k ~= "path" and not same(existing[k], v) then
      updates[k] = v
      changes[k] = { from = existing[k], to = v }
    end
  end
  if next(updates) == nil then return existing, changes end
  return groups.update(existing.id, updates), changes
end

groups.ensure = M.group
return M
