#!/usr/bin/env grove
--[[ secret-push-protection.lua - turn on secret push protection across groups.

Purpose:   enables (or with --disable, disables) secret push protection for all
           projects of every group whose full path matches PATTERN, and of its
           subgroups, except the excluded projects. A group whose ancestor also
           matches is covered by the ancestor and not updated twice. A group
           whose projects all have the wanted setting already is left alone and
           counted unchanged: only real changes are reported as updates.
Arguments: PATTERN                glob over full paths (`*` any run, `?` one character)
           --exclude ID,ID,...    project ids to leave as they are
           --disable              turn it off instead
Example:   grove run scripts/recipes/secret-push-protection.lua 'platform*' --exclude 12,31
           grove run --dry-run scripts/recipes/secret-push-protection.lua '*'
]]

local recipe = require "grove.recipe"
local opts = recipe.options({...}, {flags = {"disable"}, values = {"exclude"}, positionals = 1},
  "PATTERN [--exclude ID,ID] [--disable]")
local matches = recipe.glob(opts[1])
local exclude = recipe.integers(opts.exclude)
local enabled = not opts.disable

local covered, updated, unchanged = {}, 0, 0
for group in groups.list{all_available = true, order_by = "path"} do
  if matches(group.full_path) then covered[group.full_path] = group end
end
-- Whether every project of the group and its subgroups but the excluded ones has the
-- wanted setting already (an update would change nothing).
local excluded = {}
for _, id in ipairs(exclude) do excluded[id] = true end
local function in_place(group)
  for project in groups.projects(group.id, {include_subgroups = true}) do
    if not excluded[project.id] and security.get_project(project.id).secret_push_protection_enabled ~= enabled then
      return false
    end
  end
  return true
end

local paths = {}
for path in pairs(covered) do paths[#paths + 1] = path end
table.sort(paths)

for _, path in ipairs(paths) do
  local parent = path:match("^(.*)/[^/]+$")
  local inherited = false
  while parent do
    if covered[parent] then inherited = true break end
    parent = parent:match("^(.*)/[^/]+$")
  end
  if not inherited and in_place(covered[path]) then
    unchanged = unchanged + 1
    print(("unchanged %s"):format(path))
  elseif not inherited then
    local result = security.update(covered[path].id, {secret_push_protection_enabled = enabled,
      projects_to_exclude = exclude})
    updated = updated + 1
    print(("%s %s%s"):format(enabled and "enabled " or "disabled", path,
      #result.errors > 0 and ("  (" .. table.concat(result.errors, "; ") .. ")") or ""))
  end
end
print(("%d group%s updated, %d unchanged"):format(updated, updated == 1 and "" or "s", unchanged))
