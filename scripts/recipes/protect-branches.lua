#!/usr/bin/env grove
--[[ protect-branches.lua - one protected-branch rule on many top-level groups.

Purpose:   applies a protected-branch rule (a name or wildcard, with push, merge
           and unprotect levels) to every top-level group whose path matches a
           pattern. Idempotent: groups already carrying the rule are left alone,
           a differing rule is aligned. A new rule gets 40 (maintainer) for each
           level not given and no force push; on an existing rule only the
           levels and the force-push setting given are changed, the others kept
           (GitLab's update). Prints what it did to each group.
Arguments: PATTERN  glob over top-level group paths (`*` any run, `?` one character)
           BRANCH   branch name or wildcard to protect (`main`, `release/*`)
           --push LEVEL --merge LEVEL --unprotect LEVEL   0 or no_one, 30 or developer,
                    40 or maintainer, 60 or admin (a new rule: 40 where not given)
           --force-push / --no-force-push   allow / forbid force pushes
Example:   grove run scripts/recipes/protect-branches.lua 'team-*' 'release/*' --push 40 --merge 30
           grove run --dry-run scripts/recipes/protect-branches.lua '*' main
]]

local recipe = require "grove.recipe"
local opts = recipe.options({...}, {flags = {"force_push", "no_force_push"}, values = {"push", "merge", "unprotect"},
  positionals = 2}, "PATTERN BRANCH [--push LEVEL] [--merge LEVEL] [--unprotect LEVEL] [--force-push|--no-force-push]")

-- GitLab's ProtectedRefAccess.allowed_access_levels: no one, developer, maintainer, admin.
local ALLOWED = {0, 30, 40, 60}
if opts.force_push and opts.no_force_push then recipe.fail("--force-push and --no-force-push exclude each other") end
local force_push = nil
if opts.force_push then force_push = true elseif opts.no_force_push then force_push = false end

-- Levels not given are nil: branches.ensure leaves them as they are on an existing rule,
-- and GitLab's defaults (40, no force push) apply to a new one.
local rule = {
  name = opts[2],
  push_access_level = recipe.access_level("push", opts.push, ALLOWED),
  merge_access_level = recipe.access_level("merge", opts.merge, ALLOWED),
  unprotect_access_level = recipe.access_level("unprotect", opts.unprotect, ALLOWED),
  allow_force_push = force_push,
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
