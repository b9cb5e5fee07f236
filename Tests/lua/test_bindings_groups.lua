-- The groups bindings from Lua, success and error paths, against a temporary
-- store file: `groups.*` and `groups.custom_attributes.*`, as root (an
-- administrator), as an owner and as users with no role.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"
t.in_temporary_store { "groups", "groups.custom_attributes" }

local function base64(bytes)
  local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  return (bytes:gsub(".", function(c)
    local b, bits = c:byte(), ""
    for i = 8, 1, -1 do bits = bits .. ((b >> (i - 1)) & 1) end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(six)
    if #six < 6 then return "" end
    local n = tonumber(six, 2)
    return alphabet:sub(n + 1, n + 1)
  end) .. ({ "", "==", "=" })[#bytes % 3 + 1]
end

local function paths(list)
  local out = {}
  for i, g in ipairs(list) do out[i] = g.full_path end
  table.sort(out)
  return table.concat(out, " ")
end

local alice = users.create { username = "alice", email = "alice@example.com", name = "Alice" }
users.create { username = "bob", email = "bob@example.com", name = "Bob" }

-- groups.create
local platform = t.call_ok(groups.create, { name = "Platform", path = "platform", visibility = "public", description = "The platform" })
t.eq(platform.full_path, "platform", "create: full_path")
t.eq(platform.name, "Platform", "create: name")
t.eq(platform.visibility, "public", "create: visibility")
t.eq(platform.description, "The platform", "create: description")
t.eq(platform.parent_id, grove.null, "create: a top-level group's parent_id is null")
t.eq(math.type(platform.id), "integer", "create: an integer id")
local api = t.call_ok(groups.create, { name = "API", path = "api", parent_id = platform.id, visibility = "internal" })
t.eq(api.full_path, "platform/api", "create: a subgroup's full_path")
t.eq(api.parent_id, platform.id, "create: a subgroup's parent_id")
local gateway = t.call_ok(groups.create, { name = "Gateway", path = "gateway", parent_id = "platform/api", visibility = "private" })
t.eq(gateway.full_path, "platform/api/gateway", "create: parent_id given as a full path")

local err = t.call_err(groups.create, { name = "Again", path = "platform" })
t.is_error(err, 400, 'Failed to save group {:path=>["has already been taken"]}', "create: a taken path is a 400")
t.eq(err.errors and err.errors.path and err.errors.path[1], "has already been taken", "create: err.errors.path")
t.eq(tostring(err), 'groups.create: 400 {path = "has already been taken"}', "create: tostring of a validation error")
t.is_error(t.call_err(groups.create, { name = "No path" }), 400, "path is missing", "create: a missing path")
t.is_error(t.call_err(groups.create, { name = "V", path = "vv", visibility = "secret" }), 400,
  "visibility does not have a valid value", "create: an unknown visibility")
t.is_unknown_option(t.call_err(groups.create, { name = "C", path = "cc", colour = "red" }), "colour",
  { "name", "path", "visibility", "parent_id", "description" }, "create: an unknown option lists the accepted ones")
t.is_argument_error(t.call_err(groups.create, "platform"), "bad argument #1 to 'groups.create' (table expected, got string)",
  "create: a string instead of the options table")
t.is_argument_error(t.call_err(groups.create, { "platform" }), "bad argument #1 to 'groups.create' (table of named options expected, got a list)",
  "create: a list instead of named options")
t.is_argument_error(t.call_err(groups.create, { name = "F", path = "ff", description = print }),
  "bad argument #1 to 'groups.create' (option 'description' cannot be a function)", "create: a function as an option value")
t.is_error(t.call_err_as("bob", groups.create, { name = "Sub", path = "sub", parent_id = platform.id }), 403,
  "403 Forbidden", "create: a subgroup of a group bob has no role in is 403")

-- groups.get
local got = t.call_ok(groups.get, "platform/api")
t.eq(got.id, api.id, "get by full path: id")
t.eq(got.full_path, "platform/api", "get by full path: full_path")
t.eq(got.visibility, "internal", "get: visibility")
t.eq(t.call_ok(groups.get, platform.id).path, "platform", "get by id")
err = t.call_err(groups.get, "nope")
t.is_error(err, 404, "404 Group Not Found", "get: an unknown group")
t.eq(tostring(err), "groups.get: 404 Group Not Found", "get: tostring of a 404")
t.is_error(t.call_err_as("bob", groups.get, "platform/api/gateway"), 404, "404 Group Not Found",
  "get: a private group is not found for bob")
t.is_argument_error(t.call_err(groups.get, true), "bad argument #1 to 'groups.get' (id: id or full path expected, got boolean)",
  "get: a boolean id")
t.is_argument_error(t.call_err(groups.get, 1.5), "bad argument #1 to 'groups.get' (id: id or full path expected, got number)",
  "get: a fractional id")
t.is_argument_error(t.call_err(groups.get), "bad argument #1 to 'groups.get' (id: id or full path expected, got no value)",
  "get: no id")
t.is_unknown_option(t.call_err(groups.get, "platform", { with_colour = true }), "with_colour",
  { "with_custom_attributes", "with_projects" }, "get: an unknown option")
t.is_error(t.call_err(groups.get, "platform", { with_projects = "maybe" }), 400, "with_projects is invalid",
  "get: a boolean option given a word")

-- groups.update
local updated = t.call_ok(groups.update, "platform/api", { description = "Public API", visibility = "private" })
t.eq(updated.description, "Public API", "update: description")
t.eq(updated.visibility, "private", "update: visibility")
t.eq(groups.get(api.id).description, "Public API", "update: stored")
t.is_error(t.call_err_as("bob", groups.update, "platform", { description = "mine" }), 403, "403 Forbidden",
  "update: bob cannot update a public group he has no role in")
err = t.call_err(groups.update, "platform/api/gateway", { visibility = "public" })
t.is_error(err, 400, "{visibility_level: public is not allowed since the parent group has a private visibility.}",
  "update: a subgroup cannot be more visible than its parent")
t.eq(err.errors and err.errors.visibility_level and err.errors.visibility_level[1],
  "public is not allowed since the parent group has a private visibility.", "update: err.errors.visibility_level")
t.is_unknown_option(t.call_err(groups.update, "platform", { colour = "red" }), "colour",
  { "name", "path", "description", "visibility" }, "update: an unknown option")
t.is_argument_error(t.call_err(groups.update, false, { description = "x" }),
  "bad argument #1 to 'groups.update' (id: id or full path expected, got boolean)", "update: a boolean id")
t.is_argument_error(t.call_err(groups.update, "platform", "x"),
  "bad argument #2 to 'groups.update' (table expected, got string)", "update: a string instead of options")
-- A positional argument given again in the options table is refused: it must not
-- replace the argument (and change another group than the one named).
err = t.call_err(groups.update, "platform", { id = "platform/api", description = "changed" })
t.is_error(err, 400, "id is argument #1, not an option", "update: id in the options table is refused")
t.eq(tostring(err), "groups.update: 400 id is argument #1, not an option", "update: the refusal names groups.update")
t.eq(groups.get("platform/api").description, "Public API", "update: the group named in the options is untouched")
t.eq(groups.get("platform").description, "The platform", "update: the group of argument #1 is untouched")
t.is_error(t.call_err(groups.get, "platform", { id = 999 }), 400, "id is argument #1, not an option",
  "get: id in the options table is refused, not a 404 of group 999")
-- Text ends at a NUL for SQLite and C: "platform\0/api" must not name "platform".
-- Every argument is checked before anything is read or sent, on either backend.
t.is_error(t.call_err(groups.get, "platform\0junk"), 400, "id contains a null byte", "get: a NUL in a path")
t.is_error(t.call_err(groups.delete, "platform\0/api"), 400, "id contains a null byte", "delete: a NUL in a path")
t.eq(groups.get("platform").marked_for_deletion_on, grove.null, "delete: the group before the NUL is not marked")
-- An id's escapes are decoded (`platform%2Fapi`): `%00` is a NUL all the same.
t.is_error(t.call_err(groups.get, "platform%00junk"), 404, "404 Group Not Found", "get: an escaped NUL in a path")
t.is_error(t.call_err(groups.delete, "platform%00/api"), 404, "404 Group Not Found", "delete: an escaped NUL in a path")
t.fails(function() grove.as("root\0x", function() end) end, "400 username contains a null byte", "as: a NUL in a username")
t.is_error(t.call_err(groups.update, "platform", { description = "a\0b" }), 400, "description contains a null byte",
  "update: a NUL in a value")
t.is_error(t.call_err(groups.list, { search = "plat\0zzz" }), 400, "search contains a null byte", "list: a NUL in search")
t.is_error(t.call_err(groups.update, "platform", { default_branch_protection_defaults = { allowed_to_push = { { access_level = "3\0" } } } }),
  400, "default_branch_protection_defaults contains a null byte", "update: a NUL deep in a hash")
t.eq(groups.get("platform").description, "The platform", "update: nothing changed by the refused updates")
-- An empty id or a NaN is refused as the store refuses it, not sent: on a GitLab,
-- `/groups/` is the list of groups and NaN has no JSON form.
t.is_error(t.call_err(groups.get, ""), 400, "id is invalid", "get: an empty id")
t.is_error(t.call_err(groups.delete, ""), 400, "id is invalid", "delete: an empty id")
t.is_error(t.call_err(groups.update, "platform", { two_factor_grace_period = 0 / 0 }), 400,
  "two_factor_grace_period is invalid", "update: NaN")
t.is_error(t.call_err(groups.update, "platform", { two_factor_grace_period = math.huge }), 400,
  "two_factor_grace_period is invalid", "update: infinity")
-- Lua strings are bytes; GitLab's parameters are text: bytes that are not UTF-8 are
-- refused, not replaced by U+FFFD (which a group name would accept).
t.is_argument_error(t.call_err(groups.update, "platform", { name = "\xff\xfe" }),
  "bad argument #2 to 'groups.update' (option 'name' is not valid UTF-8 text)", "update: a name that is not UTF-8")
t.is_argument_error(t.call_err(groups.get, "plat\xff"),
  "bad argument #1 to 'groups.get' (id: not valid UTF-8 text)", "get: an id that is not UTF-8")
t.eq(groups.get("platform").name, "Platform", "update: the name is unchanged")
-- group.rb: two_factor_grace_period is present and a number; null is not.
err = t.call_err(groups.update, "platform", { two_factor_grace_period = grove.null })
t.is_error(err, 400, "{two_factor_grace_period: can't be blank, is not a number}", "update: a null grace period")
t.eq(groups.get("platform").two_factor_grace_period, 48, "update: the grace period is unchanged")
-- GitLab reads a null lfs_enabled or project_creation_level as the instance's default.
local defaults = t.call_ok(groups.update, "platform", { lfs_enabled = grove.null, project_creation_level = grove.null })
t.eq(defaults.lfs_enabled, true, "update: a null lfs_enabled is the default, true")
t.eq(defaults.project_creation_level, "developer", "update: a null project_creation_level is the default")
-- default_branch_protection_defaults takes GitLab's declared keys only (Grape's
-- `type: Hash do ... end`): others are dropped, and a value of the wrong type is
-- refused where it is.
local protection = t.call_ok(groups.update, "platform", { default_branch_protection_defaults = {
  allowed_to_push = { { access_level = 30 } }, allow_force_push = "true", allowed_to_merge = { { access_level = 40, colour = "red" } },
  developer_can_initial_push = false, foo = 1 } }).default_branch_protection_defaults
t.eq(protection.allowed_to_push[1].access_level, 30, "update: allowed_to_push")
t.eq(protection.allow_force_push, true, "update: allow_force_push coerced to a boolean")
t.eq(protection.allowed_to_merge[1].colour, nil, "update: an undeclared key in an item is dropped")
t.eq(protection.foo, nil, "update: an undeclared key is dropped")
t.is_error(t.call_err(groups.update, "platform", { default_branch_protection_defaults = { allowed_to_push = { { access_level = { { {} } } } } } }),
  400, "default_branch_protection_defaults[allowed_to_push][0][access_level] is invalid", "update: a table as an access level")
t.is_error(t.call_err(groups.update, "platform", { default_branch_protection_defaults = { allowed_to_merge = { { access_level = "dev" } } } }),
  400, "default_branch_protection_defaults[allowed_to_merge][0][access_level] is invalid", "update: a name as an access level")
t.is_error(t.call_err(groups.update, "platform", { default_branch_protection_defaults = { allow_force_push = "maybe" } }),
  400, "default_branch_protection_defaults[allow_force_push] is invalid", "update: not a boolean")
t.is_error(t.call_err(groups.update, "platform", { default_branch_protection_defaults = { allowed_to_push = { { access_level = 50 } } } }),
  400, "default_branch_protection_defaults[allowed_to_push][0][access_level] does not have a valid value",
  "update: an access level no protected branch has (Grape's values)")
t.is_error(t.call_err(groups.update, "platform", { default_branch_protection_defaults = { allowed_to_merge = { {} } } }),
  400, "default_branch_protection_defaults[allowed_to_merge][0][access_level] is missing", "update: an item without its access level")
t.is_error(t.call_err(groups.update, "platform", { default_branch_protection_defaults = { allowed_to_push = { { access_level = 60 } } } }),
  400, "{default_branch_protection_defaults: allowed_to_push access level must be Developer (30) or Maintainer (40)}",
  "update: a protected branch's level the setting does not support")
t.eq(groups.get("platform").default_branch_protection_defaults.allowed_to_push[1].access_level, 30, "update: the refused updates changed nothing")

-- groups.list
local listed = t.call_ok(groups.list)
t.eq(paths(listed), "platform platform/api platform/api/gateway", "list: every group for an administrator")
t.eq(paths(t.call_ok(groups.list, { search = "gate" })), "platform/api/gateway", "list: search")
t.eq(paths(t.call_ok(groups.list, { top_level_only = true })), "platform", "list: top_level_only")
t.eq(paths(t.call_ok_as("bob", groups.list)), "", "list: none for bob, a member of none")
t.eq(paths(t.call_ok_as("bob", groups.list, { all_available = true })), "platform", "list: all_available shows bob the public group only")
t.is_error(t.call_err(groups.list, { order_by = "colour" }), 400, "order_by does not have a valid value", "list: an unknown order_by")
t.is_unknown_option(t.call_err(groups.list, { colour = "red" }), "colour", { "search", "order_by", "top_level_only" },
  "list: an unknown option")
t.is_argument_error(t.call_err(groups.list, "platform"), "bad argument #1 to 'groups.list' (table expected, got string)",
  "list: a string instead of options")

-- groups.subgroups and groups.descendant_groups
local tools = groups.create { name = "Tools", path = "tools", parent_id = platform.id, visibility = "public" }
t.eq(paths(t.call_ok(groups.subgroups, "platform")), "platform/api platform/tools", "subgroups: direct children")
t.eq(paths(t.call_ok(groups.subgroups, "platform", { search = "too" })), "platform/tools", "subgroups: search")
err = t.call_err(groups.subgroups, "nope")
t.is_error(err, 404, "404 Group Not Found", "subgroups of an unknown group")
t.eq(tostring(err), "groups.subgroups: 404 Group Not Found", "subgroups: the error of :all() names groups.subgroups")
-- A lazy list fails when it fetches a page, in the name of the function that made it.
local _, loop_err = pcall(function() for _ in groups.subgroups("nope") do end end)
t.is_error(loop_err, 404, "404 Group Not Found", "subgroups: a for loop over an unknown group's subgroups fails")
t.eq(tostring(loop_err), "groups.subgroups: 404 Group Not Found", "subgroups: the for loop's error names groups.subgroups")
for _, method in ipairs { "first", "count" } do
  local _, method_err = pcall(function() local it = groups.subgroups("nope") return it[method](it, 1) end)
  t.eq(tostring(method_err), "groups.subgroups: 404 Group Not Found", "subgroups: the error of :" .. method .. "() names groups.subgroups")
end
t.is_unknown_option(t.call_err(groups.subgroups, "platform", { top_level_only = true }), "top_level_only",
  { "search", "order_by", "all_available" }, "subgroups: top_level_only is an option of list only")
t.is_argument_error(t.call_err(groups.subgroups, {}), "bad argument #1 to 'groups.subgroups' (id: id or full path expected, got table)",
  "subgroups: a table as the group")
t.eq(paths(t.call_ok(groups.descendant_groups, "platform")), "platform/api platform/api/gateway platform/tools",
  "descendant_groups: every level")
t.eq(paths(t.call_ok_as("bob", groups.descendant_groups, "platform", { all_available = true })), "platform/tools",
  "descendant_groups: all_available shows bob the public descendants only")
t.is_error(t.call_err(groups.descendant_groups, 999999), 404, "404 Group Not Found", "descendant_groups of an unknown group")

-- groups.share and groups.unshare
local partners = groups.create { name = "Partners", path = "partners", visibility = "private" }
local shared = t.call_ok(groups.share, "platform", { group_id = partners.id, group_access = 30, expires_at = "2099-01-31" })
local link = shared.shared_with_groups and shared.shared_with_groups[1] or {}
t.eq(link.group_id, partners.id, "share: shared_with_groups names the group")
t.eq(link.group_access_level, 30, "share: with Developer access")
t.eq(link.expires_at, "2099-01-31", "share: expiry")
t.is_error(t.call_err(groups.share, "platform", { group_id = partners.id, group_access = 30 }), 409,
  "Shared group The group has already been shared with this group", "share: twice is a conflict")
t.is_error(t.call_err(groups.share, "platform", { group_id = partners.id, group_access = 31 }), 400,
  "group_access does not have a valid value", "share: an unknown access level")
t.is_error(t.call_err(groups.share, "platform", { group_access = 30 }), 400, "group_id is missing", "share: no group_id")
t.is_error(t.call_err_as("bob", groups.share, "platform", { group_id = "tools", group_access = 10 }), 403, "403 Forbidden",
  "share: bob is not an owner")
t.eq(t.call_ok(groups.unshare, "platform", partners.id), nil, "unshare: no value (204)")
t.eq(#groups.get("platform").shared_with_groups, 0, "unshare: the link is gone")
t.is_error(t.call_err(groups.unshare, "platform", partners.id), 404, "404 Group Link Not Found", "unshare: not shared")
t.is_argument_error(t.call_err(groups.unshare, "platform", true),
  "bad argument #2 to 'groups.unshare' (number expected, got boolean)", "unshare: a boolean group id")

-- groups.transfer and groups.transfer_locations
local locations = t.call_ok(groups.transfer_locations, "platform/tools")
local names = {}
for _, g in ipairs(locations) do names[#names + 1] = g.full_path end
table.sort(names)
t.eq(table.concat(names, " "), "partners platform/api platform/api/gateway", "transfer_locations: other groups, not its own parent nor itself")
t.is_error(t.call_err_as("bob", groups.transfer_locations, "platform/tools"), 403, "403 Forbidden", "transfer_locations: bob is not an owner")
local moved = t.call_ok(groups.transfer, "platform/tools", { group_id = "partners" })
t.eq(moved.full_path, "partners/tools", "transfer: new full path")
t.eq(moved.parent_id, partners.id, "transfer: new parent")
t.eq(t.call_ok(groups.transfer, "partners/tools").full_path, "tools", "transfer without group_id: top level")
t.is_error(t.call_err(groups.transfer, "platform", { group_id = "platform/api" }), 400,
  "400 Bad request - Transfer failed: Cannot transfer group to one of its subgroup.", "transfer: into its own subgroup")
t.is_error(t.call_err(groups.transfer, "tools"), 400, "400 Bad request - Transfer failed: Group is already a root group.",
  "transfer: a top-level group to the top level")
t.is_error(t.call_err(groups.transfer, "tools", { group_id = "nope" }), 404, "404 Group Not Found", "transfer: an unknown parent")

-- groups.projects, groups.shared_projects and groups.transfer_project
local project = projects.create { name = "Gateway Service", path = "gateway-service", namespace_id = gateway.id }
local tool = projects.create { name = "Linter", path = "linter", namespace_id = "tools" }
local in_api = t.call_ok(groups.projects, "platform/api/gateway")
t.eq(#in_api, 1, "projects: one project")
t.eq(in_api[1].path_with_namespace, "platform/api/gateway/gateway-service", "projects: path_with_namespace")
t.eq(#t.call_ok(groups.projects, "platform"), 0, "projects: subgroups' projects only on request")
t.eq(#t.call_ok(groups.projects, "platform", { include_subgroups = true }), 1, "projects: include_subgroups")
t.is_error(t.call_err(groups.projects, "nope"), 404, "404 Group Not Found", "projects of an unknown group")
t.is_error(t.call_err(groups.projects, "platform", { order_by = "colour" }), 400, "order_by does not have a valid value",
  "projects: an unknown order_by")
projects.share(tool.id, { group_id = "partners", group_access = 20 })
local shared_projects = t.call_ok(groups.shared_projects, "partners")
t.eq(#shared_projects, 1, "shared_projects: one project")
t.eq(shared_projects[1].id, tool.id, "shared_projects: the shared project")
t.is_error(t.call_err_as("bob", groups.shared_projects, "partners"), 404, "404 Group Not Found", "shared_projects: a private group for bob")
local target = t.call_ok(groups.transfer_project, "partners", project.id)
t.eq(target.full_path, "partners", "transfer_project: answers the target group")
t.eq(projects.get(project.id).path_with_namespace, "partners/gateway-service", "transfer_project: the project moved")
t.is_error(t.call_err(groups.transfer_project, "partners", 999999), 404, "404 Project Not Found", "transfer_project: an unknown project")
t.is_error(t.call_err_as("bob", groups.transfer_project, "platform", tool.id), 403, "403 Forbidden",
  "transfer_project: administrators only")
t.is_argument_error(t.call_err(groups.transfer_project, "partners", { project.id }),
  "bad argument #2 to 'groups.transfer_project' (project_id: id or full path expected, got table)", "transfer_project: a table as the project")

-- groups.provisioned_users and groups.users
users.create { username = "svc-bot", email = "svc@example.com", service_account = true, provisioned_by_group_id = "platform" }
users.create { username = "carol", email = "carol@example.com", provisioned_by_group_id = "platform", saml_group_id = "platform" }
local provisioned = t.call_ok(groups.provisioned_users, "platform")
local usernames = {}
for i, u in ipairs(provisioned) do usernames[i] = u.username end
t.eq(table.concat(usernames, " "), "svc-bot carol", "provisioned_users: both, by id")
t.eq(#t.call_ok(groups.provisioned_users, "platform", { username = "carol" }), 1, "provisioned_users: username filter")
t.is_error(t.call_err_as("bob", groups.provisioned_users, "platform"), 403, "403 Forbidden", "provisioned_users: Maintainer or above")
t.is_error(t.call_err(groups.provisioned_users, "platform", { created_after = "yesterday" }), 400, "created_after is invalid",
  "provisioned_users: a date-time option given a word")
local service_users = t.call_ok(groups.users, "platform", { include_service_accounts = true })
t.eq(#service_users, 1, "users: service accounts")
t.eq(service_users[1].username, "svc-bot", "users: the service account")
local saml_users = t.call_ok(groups.users, "platform", { include_saml_users = true })
t.eq(#saml_users == 1 and saml_users[1].username, "carol", "users: SAML users")
t.is_error(t.call_err(groups.users, "platform"), 400,
  "400 Bad request - At least one of include_saml_users and include_service_accounts must be true", "users: neither kind")
t.is_error(t.call_err_as("bob", groups.users, "platform", { include_saml_users = true }), 403, "403 Forbidden", "users: owners only")

-- groups.avatar (uploaded with groups.update)
local png = "\137PNG\r\n\26\n" .. string.rep("x", 20)
local with_avatar = groups.update("platform", { avatar = { filename = "logo.png", content = base64(png) } })
t.ok(type(with_avatar.avatar_url) == "string" and with_avatar.avatar_url:find("logo.png", 1, true) ~= nil,
  "update: an avatar upload sets avatar_url: " .. tostring(with_avatar.avatar_url))
local avatar = t.call_ok(groups.avatar, "platform")
t.eq(avatar.filename, "logo.png", "avatar: filename")
t.eq(avatar.content_type, "image/png", "avatar: content type")
t.eq(avatar.size, #png, "avatar: size in bytes")
t.is_error(t.call_err(groups.avatar, "partners"), 404, "404 Avatar Not Found", "avatar: a group without one")
t.is_error(t.call_err(groups.update, "platform", { avatar = { filename = "logo.png" } }), 400, "avatar is invalid",
  "update: an avatar without content")
t.eq(t.call_ok(groups.update, "platform", { avatar = "" }).avatar_url, grove.null, "update: an empty avatar removes it")
t.is_error(t.call_err(groups.avatar, "platform"), 404, "404 Avatar Not Found", "avatar: removed")

-- groups.upload_avatar (a path or bytes, no base64 by hand), groups.remove_avatar
local image = os.tmpname() .. ".png"
local f = assert(io.open(image, "wb"))
f:write(png)
f:close()
t.ok(t.call_ok(groups.upload_avatar, "platform", image).avatar_url:find(image:match("[^/]*$"), 1, true) ~= nil,
  "upload_avatar: from a file, named as the file")
t.eq(groups.avatar("platform").size, #png, "upload_avatar: the file's bytes")
os.remove(image)
t.ok(t.call_ok(groups.upload_avatar, "platform", png, "raw.png").avatar_url:find("raw.png", 1, true) ~= nil,
  "upload_avatar: raw bytes with a filename")
t.is_error(t.call_err(groups.upload_avatar, "nope", png), 404, "404 Group Not Found", "upload_avatar: an unknown group")
-- GitLab's avatar limit, 200 KiB: one byte more is a validation error naming the field
-- (the core's check, on the store and over REST alike), and the avatar stays as it was.
local limit = png .. string.rep("x", 200 * 1024 - #png)
t.eq(#t.call_ok(groups.upload_avatar, "platform", limit, "limit.png").avatar_url > 0, true, "upload_avatar: 200 KiB exactly")
local too_big = t.call_err(groups.upload_avatar, "platform", limit .. "x", "big.png")
t.is_error_like(too_big, 400, "is too big (should be at most 200 KiB)", "upload_avatar: 200 KiB and a byte")
t.eq(too_big.errors and too_big.errors.avatar and too_big.errors.avatar[1], "is too big (should be at most 200 KiB)",
  "upload_avatar: GitLab's message for the avatar field")
t.is_error_like(t.call_err(groups.create, { name = "Big", path = "big-avatar", avatar = { filename = "big.png", content = base64(limit .. "x") } }),
  400, "is too big (should be at most 200 KiB)", "create: an avatar over 200 KiB")
t.eq(groups.avatar("platform").size, #limit, "upload_avatar: the refused upload left the avatar as it was")
t.is_argument_error(t.call_err(groups.upload_avatar, "platform", {}), "bad argument #2 to 'groups.upload_avatar' (path or bytes expected, got table)",
  "upload_avatar: neither path nor bytes")
t.eq(t.call_ok(groups.remove_avatar, "platform").avatar_url, grove.null, "remove_avatar: avatar_url is null")
t.is_error(t.call_err(groups.avatar, "platform"), 404, "404 Avatar Not Found", "remove_avatar: gone")
t.is_error(t.call_err_as("bob", groups.remove_avatar, "platform"), 403, "403 Forbidden", "remove_avatar: not an owner")

-- The ensure helpers are documented like every binding.
for _, fn in ipairs { groups.ensure, push_rules.ensure, branches.ensure, hooks.ensure } do
  local info = debug.getregistry()["grove.help"][fn]
  t.ok(info and info.signature:find("ensure", 1, true) and load(info.example) ~= nil, "help: " .. tostring(info and info.name))
end

-- groups.search
local found = t.call_ok(groups.search, "platf")
t.ok(#found >= 1 and found[1].full_path:find("platform", 1, true) == 1, "search: by part of the path")
t.eq(groups.search("no-such-thing-anywhere"):count(), 0, "search: nothing found")
t.is_argument_error(t.call_err(groups.search, {}), "bad argument #1 to 'groups.search' (string expected, got table)", "search: not a text")

-- groups.delete, groups.restore, groups.purge_scheduled
local doomed = groups.create { name = "Doomed", path = "doomed", parent_id = platform.id }
t.eq(t.call_ok(groups.delete, "platform/doomed").message, "202 Accepted", "delete: 202 Accepted")
local marked = groups.get(doomed.id)
t.eq(marked.path, "doomed-deletion_scheduled-" .. doomed.id, "delete: the group is renamed")
t.ok(type(marked.marked_for_deletion_on) == "string", "delete: marked_for_deletion_on is set")
t.is_error(t.call_err(groups.delete, doomed.id), 400, "Group has been already marked for deletion", "delete: twice")
t.is_error(t.call_err(groups.delete, "platform", { permanently_remove = true, full_path = "platform" }), 400,
  "400 Bad request - `permanently_remove` option is only available for subgroups.", "delete: permanently_remove of a top-level group")
t.is_error(t.call_err_as("bob", groups.delete, "platform"), 403, "403 Forbidden", "delete: bob is not an owner")
t.eq(t.call_ok(groups.purge_scheduled)[1], nil, "purge_scheduled: nothing is past its retention period")
t.eq(groups.get(doomed.id).id, doomed.id, "purge_scheduled: a group marked today stays")
t.is_error(t.call_err_as("alice", groups.purge_scheduled), 403, "403 Forbidden", "purge_scheduled: administrators only")
t.is_unknown_option(t.call_err(groups.purge_scheduled, { now = true }), "now", {}, "purge_scheduled: takes no options")
local restored = t.call_ok(groups.restore, doomed.id)
t.eq(restored.full_path, "platform/doomed", "restore: the old path is back")
t.eq(restored.marked_for_deletion_on, grove.null, "restore: no longer marked")
t.is_error(t.call_err(groups.restore, doomed.id), 400, "Group has not been marked for deletion", "restore: a group not marked")
t.eq(t.call_ok(groups.delete, "platform/doomed").message, "202 Accepted", "delete: mark again")
t.eq(t.call_ok(groups.delete, doomed.id, { permanently_remove = true, full_path = "platform/doomed-deletion_scheduled-" .. doomed.id }).message,
  "202 Accepted", "delete: permanently_remove of a marked subgroup")
t.is_error(t.call_err(groups.get, doomed.id), 404, "404 Group Not Found", "delete: permanently removed")

-- groups.ensure (stdlib/grove/ensure.lua)
local ensured, changes = t.call_ok(groups.ensure, { path = "web", name = "Web", parent = "platform", visibility = "internal" })
t.eq(ensured.full_path, "platform/web", "ensure: created under its parent")
t.eq(changes.created, true, "ensure: reports the creation")
local again, no_changes = t.call_ok(groups.ensure, { path = "web", name = "Web", parent = "platform", visibility = "internal" })
t.eq(again.id, ensured.id, "ensure: the same group the second time")
t.eq(next(no_changes), nil, "ensure: no changes the second time")
local _, edits = t.call_ok(groups.ensure, { path = "web", name = "Web", parent = "platform", description = "Front ends" })
t.eq(edits.description and edits.description.to, "Front ends", "ensure: a differing attribute is updated")
t.is_argument_error(t.call_err(groups.ensure, "web"), "bad argument #1 to 'groups.ensure' (table expected, got string)",
  "ensure: a string instead of attributes")
t.is_argument_error(t.call_err(groups.ensure, { name = "No path" }), "bad argument #1 to 'groups.ensure' (path: string expected)",
  "ensure: no path")
t.is_error(t.call_err(groups.ensure, { path = "web", parent = "nope" }), 404, "404 Group Not Found", "ensure: an unknown parent")
t.is_unknown_option(t.call_err(groups.ensure, { path = "mobile", parent = "platform", colour = "red" }), "colour",
  { "name", "path" }, "ensure: an unknown attribute reaches groups.create")

-- groups.custom_attributes
local set = t.call_ok(groups.custom_attributes.set, "platform", "cost_center", { value = "42" })
t.eq(set.key, "cost_center", "custom_attributes.set: key")
t.eq(set.value, "42", "custom_attributes.set: value")
local one = t.call_ok(groups.custom_attributes.get, "platform", "cost_center")
t.eq(one.value, "42", "custom_attributes.get: value")
local all = t.call_ok(groups.custom_attributes.list, "platform")
t.eq(#all == 1 and all[1].key .. "=" .. all[1].value, "cost_center=42", "custom_attributes.list")
t.eq(t.call_ok(groups.custom_attributes.delete, "platform", "cost_center"), nil, "custom_attributes.delete: no value (204)")
t.eq(groups.custom_attributes.list("platform"):count(), 0, "custom_attributes.delete: gone")
t.is_error(t.call_err(groups.custom_attributes.get, "platform", "cost_center"), 404, "404 Custom Attribute Not Found",
  "custom_attributes.get: a deleted key")
t.is_error(t.call_err(groups.custom_attributes.delete, "platform", "cost_center"), 404, "404 Custom Attribute Not Found",
  "custom_attributes.delete: a missing key")
t.is_error(t.call_err_as("alice", groups.custom_attributes.list, "platform"), 403, "403 Forbidden",
  "custom_attributes.list: administrators only")
t.is_error(t.call_err(groups.custom_attributes.set, "platform", "k"), 400, "value is missing", "custom_attributes.set: no value")
-- A part of the URL is never empty (on a GitLab, the request would go to another route).
t.is_error(t.call_err(groups.custom_attributes.set, "platform", "", { value = "v" }), 400, "key is invalid",
  "custom_attributes.set: an empty key")
t.is_error(t.call_err(groups.custom_attributes.get, "platform", ""), 400, "key is invalid", "custom_attributes.get: an empty key")
t.is_unknown_option(t.call_err(groups.custom_attributes.set, "platform", "k", { value = "v", scope = "x" }), "scope",
  { "value" }, "custom_attributes.set: an unknown option")
t.is_argument_error(t.call_err(groups.custom_attributes.get, "platform", true),
  "bad argument #2 to 'groups.custom_attributes.get' (string expected, got boolean)", "custom_attributes.get: a boolean key")
t.is_error(t.call_err(groups.custom_attributes.set, "platform", "k", { value = "v", key = "other" }), 400,
  "key is argument #2, not an option", "custom_attributes.set: key in the options table is refused")

-- An owner (not an administrator) manages her own group.
groups.create { name = "Alpha", path = "alpha" }
members.add("alpha", { user_id = alice.id, access_level = 50 })
t.eq(t.call_ok_as("alice", groups.update, "alpha", { description = "Alice's" }).description, "Alice's", "update: an owner")
t.eq(paths(t.call_ok_as("alice", groups.list, { owned = true })), "alpha", "list: owned = true for an owner")

t.finish()
