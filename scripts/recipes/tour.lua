#!/usr/bin/env grove
--[[ tour.lua - Grove's main job: a walk through group administration.

Purpose:   seeds a sample organisation on the embedded store (top-level groups,
           subgroups, projects, users, members) and walks through the families
           of operations - create, get, list and search, update, members,
           share, transfer, delete and restore, audit - printing what it does.
           It is idempotent: a second run finds everything in place.
Arguments: none.
Example:   ./scripts/grove run scripts/recipes/tour.lua
           grove --memory scripts/recipes/tour.lua
           grove run --dry-run scripts/recipes/tour.lua   # what it would change
]]

local recipe = require "grove.recipe"
local tree = require "grove.tree"
local report = require "grove.report"
recipe.options({...}, {}, "")

local function section(title) print(("\n== %s =="):format(title)) end
local function say(fmt, ...) print("  " .. fmt:format(...)) end

local function ensure_user(username, name)
  local found = users.list{username = username}:first(1)[1]
  if found then return found end
  say("users.create %s", username)
  return users.create{username = username, name = name, email = username .. "@example.com"}
end

local function ensure_project(namespace, path, visibility)
  for p in groups.projects(namespace.id, {search = path}) do
    if p.path == path then return p end
  end
  say("projects.create %s/%s", namespace.full_path, path)
  return projects.create{namespace_id = namespace.id, path = path, name = path, visibility = visibility}
end

section("Store")
say("%s", grove.store.url and ("the GitLab at " .. grove.store.url)
  or grove.store.memory and "a throw-away in-memory store" or ("the embedded store at " .. grove.store.path))

section("A sample organisation (groups.ensure: get or create, then align)")
local platform, changes = groups.ensure{path = "platform", name = "Platform", visibility = "internal",
  description = "Shared services"}
say("platform: %s", changes.created and "created" or "already there")
local api = groups.ensure{path = "api", name = "API", parent = "platform", visibility = "internal"}
local web = groups.ensure{path = "web", name = "Web", parent = "platform", visibility = "internal"}
local data = groups.ensure{path = "data", name = "Data", visibility = "private"}
-- legacy starts under data; the transfer below moves it under platform for good.
local moved, legacy = pcall(groups.get, "platform/legacy")
if not moved then legacy = groups.ensure{path = "legacy", name = "Legacy", parent = "data"} end
ensure_project(api, "gateway", "internal")
ensure_project(api, "auth", "private")
ensure_project(web, "portal", "internal")
ensure_project(data, "warehouse", "private")

section("Users and members")
local alice = ensure_user("alice", "Alice Maintainer")
local bob = ensure_user("bob", "Bob Developer")
for _, m in ipairs{ {platform, alice, 40}, {api, bob, 30} } do
  local group, user, level = m[1], m[2], m[3]
  if members.list(group.id, {query = user.username}):count() == 0 then
    members.add(group.id, {user_id = user.id, access_level = level})
    say("members.add %s @%s access_level=%d", group.full_path, user.username, level)
  end
end
report.print(members.list(platform.id):all(), {columns = {"username", "access_level"}})

section("The hierarchy (groups.list + grove.tree)")
tree.print(groups.list{all_available = true}, {visibility = true})

section("Search and descendants")
for g in groups.list{search = "a", order_by = "path"} do say("search 'a': %s", g.full_path) end
say("descendants of platform: %d", groups.descendant_groups(platform.id):count())

section("Update")
local updated = groups.update(api.id, {description = "Public APIs of the platform"})
say("api description: %s", updated.description)

section("Share")
local ok = pcall(groups.share, data.id, {group_id = platform.id, group_access = 20})
say("data shared with platform as Reporter: %s", ok and "yes" or "already")
say("shared_with_groups of data: %d", #groups.get(data.id).shared_with_groups)

section("Transfer")
local locations = groups.transfer_locations(legacy.id):all()
say("legacy may move to %d places", #locations)
if groups.get(legacy.id).full_path ~= "platform/legacy" then
  groups.transfer(legacy.id, {group_id = platform.id})
end
say("legacy now at %s", groups.get(legacy.id).full_path)

section("Errors are values")
local _, err = pcall(groups.create, {name = "Platform again", path = "platform"})
say("%s -> status %s", tostring(err), err.status)
local _, err3 = pcall(groups.get, "no/such/group")
say("%s", tostring(err3))

section("Delete and restore (7 days retention)")
local doomed, created = groups.ensure{path = "sandbox", name = "Sandbox", parent = "platform"}
if created.created then
  groups.delete(doomed.id)
  say("marked: %s", tostring(groups.get(doomed.id).marked_for_deletion_on))
  groups.restore(doomed.id)
  say("restored: %s", groups.get(doomed.id).full_path)
else
  say("sandbox: already deleted and restored once, at %s", doomed.full_path)
end

section("Audit trail (latest 5)")
local latest = audit.list{order = "desc"}:first(5)
for i = #latest, 1, -1 do say("%s %s", latest[i].action, tostring(latest[i].entity_path)) end
