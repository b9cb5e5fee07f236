#!/usr/bin/env grove
--[[ audit.lua - what in the groups' settings deserves a second look.

Purpose:   reports, across every group the caller can see:
             - groups without a push rule,
             - hooks with SSL verification turned off,
             - protected branches that let developers force-push,
             - service-account tokens without an expiry date.
           What the caller may not read (a maintainer cannot list hooks or
           service accounts, GitLab answers 403) is reported as `not visible`
           with the API and its answer, and the audit goes on.
           As an aligned table, or JSON with --json. Changes nothing.
Arguments: --json   print JSON instead of a table
Example:   grove run scripts/recipes/audit.lua
           grove run scripts/recipes/audit.lua --json > audit.json
]]

local recipe = require "grove.recipe"
local report = require "grove.report"
local opts = recipe.options({...}, {flags = {"json"}}, "[--json]")

local findings = {}
local function finding(check, group, detail)
  findings[#findings + 1] = {check = check, group = group.full_path, detail = detail}
end

local function status(err) return grove.iserror(err) and err.status or nil end

-- Runs `read`; what the caller may not see (403, or 404 for what a group hides from
-- them) is a finding, anything else is raised. True when the read went through.
local function visible(group, read)
  local ok, err = pcall(read)
  if ok then return true end
  if status(err) ~= 403 and status(err) ~= 404 then error(err, 0) end
  finding("not visible", group, tostring(err))
  return false
end

local function developers_may_push(entries)
  for _, e in ipairs(entries or {}) do
    if e.access_level == 30 then return true end
  end
  return false
end

-- GitLab answers 404 both for a group without a push rule and to a caller below
-- Maintainer there (change_push_rules): only the first is a missing push rule.
local me = users.current()
local function may_read_push_rules(group)
  if me.is_admin then return true end
  local ok, member = pcall(members.get_all, group.id, me.id)
  return ok and member.access_level >= 40
end

for group in groups.list{all_available = true, order_by = "path"} do
  local ok, err = pcall(push_rules.get, group.id)
  if not ok then
    if status(err) == 404 and may_read_push_rules(group) then finding("no push rule", group, "")
    elseif status(err) == 404 then finding("not visible", group, "push_rules.get: needs the Maintainer role")
    elseif status(err) == 403 then finding("not visible", group, tostring(err))
    else error(err, 0) end
  end

  visible(group, function()
    for hook in hooks.list(group.id) do
      if hook.enable_ssl_verification == false then finding("hook without SSL verification", group, hook.url) end
    end
  end)

  if group.parent_id == grove.null then
    visible(group, function()
      for rule in branches.list(group.id) do
        if rule.allow_force_push and developers_may_push(rule.push_access_levels) then
          finding("developers may force-push", group, rule.name)
        end
      end
    end)
    visible(group, function()
      for account in service_accounts.list(group.id) do
        for token in service_accounts.list_tokens(group.id, account.id) do
          if token.active and token.expires_at == grove.null then
            finding("token without expiry", group, account.username .. " / " .. token.name)
          end
        end
      end
    end)
  end
end

report.print(findings, {columns = {"check", "group", "detail"}, json = opts.json})
