#!/usr/bin/env grove
--[[ copy-tree.lua - copies a group tree from one GitLab (or store) to another.

Purpose:   copies the group at SOURCE_PATH and every group below it under
           DEST_PARENT_PATH on another connection: the groups with their
           settings, group protected branches, push rules, hooks, shares between
           groups of the tree, LDAP and SAML links, and direct members matched by
           username. Secrets cannot be read: hooks are created without their token,
           custom header and URL variable values, and listed for re-entry. Users
           missing on the destination are listed, never created. Idempotent: what
           is already in place is left alone, what differs is aligned, and a second
           run prints `0 created, 0 changed`.
Arguments: SOURCE_PATH       full path of the group to copy
           DEST_PARENT_PATH  full path of the destination parent; "" or "/" for top level
                             (group protected branches exist on top-level groups only)
           --from NAME / --to NAME   python-gitlab sections, or `here` (the script's
                             own connection, the default)
           --from-url URL / --to-url URL   a GitLab by address, with the token in
                             GITLAB_TOKEN_FROM / GITLAB_TOKEN_TO or --from-token-file /
                             --to-token-file FILE
           --from-db FILE / --to-db FILE   an embedded store file
Example:   grove run scripts/recipes/copy-tree.lua --from old --to new platform ''
           grove --gitlab new run scripts/recipes/copy-tree.lua --from old platform migrated
]]

local recipe = require "grove.recipe"
local json = require "grove.json"
local usage = "[--from NAME|--from-url URL|--from-db FILE] [--to NAME|--to-url URL|--to-db FILE]"
  .. " SOURCE_PATH DEST_PARENT_PATH"
local opts = recipe.options({...}, {values = {"from", "to", "from_url", "to_url", "from_token_file",
  "to_token_file", "from_db", "to_db"},
  positionals = 2}, usage)

local function open(side, token_variable)
  local url, file, db, name = opts[side .. "_url"], opts[side .. "_token_file"], opts[side .. "_db"], opts[side]
  if url then
    return grove.connect{url = url, token_file = file, token = not file and os.getenv(token_variable) or nil}
  elseif db then
    return grove.connect{db = db}
  elseif name == nil or name == "here" then
    return _G
  end
  return grove.connect(name)
end
local src, dst = open("from", "GITLAB_TOKEN_FROM"), open("to", "GITLAB_TOKEN_TO")

local counts = {created = 0, changed = 0, unchanged = 0}
local unmatched, reenter, skipped = {}, {}, {}
local function note(kind, what, detail)
  counts[kind] = counts[kind] + 1
  if kind ~= "unchanged" then
    print(("%s %s%s"):format(kind == "created" and "+" or "~", what, detail and (": " .. detail) or ""))
  end
end
local function skip(text) skipped[#skipped + 1] = text end

local function status(err) return grove.iserror(err) and err.status or nil end
local function null(v) return v == nil or v == grove.null end
local function same(a, b)
  if null(a) and null(b) then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k, v in pairs(b) do if a[k] == nil and not null(v) then return false end end
  return true
end
local function show(v)
  if null(v) then return "null" end
  if type(v) == "table" then return json.encode(v) end
  return tostring(v)
end
-- Edits the attributes of `current` that differ from `wanted` with `edit(updates)`.
local function align(current, wanted, edit, what)
  local updates, changes = {}, {}
  for k, v in pairs(wanted) do
    if not same(current[k], v) then updates[k] = v; changes[#changes + 1] = k end
  end
  if next(updates) == nil then return note("unchanged", what) end
  table.sort(changes)
  edit(updates)
  note("changed", what, table.concat(changes, ", "))
end

-- A read that answers 404 for "none": nil; anything else is raised.
local function optional(fn, ...)
  local ok, value = pcall(fn, ...)
  if ok then return value end
  if status(value) == 404 then return nil end
  error(value, 0)
end
local function list(iterator)
  local items = {}
  for item in iterator do items[#items + 1] = item end
  return items
end

-- The tree, parents first.
local root = src.groups.get(opts[1], {with_projects = false})
local dest_parent_path = (opts[2] == "/" and "") or opts[2]
local dest_parent = dest_parent_path ~= "" and dst.groups.get(dest_parent_path, {with_projects = false}) or nil
local tree = {root}
for g in src.groups.descendant_groups(root.id, {all_available = true}) do tree[#tree + 1] = g end
table.sort(tree, function(a, b)
  local da, db = select(2, a.full_path:gsub("/", "")), select(2, b.full_path:gsub("/", ""))
  if da ~= db then return da < db end
  return a.full_path < b.full_path
end)

local function dest_path(source_full_path)
  local relative = root.path .. source_full_path:sub(#root.full_path + 1)
  return dest_parent and (dest_parent.full_path .. "/" .. relative) or relative
end
local function in_tree(full_path)
  return full_path == root.full_path or full_path:sub(1, #root.full_path + 1) == root.full_path .. "/"
end

-- Settings given at creation, and those only an update takes.
local CREATE_SETTINGS = {"name", "description", "visibility", "share_with_group_lock",
  "require_two_factor_authentication", "two_factor_grace_period", "project_creation_level", "auto_devops_enabled",
  "subgroup_creation_level", "emails_enabled", "mentions_disabled", "lfs_enabled", "default_branch",
  "default_branch_protection", "default_branch_protection_defaults", "request_access_enabled",
  "wiki_access_level", "membership_lock"}
local UPDATE_SETTINGS = {"prevent_forking_outside_group", "shared_runners_setting"}

local dest_groups = {}   -- source full path -> destination group
for i, brief in ipairs(tree) do
  local g = brief.id == root.id and root or src.groups.get(brief.id, {with_projects = false})
  local path = dest_path(g.full_path)
  local existing = optional(dst.groups.get, path, {with_projects = false})
  if not existing then
    local parent = g.id == root.id and dest_parent or dest_groups[g.full_path:match("^(.*)/[^/]+$")]
    local attributes = {path = g.path, parent_id = parent and parent.id or nil}
    for _, k in ipairs(CREATE_SETTINGS) do if not null(g[k]) then attributes[k] = g[k] end end
    existing = dst.groups.create(attributes)
    note("created", "group " .. path)
  end
  local updates, changes = {}, {}
  for _, list_of in ipairs{CREATE_SETTINGS, UPDATE_SETTINGS} do
    for _, k in ipairs(list_of) do
      if not null(g[k]) and not same(existing[k], g[k]) then
        updates[k] = g[k]
        changes[#changes + 1] = ("%s %s -> %s"):format(k, show(existing[k]), show(g[k]))
      end
    end
  end
  if next(updates) then
    existing = dst.groups.update(existing.id, updates)
    note("changed", "group " .. path, table.concat(changes, ", "))
  else
    note("unchanged", "group " .. path)
  end
  dest_groups[g.full_path] = existing
  tree[i] = g
end

-- Users by username on the destination; source user ids to usernames.
local dest_users, source_names = {}, {}
local function dest_user(username)
  if dest_users[username] == nil then
    dest_users[username] = dst.users.list{username = username}:first(1)[1] or false
  end
  return dest_users[username] or nil
end
local function username_of(user_id)
  if source_names[user_id] == nil then source_names[user_id] = src.users.get(user_id).username end
  return source_names[user_id]
end

for _, g in ipairs(tree) do
  local target, path = dest_groups[g.full_path], dest_path(g.full_path)

  -- Members, direct ones, by username.
  for m in src.members.list(g.id) do
    local user = dest_user(m.username)
    if not user then
      unmatched[#unmatched + 1] = ("%s (%s in %s)"):format(m.username, m.access_level, g.full_path)
    else
      local current = optional(dst.members.get, target.id, user.id)
      local wanted = {access_level = m.access_level, expires_at = not null(m.expires_at) and m.expires_at or nil}
      if not current then
        dst.members.add(target.id, {user_id = user.id, access_level = wanted.access_level,
          expires_at = wanted.expires_at})
        note("created", ("member %s of %s"):format(m.username, path), tostring(m.access_level))
      elseif current.access_level ~= m.access_level or not same(current.expires_at, m.expires_at) then
        dst.members.update(target.id, user.id, {access_level = wanted.access_level, expires_at = wanted.expires_at})
        note("changed", ("member %s of %s"):format(m.username, path),
          ("access_level %s -> %s, expires_at %s -> %s"):format(current.access_level, m.access_level,
            show(current.expires_at), show(m.expires_at)))
      else
        note("unchanged", "member")
      end
    end
  end

  -- Push rule.
  local rule = optional(src.push_rules.get, g.id)
  if rule then
    local wanted = {}
    for _, k in ipairs{"author_email_regex", "branch_name_regex", "commit_committer_check",
      "commit_committer_name_check",
                       "commit_message_negative_regex", "commit_message_regex", "deny_delete_tag", "file_name_regex",
                       "max_file_size", "member_check", "prevent_secrets", "reject_non_dco_commits",
                         "reject_unsigned_commits"} do
      if not null(rule[k]) then wanted[k] = rule[k] end
    end
    local current = optional(dst.push_rules.get, target.id)
    if not current then
      dst.push_rules.add(target.id, wanted)
      note("created", "push rule of " .. path)
    else
      align(current, wanted, function(updates) dst.push_rules.edit(target.id, updates) end, "push rule of " .. path)
    end
  end

  -- Group protected branches: the access entries as roles, users (by username) and groups of the tree.
  local source_rules = optional(function() return list(src.branches.list(g.id)) end) or {}
  if #source_rules > 0 and not null(target.parent_id) then
    skip(("protected branches of %s: the destination %s is not a top-level group"):format(g.full_path, path))
    source_rules = {}
  end
  local function entries(items, rule_name)
    local out = {}
    for _, e in ipairs(items or {}) do
      if not null(e.user_id) then
        local user = dest_user(username_of(e.user_id))
        if user then out[#out + 1] = {user_id = user.id}
        else unmatched[#unmatched + 1] = ("%s (protected branch %s of %s)"):format(username_of(e.user_id),
          rule_name, g.full_path) end
      elseif not null(e.group_id) then
        local shared = src.groups.get(e.group_id, {with_projects = false})
        if in_tree(shared.full_path) and dest_groups[shared.full_path] then
          out[#out + 1] = {group_id = dest_groups[shared.full_path].id}
        else skip(("group %s in protected branch %s of %s: outside the tree"):format(shared.full_path, rule_name,
          g.full_path)) end
      else
        out[#out + 1] = {access_level = e.access_level}
      end
    end
    return out
  end
  local function signature(r, mapped)
    local parts = {tostring(r.allow_force_push == true), tostring(r.code_owner_approval_required == true)}
    for _, kind in ipairs{"push", "merge", "unprotect"} do
      local items = mapped and r[kind] or entries(r[kind .. "_access_levels"], r.name)
      local keys = {}
      for _, e in ipairs(items) do
        keys[#keys + 1] = e.user_id and ("u" .. e.user_id) or e.group_id and ("g" .. e.group_id)
          or ("l" .. e.access_level)
      end
      table.sort(keys)
      parts[#parts + 1] = kind .. "=" .. table.concat(keys, ",")
    end
    return table.concat(parts, " ")
  end
  for _, r in ipairs(source_rules) do
    local wanted = {name = r.name, allow_force_push = r.allow_force_push == true,
                    code_owner_approval_required = r.code_owner_approval_required == true,
                    push = entries(r.push_access_levels, r.name), merge = entries(r.merge_access_levels, r.name),
                    unprotect = entries(r.unprotect_access_levels, r.name)}
    local current = optional(dst.branches.get, target.id, r.name)
    local function protect()
      dst.branches.protect(target.id, {name = wanted.name, allow_force_push = wanted.allow_force_push,
        code_owner_approval_required = wanted.code_owner_approval_required,
        allowed_to_push = wanted.push, allowed_to_merge = wanted.merge, allowed_to_unprotect = wanted.unprotect})
    end
    -- Destination entries compared as destination ids: map nothing, read them as they are.
    local function dest_signature(c)
      local copy = {name = c.name, allow_force_push = c.allow_force_push,
        code_owner_approval_required = c.code_owner_approval_required}
      for _, kind in ipairs{"push", "merge", "unprotect"} do
        local items = {}
        for _, e in ipairs(c[kind .. "_access_levels"] or {}) do
          items[#items + 1] = not null(e.user_id) and {user_id = e.user_id} or not null(e.group_id)
            and {group_id = e.group_id}
            or {access_level = e.access_level}
        end
        copy[kind] = items
      end
      return signature(copy, true)
    end
    if not current then
      protect()
      note("created", ("protected branch %s of %s"):format(r.name, path))
    elseif dest_signature(current) ~= signature(wanted, true) then
      dst.branches.unprotect(target.id, r.name)
      protect()
      note("changed", ("protected branch %s of %s"):format(r.name, path), signature(wanted, true))
    else
      note("unchanged", "protected branch")
    end
  end

  -- Hooks by URL; secrets are never readable, so they are listed for re-entry.
  local current_hooks = {}
  for h in dst.hooks.list(target.id) do current_hooks[h.url] = h end
  for h in src.hooks.list(g.id) do
    if #(h.url_variables or {}) > 0 then
      skip(("hook %s of %s: its URL variables' values cannot be read; add it by hand"):format(h.url, g.full_path))
    else
      local wanted = {}
      for k, v in pairs(h) do
        if (k:match("_events$") or k == "name" or k == "description" or k == "push_events_branch_filter"
            or k == "branch_filter_strategy" or k == "enable_ssl_verification" or k == "custom_webhook_template")
           and not null(v) and k ~= "repository_update_events" then
          wanted[k] = v
        end
      end
      local current = current_hooks[h.url]
      if not current then
        wanted.url = h.url
        dst.hooks.add(target.id, wanted)
        note("created", ("hook %s of %s"):format(h.url, path))
        local headers = {}
        for _, header in ipairs(h.custom_headers or {}) do headers[#headers + 1] = header.key end
        reenter[#reenter + 1] = ("%s of %s: the secret token, if it had one%s"):format(h.url, path,
          #headers > 0 and ("; custom headers " .. table.concat(headers, ", ")) or "")
      else
        align(current, wanted, function(updates) dst.hooks.edit(target.id, current.id, updates) end,
          ("hook %s of %s"):format(h.url, path))
      end
    end
  end

  -- LDAP links by provider and CN or filter; SAML links by name and provider.
  local function links(kind, fetch, key, add, remove)
    local ok, source = pcall(fetch, src, g.id)
    if not ok then
      if status(source) == 404 then return end
      skip(("%s links of %s: %s"):format(kind, g.full_path, tostring(source)))
      return
    end
    local have = {}
    local ok2, current = pcall(fetch, dst, target.id)
    if ok2 then for _, l in ipairs(current) do have[key(l)] = l end
    elseif status(current) ~= 404 then error(current, 0) end
    for _, l in ipairs(source) do
      local existing = have[key(l)]
      if not existing then
        add(l)
        note("created", ("%s link %s of %s"):format(kind, key(l), path))
      elseif (existing.group_access or existing.access_level) ~= (l.group_access or l.access_level) then
        remove(existing)
        add(l)
        note("changed", ("%s link %s of %s"):format(kind, key(l), path))
      else
        note("unchanged", "link")
      end
    end
  end
  links("LDAP", function(c, id) return c.ldap_links.list(id):all() end,
    function(l) return l.provider .. ":" .. (null(l.cn) and ("filter " .. l.filter) or l.cn) end,
    function(l) dst.ldap_links.add(target.id, {provider = l.provider, group_access = l.group_access,
      cn = not null(l.cn) and l.cn or nil, filter = null(l.cn) and l.filter or nil}) end,
    function(l) dst.ldap_links.delete(target.id, {provider = l.provider,
      cn = not null(l.cn) and l.cn or nil, filter = null(l.cn) and l.filter or nil}) end)
  links("SAML", function(c, id) return c.saml_links.list(id):all() end,
    function(l) return (null(l.provider) and "" or (l.provider .. ":")) .. l.name end,
    function(l) dst.saml_links.add(target.id, {saml_group_name = l.name, access_level = l.access_level,
      provider = not null(l.provider) and l.provider or nil, member_role_id = not null(l.member_role_id)
        and l.member_role_id or nil}) end,
    function(l) dst.saml_links.delete(target.id, l.name, {provider = not null(l.provider) and l.provider or nil}) end)
end

-- Shares between groups of the tree, once every group exists.
for _, g in ipairs(tree) do
  local target, path = dest_groups[g.full_path], dest_path(g.full_path)
  local current = {}
  for _, s in ipairs(target.shared_with_groups or {}) do current[s.group_id] = s end
  for _, s in ipairs(g.shared_with_groups or {}) do
    local with = dest_groups[s.group_full_path]
    if not in_tree(s.group_full_path) or not with then
      skip(("share of %s with %s: outside the tree"):format(g.full_path, s.group_full_path))
    else
      local existing = current[with.id]
      local expires = not null(s.expires_at) and s.expires_at or nil
      if existing and existing.group_access_level == s.group_access_level and same(existing.expires_at,
        s.expires_at) then
        note("unchanged", "share")
      else
        if existing then dst.groups.unshare(target.id, with.id) end
        dst.groups.share(target.id, {group_id = with.id, group_access = s.group_access_level, expires_at = expires})
        note(existing and "changed" or "created", ("share of %s with %s"):format(path, with.full_path),
          tostring(s.group_access_level))
      end
    end
  end
end

local function section(title, items)
  if #items == 0 then return end
  print(title)
  for _, item in ipairs(items) do print("  " .. item) end
end
section("users without an account on the destination (not added):", unmatched)
section("hooks created without their secrets (enter them again):", reenter)
section("not copied:", skipped)
print(("%d created, %d changed, %d unchanged"):format(counts.created, counts.changed, counts.unchanged))
