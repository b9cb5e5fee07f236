--[[ seed.lua - a realistic organisation for the REST fuzz (Tests/fuzz/rest), run with
`grove --db STORE run Tests/fuzz/seed.lua`. Prints `name = value` lines: the ids of
existing objects, which the fuzz supplies as path parameters so most requests reach the
handlers rather than a 404. Objects whose creation the store refuses are left out. ]]

local function try(f, ...)
  local ok, v = pcall(f, ...)
  if not ok then io.stderr:write("seed: ", tostring(v), "\n") return nil end
  return v
end

local platform = groups.create{name = "Platform", path = "platform", visibility = "internal", description = "Shared services"}
local api = groups.create{name = "API", path = "api", parent_id = platform.id, visibility = "internal"}
groups.create{name = "Web", path = "web", parent_id = platform.id, visibility = "internal"}
local data = groups.create{name = "Data", path = "data", visibility = "private"}
groups.create{name = "Legacy", path = "legacy", parent_id = data.id}
local users_made = {}
for _, name in ipairs{"alice", "bob", "carol", "dave"} do
  users_made[name] = users.create{username = name, name = name:upper(), email = name .. "@example.com"}
end
members.add(platform.id, {user_id = users_made.alice.id, access_level = 50})
members.add(api.id, {user_id = users_made.bob.id, access_level = 30})
members.add(data.id, {user_id = users_made.carol.id, access_level = 20, expires_at = "2999-01-01"})
local project = projects.create{namespace_id = api.id, name = "gateway", path = "gateway", visibility = "internal"}
projects.create{namespace_id = data.id, name = "warehouse", path = "warehouse"}
try(groups.share, platform.id, {group_id = data.id, group_access = 20})
local hook = try(hooks.add, platform.id, {url = "https://hooks.example.com/grove", token = "seed-hook-secret", push_events = true})
try(branches.protect, platform.id, {name = "main", push_access_level = 40})
try(push_rules.add, platform.id, {max_file_size = 100, commit_message_regex = "^[A-Z]"})
try(saml_links.add, platform.id, {saml_group_name = "saml-platform", access_level = 30})
try(ldap_links.add, platform.id, {cn = "ldap-platform", group_access = 30, provider = "ldapmain"})
local account = try(service_accounts.create, platform.id, {name = "Bot", username = "platform-bot"})
local token = account and try(service_accounts.create_token, platform.id, account.id, {name = "ci", scopes = {"api"}, expires_at = os.date("!%Y-%m-%d", os.time() + 180 * 86400)})
try(groups.custom_attributes.set, platform.id, "owner", {value = "infra"})

local function out(name, value)
  if value ~= nil then print(("%s = %s"):format(name, type(value) == "number" and tostring(value) or string.format("%q", value))) end
end
out("id", platform.id)
out("group_id", data.id)
out("user_id", users_made.bob.id)
out("hook_id", hook and hook.id)
out("name", "main")
out("key", "owner")
out("project_id", project.id)
out("token_id", token and token.id)
out("saml_group_name", "saml-platform")
out("cn", "ldap-platform")
out("provider", "ldapmain")
