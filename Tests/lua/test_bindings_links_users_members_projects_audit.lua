-- The LDAP/SAML link, user, member, project and audit bindings from Lua, success
-- and error paths, against a temporary store file: `ldap_links.*`,
-- `saml_links.*`, `users.*`, `members.*`, `projects.*` and `audit.*`.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"
t.in_temporary_store { "ldap_links", "saml_links", "users", "members", "projects", "audit" }

local function in_days(n) return os.date("!%Y-%m-%d", os.time() + n * 86400) end

-- users.create, get, list, update
local alice = t.call_ok(users.create, { username = "alice", email = "alice@example.com", name = "Alice" })
t.eq(alice.username, "alice", "users.create: username")
t.eq(alice.email, "alice@example.com", "users.create: email")
t.eq(alice.name, "Alice", "users.create: name")
t.eq(alice.state, "active", "users.create: active")
t.eq(alice.is_admin, false, "users.create: not an administrator")
t.eq(alice.can_create_group, true, "users.create: may create groups by default")
local bob = t.call_ok(users.create, { username = "bob", email = "bob@example.com", external = true })
t.eq(bob.name, "bob", "users.create: the name defaults to the username")
t.eq(bob.external, true, "users.create: external")
local err = t.call_err(users.create, { username = "alice", email = "not-an-email" })
t.is_error(err, 400, "{username: has already been taken; email: is invalid}", "users.create: a taken username and an invalid email")
t.eq(err.errors and err.errors.email and err.errors.email[1], "is invalid", "users.create: err.errors.email")
t.is_error(t.call_err(users.create, { username = "carol" }), 400, "email is missing", "users.create: no email")
t.is_error(t.call_err(users.create, { username = "carol", email = "carol@example.com", name = string.rep("n", 256) }), 400,
  "{name: is too long (maximum is 255 characters)}", "users.create: a name over 255 characters")
t.is_error(t.call_err(users.update, "bob", { name = string.rep("n", 256) }), 400,
  "{name: is too long (maximum is 255 characters)}", "users.update: a name over 255 characters")
t.is_error(t.call_err(users.get, "carol"), 404, "404 User Not Found", "users.create: the refused user was not created")
t.is_error(t.call_err_as("alice", users.create, { username = "mallory", email = "m@example.com" }), 403, "403 Forbidden",
  "users.create: administrators only")
t.is_unknown_option(t.call_err(users.create, { username = "c", email = "c@example.com", password = "x" }), "password",
  { "username", "email", "name", "admin", "external" }, "users.create: an unknown option")
t.is_argument_error(t.call_err(users.create, true), "bad argument #1 to 'users.create' (table expected, got boolean)",
  "users.create: a boolean instead of options")
local me = t.call_ok(users.current)
t.eq(me.username .. " " .. tostring(me.is_admin), "root true", "users.current: root, with the admin fields")
local as_alice = t.call_ok_as("alice", users.current)
t.eq(as_alice.email .. " " .. tostring(as_alice.is_admin), "alice@example.com nil", "users.current: alice sees her e-mail, no admin fields")
t.is_unknown_option(t.call_err(users.current, { id = 1 }), "id", {}, "users.current: takes no options")
t.eq(t.call_ok(users.get, "alice").id, alice.id, "users.get: by username")
t.eq(t.call_ok(users.get, alice.id).email, "alice@example.com", "users.get: an administrator sees the email")
t.eq(t.call_ok_as("bob", users.get, "alice").email, nil, "users.get: others do not")
t.is_error(t.call_err(users.get, "nobody"), 404, "404 User Not Found", "users.get: an unknown user")
t.is_argument_error(t.call_err(users.get, false), "bad argument #1 to 'users.get' (id: id or full path expected, got boolean)",
  "users.get: a boolean id")
local everyone = t.call_ok(users.list)
local names = {}
for i, u in ipairs(everyone) do names[i] = u.username end
t.eq(table.concat(names, " "), "root alice bob", "users.list: by id, root first")
local found = t.call_ok(users.list, { search = "ali" })
t.eq(#found == 1 and found[1].username, "alice", "users.list: search")
t.is_error(t.call_err(users.list, { active = "perhaps" }), 400, "active is invalid", "users.list: a word as a boolean")
t.is_unknown_option(t.call_err(users.list, { email = "x" }), "email", { "username", "search", "active", "blocked" }, "users.list: an unknown option")
local blocked = t.call_ok(users.update, "bob", { state = "blocked", name = "Bob" })
t.eq(blocked.state, "blocked", "users.update: state")
t.eq(blocked.name, "Bob", "users.update: name")
t.eq(users.list { blocked = true }:count(), 1, "users.update: bob is listed as blocked")
users.update("bob", { state = "active" })
t.is_error(t.call_err(users.update, "bob", { state = "gone" }), 400, "state does not have a valid value", "users.update: an unknown state")
t.is_error(t.call_err_as("alice", users.update, "alice", { admin = true }), 403, "403 Forbidden", "users.update: administrators only")
t.is_error(t.call_err(users.update, "nobody", { name = "x" }), 404, "404 User Not Found", "users.update: an unknown user")

-- members.add, list, update, remove (root, who creates the group, is its first owner)
users.create { username = "dave", email = "dave@example.com" }
local platform = groups.create { name = "Platform", path = "platform" }
local added = t.call_ok(members.add, "platform", { user_id = "alice", access_level = 50 })
t.eq(added.id, alice.id, "members.add: the user's id")
t.eq(added.username, "alice", "members.add: username")
t.eq(added.access_level, 50, "members.add: Owner")
t.eq(added.expires_at, grove.null, "members.add: no expiry")
local developer = t.call_ok_as("alice", members.add, platform.id, { user_id = bob.id, access_level = 30, expires_at = in_days(30) })
t.eq(developer.access_level, 30, "members.add: an owner adds a Developer")
t.eq(developer.expires_at, in_days(30), "members.add: with an expiry")
t.is_error(t.call_err(members.add, "platform", { user_id = bob.id, access_level = 30 }), 409, "Member already exists", "members.add: twice")
local got = t.call_ok(members.get, "platform", "bob")
t.eq(got.id, bob.id, "members.get: by username")
t.eq(got.access_level, grove.access.developer, "members.get: the role")
t.eq(t.call_ok(members.get, platform.id, bob.id).expires_at, in_days(30), "members.get: by ids")
t.is_error(t.call_err(members.get, "platform", "nobody"), 404, "404 User Not Found", "members.get: an unknown user")
t.is_error(t.call_err(members.get, "nope", "bob"), 404, "404 Group Not Found", "members.get: an unknown group")
err = t.call_err(members.add, "platform", { user_id = "dave", access_level = 30, expires_at = "2000-01-01" })
t.is_error(err, 400, "{expires_at: cannot be a date in the past}", "members.add: an expiry in the past")
t.is_error(t.call_err(members.add, "platform", { user_id = "dave", access_level = 35 }), 400, "access_level does not have a valid value",
  "members.add: an unknown access level")
t.is_error(t.call_err(members.add, "platform", { user_id = "nobody", access_level = 30 }), 404, "404 User Not Found", "members.add: an unknown user")
t.is_error(t.call_err_as("bob", members.add, "platform", { user_id = "dave", access_level = 10 }), 403, "403 Forbidden",
  "members.add: a Developer is not an owner")
t.is_unknown_option(t.call_err(members.add, "platform", { user_id = "dave", access_level = 10, role = "guest" }), "role",
  { "user_id", "access_level", "expires_at" }, "members.add: an unknown option")
t.is_argument_error(t.call_err(members.add, true, { user_id = "dave", access_level = 10 }),
  "bad argument #1 to 'members.add' (id: id or full path expected, got boolean)", "members.add: a boolean group")
local listed = t.call_ok(members.list, "platform")
local levels = {}
for i, m in ipairs(listed) do levels[i] = m.username .. "=" .. m.access_level end
t.eq(table.concat(levels, " "), "root=50 alice=50 bob=30", "members.list: in the order added")
t.eq(#t.call_ok(members.list, "platform", { query = "bo" }), 1, "members.list: query")
t.is_error(t.call_err(members.list, "nope"), 404, "404 Group Not Found", "members.list: an unknown group")
-- members.list_all, members.get_all: a subgroup's members with those inherited from platform
local web = groups.create { name = "Web", path = "web", parent_id = platform.id }
members.add(web.id, { user_id = bob.id, access_level = 40 })
local effective = {}
for i, m in ipairs(t.call_ok(members.list_all, "platform/web")) do effective[i] = m.username .. "=" .. m.access_level end
t.eq(table.concat(effective, " "), "root=50 alice=50 bob=40", "members.list_all: inherited members, each with the highest role")
t.eq(#t.call_ok(members.list_all, web.id, { query = "ali" }), 1, "members.list_all: query")
t.is_error(t.call_err(members.list_all, "nope"), 404, "404 Group Not Found", "members.list_all: an unknown group")
t.eq(t.call_ok(members.get_all, "platform/web", alice.id).access_level, 50, "members.get_all: an inherited Owner")
t.eq(t.call_ok(members.get_all, web.id, bob.id).access_level, 40, "members.get_all: the higher of two roles")
t.is_error(t.call_err(members.get_all, web.id, 999999), 404, "404 Not found", "members.get_all: not a member")
t.is_error(t.call_err(members.get_all, web.id, "bob"), 400, "user_id is invalid", "members.get_all: a username instead of an id (GitLab's Integer)")

-- users.memberships (administrators)
local held = {}
for i, m in ipairs(t.call_ok(users.memberships, bob.id)) do held[i] = m.source_name .. ":" .. m.source_type .. "=" .. m.access_level end
t.eq(table.concat(held, " "), "Platform:Namespace=30 Web:Namespace=40", "users.memberships: bob's groups")
t.eq(#t.call_ok(users.memberships, bob.id, { type = "Project" }), 0, "users.memberships: no project memberships")
t.is_error(t.call_err(users.memberships, bob.id, { type = "Group" }), 400, "type does not have a valid value", "users.memberships: an unknown type")
t.is_error(t.call_err_as("alice", users.memberships, bob.id), 403, "403 Forbidden", "users.memberships: administrators only")
t.is_error(t.call_err(users.memberships, 999999), 404, "404 User Not Found", "users.memberships: an unknown user")
members.remove(web.id, bob.id)

local promoted = t.call_ok(members.update, "platform", "bob", { access_level = 40, expires_at = grove.null })
t.eq(promoted.access_level, 40, "members.update: Maintainer")
t.eq(promoted.expires_at, grove.null, "members.update: grove.null clears the expiry")
t.is_error(t.call_err(members.update, "platform", "dave", { access_level = 40 }), 404, "404 Member Not Found", "members.update: not a member")
t.is_error(t.call_err_as("bob", members.update, "platform", "alice", { access_level = 10 }), 403, "403 Forbidden",
  "members.update: a Maintainer is not an owner")
t.is_argument_error(t.call_err(members.update, "platform", { "bob" }, { access_level = 10 }),
  "bad argument #2 to 'members.update' (user_id: id or full path expected, got table)", "members.update: a table as the user")
t.is_error(t.call_err_as("bob", members.remove, "platform", "alice"), 403, "403 Forbidden", "members.remove: others only by an owner")
t.eq(t.call_ok_as("bob", members.remove, "platform", "bob"), nil, "members.remove: a member leaves (204)")
t.eq(members.list("platform"):count(), 2, "members.remove: root and alice left")
t.is_error(t.call_err(members.remove, "platform", "bob"), 404, "404 Member Not Found", "members.remove: not a member")
t.is_error(t.call_err_as("bob", members.list, "platform"), 404, "404 Group Not Found", "members.list: the private group is gone for bob")
-- A group keeps an owner (GitLab's last_owner): its only owner, counting those it
-- inherits, can be neither demoted nor removed, by herself or by an administrator.
local solo = t.call_ok_as("alice", groups.create, { name = "Solo", path = "solo" })
local solo_team = t.call_ok_as("alice", groups.create, { name = "Team", path = "team", parent_id = solo.id })
t.is_error(t.call_err_as("alice", members.update, "solo", "alice", { access_level = 30 }), 403, "403 Forbidden",
  "members.update: the last owner cannot demote herself")
t.is_error(t.call_err(members.update, "solo", "alice", { expires_at = "2099-01-01" }), 403, "403 Forbidden",
  "members.update: nor can an administrator change her membership")
t.is_error(t.call_err_as("alice", members.remove, "solo", "alice"), 403, "403 Forbidden", "members.remove: the last owner cannot leave")
t.is_error(t.call_err(members.remove, "solo", alice.id), 403, "403 Forbidden", "members.remove: nor be removed by an administrator")
t.eq(t.call_ok(members.get, "solo", "alice").access_level, 50, "members: the last owner is still the owner")
-- In the subgroup, alice is an owner inherited from solo: its own owner may go.
members.add(solo_team.id, { user_id = "dave", access_level = 50 })
t.eq(t.call_ok(members.update, "solo/team", "dave", { access_level = 30 }).access_level, 30, "members.update: an owner with an inherited owner above")
members.add(solo.id, { user_id = "dave", access_level = 50 })
t.eq(t.call_ok_as("alice", members.remove, "solo", "alice"), nil, "members.remove: an owner leaves when another remains")
t.is_error(t.call_err(members.remove, "solo", "dave"), 403, "403 Forbidden", "members.remove: and the one who remains is the last")

-- projects.create, get, update, star, share
local project = t.call_ok(projects.create, { name = "Web App", namespace_id = "platform", description = "The app", topics = { "web" } })
t.eq(project.path, "web-app", "projects.create: the path from the name")
t.eq(project.path_with_namespace, "platform/web-app", "projects.create: path_with_namespace")
t.eq(project.visibility, "private", "projects.create: private by default")
t.eq(project.description, "The app", "projects.create: description")
t.eq(project.topics[1], "web", "projects.create: topics")
local by_alice = t.call_ok_as("alice", projects.create, { path = "api", namespace_id = platform.id })
local listed_projects = {}
for _, p in ipairs(t.call_ok(projects.list, { order_by = "path", sort = "asc" })) do listed_projects[#listed_projects + 1] = p.path_with_namespace end
t.eq(table.concat(listed_projects, " "), "platform/api platform/web-app", "projects.list: every project for root, by path")
t.eq(t.call_ok(projects.list, { search = "web" })[1].namespace.full_path, "platform", "projects.list: searched, namespace as NamespaceBasic")
t.is_error(t.call_err(projects.list, { order_by = "size" }), 400, "order_by does not have a valid value", "projects.list: an unknown order")
t.eq(by_alice.name, "api", "projects.create: the name from the path, by an owner")
t.is_error(t.call_err(projects.create, { name = "Web App", namespace_id = "platform" }), 400,
  "{path: has already been taken; name: has already been taken}", "projects.create: a taken name and path")
t.is_error(t.call_err(projects.create, { namespace_id = "platform" }), 400, "name, path are missing, at least one parameter must be provided",
  "projects.create: neither name nor path")
t.is_error(t.call_err(projects.create, { name = "x" }), 400, "namespace_id is missing", "projects.create: no namespace")
t.is_error(t.call_err_as("bob", projects.create, { name = "x", namespace_id = "platform" }), 404, "404 Group Not Found",
  "projects.create: bob cannot see the private group")
t.is_unknown_option(t.call_err(projects.create, { name = "x", namespace_id = "platform", stars = 5 }), "stars",
  { "name", "path", "namespace_id", "visibility", "topics" }, "projects.create: an unknown option")
t.eq(t.call_ok(projects.get, "platform/web-app").id, project.id, "projects.get: by full path")
t.eq(t.call_ok(projects.get, project.id).name, "Web App", "projects.get: by id")
t.is_error(t.call_err(projects.get, "platform/nope"), 404, "404 Project Not Found", "projects.get: an unknown project")
t.is_error(t.call_err_as("bob", projects.get, project.id), 404, "404 Project Not Found", "projects.get: a private project for a non-member")
t.is_argument_error(t.call_err(projects.get, true), "bad argument #1 to 'projects.get' (id: id or full path expected, got boolean)",
  "projects.get: a boolean id")
local archived = t.call_ok(projects.update, project.id, { archived = true, description = "Archived app" })
t.eq(archived.archived, true, "projects.update: archived")
t.eq(archived.description, "Archived app", "projects.update: description")
t.is_error(t.call_err(projects.update, project.id, { visibility = "public" }), 400,
  "{visibility_level: public is not allowed in a private group.}", "projects.update: more visible than its group")
t.is_error(t.call_err(projects.update, project.id, { visibility = "everyone" }), 400, "visibility does not have a valid value",
  "projects.update: an unknown visibility")
local starred = t.call_ok(projects.star, project.id)
t.eq(starred.star_count, 1, "projects.star: star_count")
t.eq(t.call_ok(projects.star, project.id).star_count, 1, "projects.star: starring again changes nothing (304)")
t.is_error(t.call_err(projects.star, 999999), 404, "404 Project Not Found", "projects.star: an unknown project")
local partners = groups.create { name = "Partners", path = "partners" }
local shared = t.call_ok(projects.share, project.id, { group_id = "partners", group_access = 20 })
t.eq(shared.id, project.id, "projects.share: answers the project")
t.eq(#groups.shared_projects("partners"):all(), 1, "projects.share: the group sees the shared project")
t.is_error(t.call_err(projects.share, project.id, { group_id = partners.id, group_access = 20 }), 409, "Group already shared with this group",
  "projects.share: twice")
t.is_error(t.call_err(projects.share, project.id, { group_id = "nope", group_access = 20 }), 404, "404 Group Not Found",
  "projects.share: an unknown group")
t.is_error(t.call_err(projects.share, project.id, { group_id = partners.id }), 400, "group_access is missing", "projects.share: no access level")

-- ldap_links (dave is a Developer of platform from here on)
members.add("platform", { user_id = "dave", access_level = 30 })
t.is_error(t.call_err(ldap_links.list, "platform"), 404, "No linked LDAP groups found", "ldap_links.list: none yet")
local link = t.call_ok(ldap_links.add, "platform", { cn = "developers", group_access = 30, provider = "ldapmain" })
t.eq(link.cn, "developers", "ldap_links.add: cn")
t.eq(link.group_access, 30, "ldap_links.add: group_access")
t.eq(link.provider, "ldapmain", "ldap_links.add: provider")
t.eq(link.filter, grove.null, "ldap_links.add: no filter")
local by_filter = t.call_ok_as("alice", ldap_links.add, "platform", { filter = "(department=ops)", group_access = 20, provider = "ldapmain" })
t.eq(by_filter.filter, "(department=ops)", "ldap_links.add: a filter, by an owner")
t.eq(by_filter.cn, grove.null, "ldap_links.add: no cn")
t.is_error(t.call_err(ldap_links.add, "platform", { cn = "developers", group_access = 40, provider = "ldapmain" }), 409, "Cn has already been taken",
  "ldap_links.add: a taken cn")
t.is_error(t.call_err(ldap_links.add, "platform", { cn = "a", filter = "(b=c)", group_access = 30, provider = "ldapmain" }), 400,
  "cn, filter are mutually exclusive", "ldap_links.add: cn and filter")
t.is_error(t.call_err(ldap_links.add, "platform", { group_access = 30, provider = "ldapmain" }), 400,
  "cn, filter are missing, exactly one parameter must be provided", "ldap_links.add: neither cn nor filter")
t.is_error(t.call_err_as("dave", ldap_links.add, "platform", { cn = "x", group_access = 30, provider = "ldapmain" }), 403, "403 Forbidden",
  "ldap_links.add: owners only")
t.is_unknown_option(t.call_err(ldap_links.add, "platform", { cn = "x", group_access = 30, provider = "ldapmain", base = "dc=x" }), "base",
  { "cn", "filter", "group_access", "provider" }, "ldap_links.add: an unknown option")
t.is_argument_error(t.call_err(ldap_links.add, true, { cn = "x", group_access = 30, provider = "ldapmain" }),
  "bad argument #1 to 'ldap_links.add' (id: id or full path expected, got boolean)", "ldap_links.add: a boolean group")
local links = t.call_ok(ldap_links.list, "platform")
t.eq(#links, 2, "ldap_links.list: both links")
local lazy = ldap_links.list("platform")
t.eq(tostring(lazy):match("^grove%.iterator") ~= nil and lazy:count(), 2, "ldap_links.list: a lazy list like every list, with :count()")
t.eq(lazy:first(1)[1].cn .. " " .. #lazy:all(), "developers 1", "ldap_links.list: :first(n), then :all() takes the rest")
t.eq(links[1].cn .. " " .. links[2].filter, "developers (department=ops)", "ldap_links.list: in order")
t.is_error(t.call_err(ldap_links.list, "nope"), 403, "403 Forbidden", "ldap_links.list: an unknown group is 403 (GitLab's find_group)")
t.is_error(t.call_err(ldap_links.sync, "platform"), 404, "404 Not Found", "ldap_links.sync: without LDAP configured, as a fresh GitLab")
settings.update { ldap_enabled = true }
local synced = t.call_ok(ldap_links.sync, "platform")
t.eq(synced.message, "202 Accepted", "ldap_links.sync: 202 Accepted")
t.is_error(t.call_err(ldap_links.sync, "nope"), 404, "404 Group Not Found", "ldap_links.sync: an unknown group")
t.is_error(t.call_err_as("bob", ldap_links.sync, "partners"), 404, "404 Group Not Found", "ldap_links.sync: a private group for a non-member")
t.eq(t.call_ok(ldap_links.delete, "platform", { filter = "(department=ops)", provider = "ldapmain" }), nil, "ldap_links.delete: no value (204)")
t.is_error(t.call_err(ldap_links.delete, "platform", { filter = "(department=ops)", provider = "ldapmain" }), 404, "Linked LDAP group not found",
  "ldap_links.delete: twice")
t.is_error(t.call_err(ldap_links.delete, "platform", { cn = "developers" }), 400, "provider is missing", "ldap_links.delete: no provider")
t.eq(t.call_ok(ldap_links.delete_cn, "platform", "developers"), nil, "ldap_links.delete_cn: no value (204)")
t.is_error(t.call_err(ldap_links.list, "platform"), 404, "No linked LDAP groups found", "ldap_links.delete_cn: no links left")
t.is_error(t.call_err(ldap_links.delete_cn, "platform", "developers"), 404, "Linked LDAP group not found", "ldap_links.delete_cn: twice")
t.is_argument_error(t.call_err(ldap_links.delete_cn, "platform", true),
  "bad argument #2 to 'ldap_links.delete_cn' (string expected, got boolean)", "ldap_links.delete_cn: a boolean cn")

-- saml_links
local saml = t.call_ok(saml_links.add, "platform", { saml_group_name = "admins", access_level = 40 })
t.eq(saml.name, "admins", "saml_links.add: name")
t.eq(saml.access_level, 40, "saml_links.add: access_level")
t.eq(saml.provider, grove.null, "saml_links.add: no provider")
t.eq(t.call_ok_as("alice", saml_links.add, "platform", { saml_group_name = "admins", access_level = 30, provider = "okta" }).provider, "okta",
  "saml_links.add: the same name for another provider, by an owner")
t.is_error(t.call_err(saml_links.add, "platform", { saml_group_name = "admins", access_level = 40 }), 400, "Saml group name has already been taken",
  "saml_links.add: twice")
t.is_error(t.call_err(saml_links.add, "platform", { saml_group_name = "x", access_level = 99 }), 400, "access_level does not have a valid value",
  "saml_links.add: an unknown access level")
t.is_error(t.call_err_as("dave", saml_links.add, "platform", { saml_group_name = "x", access_level = 10 }), 401, "401 Unauthorized",
  "saml_links.add: owners only (401)")
local saml_all = t.call_ok(saml_links.list, "platform")
t.eq(#saml_all, 2, "saml_links.list: both")
t.is_error(t.call_err_as("bob", saml_links.list, "partners"), 404, "404 Group Not Found", "saml_links.list: a private group for a non-member")
t.eq(t.call_ok(saml_links.get, "platform", "admins", { provider = "okta" }).access_level, 30, "saml_links.get: by name and provider")
t.is_error(t.call_err(saml_links.get, "platform", "admins"), 422,
  "Multiple group links found with the same name. Please specify a provider parameter to disambiguate.", "saml_links.get: ambiguous")
t.is_error(t.call_err(saml_links.get, "platform", "nope"), 404, "404 Not Found", "saml_links.get: an unknown name")
t.is_argument_error(t.call_err(saml_links.get, "platform", nil, { provider = "okta" }),
  "bad argument #2 to 'saml_links.get' (string expected, got nil)", "saml_links.get: a nil name")
t.eq(t.call_ok(saml_links.delete, "platform", "admins", { provider = "okta" }), nil, "saml_links.delete: no value (204)")
t.eq(saml_links.get("platform", "admins").provider, grove.null, "saml_links.delete: the other link stays")
t.is_error(t.call_err(saml_links.delete, "platform", "admins", { provider = "okta" }), 404, "404 Not Found", "saml_links.delete: twice")
t.is_unknown_option(t.call_err(saml_links.delete, "platform", "admins", { access_level = 40 }), "access_level", { "provider" },
  "saml_links.delete: an unknown option")

-- audit.list
local events = t.call_ok(audit.list)
local actions = {}
for _, e in ipairs(events) do actions[e.action] = (actions[e.action] or 0) + 1 end
t.eq(string.format("users %s, members %s, ldap links %s, saml links %s", actions["user.create"], actions["member.create"],
  actions["ldap_group_link.create"], actions["saml_group_link.create"]), "users 3, members 6, ldap links 2, saml links 2",
  "audit.list: what this script changed is recorded")
local last = events[#events]
t.eq(last.action, "saml_group_link.destroy", "audit.list: oldest first, the last change last")
t.eq(last.author_username, "root", "audit.list: author_username")
t.eq(last.entity_path, "platform", "audit.list: entity_path")
local later = t.call_ok(audit.list, { after_id = events[#events - 1].id })
t.eq(#later == 1 and later[1].id, last.id, "audit.list: after_id")
t.eq(#t.call_ok(audit.list, { per_page = 2, page = 1 }), 2, "audit.list: one page")
t.eq(audit.list{}:count(), #events, "audit.list: count() without fetching")
t.eq(#audit.list{}:first(2), 2, "audit.list: first(2)")
local newest = audit.list{ order = "desc" }:first(2)
t.eq(newest[1].id, last.id, "audit.list: order = desc, the latest first")
t.eq(audit.list{ created_before = "2000-01-01T00:00:00Z" }:count(), 0, "audit.list: created_before")
t.eq(audit.list{ created_after = "2000-01-01T00:00:00Z" }:count(), #events, "audit.list: created_after")
t.eq(newest[2].id, events[#events - 1].id, "audit.list: order = desc, then the one before")
t.is_error(t.call_err_as("alice", audit.list), 403, "403 Forbidden", "audit.list: administrators only")
t.is_error(t.call_err(audit.list, { created_after = "last week" }), 400, "created_after is invalid", "audit.list: a word as a time")
local made, refused = pcall(audit.list, { created_after = "last week" })
t.is_error(not made and refused, 400, "created_after is invalid", "audit.list: a bad value is refused where the list is made, on either backend")
t.is_unknown_option(t.call_err(audit.list, { action = "user.create" }), "action", { "after_id", "created_after", "created_before", "order", "page", "per_page" },
  "audit.list: an unknown option")
t.is_argument_error(t.call_err(audit.list, "user.create"), "bad argument #1 to 'audit.list' (table expected, got string)",
  "audit.list: a string instead of options")

t.finish()
