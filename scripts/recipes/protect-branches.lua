#!/usr/bin/env grove
--[[ protect-branches.lua - one protected-branch rule on many top-level groups.

Purpose:   applies a protected-branch rule (a name or wildcard, with push, merge
           and unprotect levels) to every top-level group whose path matches a
           pattern. Idempotent: groups already carrying the rule are left alone,
           a differing rule is aligned. Prints what it did to each group.
Arguments: PATTERN  glob over top-level group paths (`*` any run, `?` one character)
           BRANCH   branch name or wildcard to protect (`main`, `release/*`)
           --push LEVEL --merge LEVEL --unprotect LEVEL   0, 30, 40 or 60 (default 40)
           --force-push   allow force pushes
Example:   grove run scripts/recipes/protect-branches.lua 'team-*' 'release/*' --push 40 --merge 30
           grove run --dry-run scripts/recipes/protect-branches.lua '*' main
]]

local recipe = require "grove.recipe"
local opts = recipe.options({...}, {flags = {"force_push"}, values = {"push", "merge", "unprotect"}, positionals = 2},
  "PATTERN BRANCH [--push L] [--merge L] [--unprotect L] [--force-push]")

local function level(text)
  return text and math.tointeger(tonumber(text)) or 40
end

local rule = {
  name = opts[2],
  push_access_level = level(opts.push),
  merge_access_level = level(opts.merge),
  unprotect_access_level = level(opts.unprotect),
  allow_force_push = opts.force_push == true,
}
local matches = recipe.glob(opts[1])
local counts = {protected = 0, updated = 0, unchanged = 0}

for group in groups.list{top_level_only = true, all_available = true, order_by = "path"} do
  if matches(group.full_path) then
    local _, changes = branches.ensure(group.id, rule)
    local outcome = changes.created and "protected" or next(changes) and "updated" or "unchanged"
    counts[outcome] = counts[outcome] + 1
    print(("%-10s %s  %s"):format(outcome, group.full_path, rule.name))
  end
end
print(("%d protected, %d updated, %d unchanged"):format(counts.protected, counts.updated, counts.unchanged))
