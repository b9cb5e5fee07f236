#!/usr/bin/env grove
--[[ enforce-push-rules.lua - the standard push rule on a group and all below it.

Purpose:   applies the organisation's standard push rule (below) to the group at
           PATH and every descendant group, adding it where missing and editing
           the attributes that differ; reports the groups it changed.
Arguments: PATH     full path of the group to start from
           --json   print the report as JSON
Example:   grove run scripts/recipes/enforce-push-rules.lua platform
           grove run --dry-run scripts/recipes/enforce-push-rules.lua platform --json
]]

local recipe = require "grove.recipe"
local report = require "grove.report"
local opts = recipe.options({...}, {flags = {"json"}, positionals = 1},
  "PATH [--json]")

-- The standard rule: edit it here to change what every group gets.
local STANDARD = {
  deny_delete_tag = true,
  member_check = true,
  prevent_secrets = true,
  max_file_size = 100,
  commit_message_negative_regex = "^(WIP|fixup!)",
}

local top = groups.get(opts[1])
local targets = {top}
for g in groups.descendant_groups(top.id, {order_by = "path"}) do targets[#targets + 1] = g end
table.sort(targets, function(a, b) return a.full_path < b.full_path end)

local changed = {}
for _, group in ipairs(targets) do
  local _, changes = push_rules.ensure(group.id, STANDARD)
  if next(changes) then
    local what = {}
    if changes.created then what[1] = "added" else
      for k in pairs(changes) do what[#what + 1] = k end
      table.sort(what)
    end
    changed[#changed + 1] = {group = group.full_path, change = table.concat(what, ", ")}
  end
end

report.print(changed, {columns = {"group", "change"}, json = opts.json})
if not opts.json then print(("%d of %d groups changed"):format(#changed, #targets)) end
