-- The namespaces bindings from Lua, success and error paths, against a temporary
-- store file: `namespaces.list`, `namespaces.get`, `namespaces.exists`.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"
t.in_temporary_store { "namespaces" }

local alice = users.create { username = "alice", email = "alice@example.com", name = "Alice" }
local platform = groups.create { name = "Platform", path = "platform" }
local api = groups.create { name = "API", path = "api", parent_id = platform.id }
members.add(platform.id, { user_id = alice.id, access_level = 30 })

-- namespaces.list
local function paths(list)
  local out = {}
  for i, ns in ipairs(list) do out[i] = ns.kind .. ":" .. ns.full_path end
  return table.concat(out, " ")
end
t.eq(paths(t.call_ok(namespaces.list)), "user:root user:alice group:platform group:platform/api", "namespaces.list: everything for root")
t.eq(paths(t.call_ok_as("alice", namespaces.list)), "user:alice group:platform", "namespaces.list: alice's own and her group")
t.eq(paths(t.call_ok(namespaces.list, { top_level_only = true, search = "plat" })), "group:platform", "namespaces.list: top level, searched")
t.eq(paths(t.call_ok_as("alice", namespaces.list, { owned_only = true })), "user:alice", "namespaces.list: alice owns no group")
t.is_error(t.call_err(namespaces.list, { owned_only = "maybe" }), 400, "owned_only is invalid", "namespaces.list: not a boolean")
t.is_unknown_option(t.call_err(namespaces.list, { kind = "user" }), "kind", { "search", "owned_only", "top_level_only" },
  "namespaces.list: an unknown option")

-- namespaces.get
local got = t.call_ok(namespaces.get, "platform/api")
t.eq(got.id, api.id, "namespaces.get: by full path")
t.eq(got.parent_id, platform.id, "namespaces.get: parent_id")
t.eq(got.members_count_with_descendants, 1, "namespaces.get: root, its one member (alice belongs to platform), for an administrator")
t.eq(t.call_ok(namespaces.get, platform.id).members_count_with_descendants, 2, "namespaces.get: root and alice in platform's tree")
local mine = t.call_ok_as("alice", namespaces.get, "alice")
t.eq(mine.kind, "user", "namespaces.get: a personal namespace")
t.eq(t.call_ok(namespaces.get, mine.id).full_path, "alice", "namespaces.get: by id")
t.eq(t.call_ok_as("alice", namespaces.get, platform.id).members_count_with_descendants, nil, "namespaces.get: counts for owners only")
t.is_error(t.call_err_as("alice", namespaces.get, "root"), 404, "404 Namespace Not Found", "namespaces.get: another user's namespace")
t.is_error(t.call_err(namespaces.get, "nowhere"), 404, "404 Namespace Not Found", "namespaces.get: no such namespace")
t.is_argument_error(t.call_err(namespaces.get, true), "bad argument #1 to 'namespaces.get' (id: id or full path expected, got boolean)",
  "namespaces.get: a boolean id")

-- namespaces.exists
local found = t.call_ok(namespaces.exists, "platform")
t.eq(found.exists, true, "namespaces.exists: a taken path")
t.eq(found.suggests[1], "platform1", "namespaces.exists: a suggestion")
t.eq(t.call_ok(namespaces.exists, "api").exists, false, "namespaces.exists: api is free at the top level")
t.eq(t.call_ok(namespaces.exists, "api", { parent_id = platform.id }).suggests[1], "api1", "namespaces.exists: under a parent")
t.eq(#t.call_ok(namespaces.exists, "web", { parent_id = platform.id }).suggests, 0, "namespaces.exists: no suggestion when free")
t.is_error(t.call_err(namespaces.exists, "api", { parent_id = "platform" }), 400, "parent_id is invalid", "namespaces.exists: a path as parent_id")

t.finish()
