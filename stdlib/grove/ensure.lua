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

local function is_not_found(err)
  return grove.iserror(err) and err.status == 404
end

--- push_rules.ensure(group, rule) -> push_rule, changes
-- Adds the group's push rule, or edits the attributes that differ.
function M.push_rule(group, rule)
  local ok, current = pcall(push_rules.get, group)
  if not ok then
    if not is_not_found(current) then error(current, 0) end
    return push_rules.add(group, rule), { created = true }
  end
  local updates, changes = {}, {}
  for k, v in pairs(rule) do
    if not same(current[k], v) then
      updates[k] = v
      changes[k] = { from = current[k], to = v }
    end
  end
  if next(updates) == nil then return current, changes end
  return push_rules.edit(group, updates), changes
end

-- The role entry (no user, no group) of a protected branch's access list.
local function role_entries(entries)
  local roles = {}
  for _, e in ipairs(entries or {}) do
    if (e.user_id == nil or e.user_id == grove.null) and (e.group_id == nil or e.group_id == grove.null) then
      roles[#roles + 1] = e
    end
  end
  return roles
end

--- branches.ensure(group, rule) -> protected_branch, changes
-- rule: {name=, push_access_level=, merge_access_level=, unprotect_access_level=,
-- allow_force_push=, code_owner_approval_required=}. Protects the branch, or
-- aligns the role levels and flags of the existing rule (user and group entries
-- are left alone).
function M.branch(group, rule)
  if type(rule) ~= "table" or type(rule.name) ~= "string" then
    error("bad argument #2 to 'branches.ensure' (table with a name expected)", 2)
  end
  local ok, current = pcall(branches.get, group, rule.name)
  if not ok then
    if not is_not_found(current) then error(current, 0) end
    return branches.protect(group, rule), { created = true }
  end
  local updates, changes = {}, {}
  for _, kind in ipairs{ "push", "merge", "unprotect" } do
    local wanted = rule[kind .. "_access_level"]
    if wanted ~= nil then
      local roles = role_entries(current[kind .. "_access_levels"])
      local entries = {}
      if #roles == 0 then
        entries[1] = { access_level = wanted }
      elseif roles[1].access_level ~= wanted or #roles > 1 then
        entries[1] = { id = roles[1].id, access_level = wanted }
        for i = 2, #roles do entries[#entries + 1] = { id = roles[i].id, _destroy = true } end
      end
      if #entries > 0 then
        updates["allowed_to_" .. kind] = entries
        changes[kind .. "_access_level"] = { from = roles[1] and roles[1].access_level or grove.null, to = wanted }
      end
    end
  end
  for _, flag in ipairs{ "allow_force_push", "code_owner_approval_required" } do
    if rule[flag] ~= nil and current[flag] ~= rule[flag] then
      updates[flag] = rule[flag]
      changes[flag] = { from = current[flag], to = rule[flag] }
    end
  end
  if next(updates) == nil then return current, changes end
  return branches.update(group, rule.name, updates), changes
end

--- hooks.ensure(group, {url=, ...}) -> hook, changes
-- The hook with that URL is created, or its differing attributes edited. A token
-- is only set when the hook is created (GitLab never returns it to compare).
function M.hook(group, attributes)
  if type(attributes) ~= "table" or type(attributes.url) ~= "string" then
    error("bad argument #2 to 'hooks.ensure' (table with a url expected)", 2)
  end
  for hook in hooks.list(group) do
    if hook.url == attributes.url then
      local updates, changes = {}, {}
      for k, v in pairs(attributes) do
        if k ~= "url" and k ~= "token" and not same(hook[k], v) then
          updates[k] = v
          changes[k] = { from = hook[k], to = v }
        end
      end
      if next(updates) == nil then return hook, changes end
      return hooks.edit(group, hook.id, updates), changes
    end
  end
  return hooks.add(group, attributes), { created = true }
end

-- The stdlib adds these to Grove's modules; scripts only read them (luacheck's W122).
-- luacheck: push ignore 122
groups.ensure = M.group
if push_rules then push_rules.ensure = M.push_rule end
if branches then branches.ensure = M.branch end
if hooks then hooks.ensure = M.hook end
-- luacheck: pop

-- help() shows them like every binding.
local help = debug.getregistry()["grove.help"]
if help then
  local function describe(fn, name, signature, summary, example)
    help[fn] = { name = name, signature = signature, summary = summary, options = {}, example = example }
  end
  describe(M.group, "groups.ensure", "groups.ensure{path = ..., [parent = id or path], ...} -> group, changes",
    "The group at parent/path: created when missing, else its differing attributes updated (any groups.create/update"
      .. " attribute). changes is {created = true}, {attribute = {from =, to =}, ...} or {}.",
    "local api, changes = groups.ensure{path = 'api', name = 'API', parent = 'platform', visibility = 'internal'}")
  describe(M.push_rule, "push_rules.ensure", "push_rules.ensure(group, {rule}) -> push_rule, changes",
    "The group's push rule: added when missing, else its differing attributes edited.",
    "push_rules.ensure('platform', {prevent_secrets = true, max_file_size = 50})")
  describe(M.branch, "branches.ensure", "branches.ensure(group, {name = ..., ...}) -> branch, changes",
    "The protected branch (or wildcard) of a top-level group: protected when missing, else its differing levels"
      .. " and flags updated.",
    "branches.ensure('platform', {name = 'main', push_access_level = 40, merge_access_level = 30})")
  describe(M.hook, "hooks.ensure", "hooks.ensure(group, {url = ..., ...}) -> hook, changes",
    "The hook with that URL: added when missing, else its differing attributes edited (a token is set only on"
      .. " creation: GitLab never shows it back).",
    "hooks.ensure('platform', {url = 'https://ci.example.com/hook', push_events = true})")
end
return M
