-- The protected branch and push rule bindings from Lua, success and error paths,
-- against a temporary store file: `branches.*`, `push_rules.*` (with the ensure
-- helpers of stdlib/grove/ensure.lua) and `projects.push_rule.*`.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"
t.in_temporary_store { "branches", "push_rules", "projects.push_rule" }

local function levels(entries)
  local out = {}
  for i, e in ipairs(entries) do
    out[i] = e.user_id ~= grove.null and ("user " .. e.user_id) or e.group_id ~= grove.null and ("group " .. e.group_id)
      or tostring(e.access_level)
  end
  return table.concat(out, ",")
end

local alice = users.create { username = "alice", email = "alice@example.com", name = "Alice" }
local dev = users.create { username = "dev", email = "dev@example.com", name = "Dev" }
users.create { username = "bob", email = "bob@example.com", name = "Bob" }
local platform = groups.create { name = "Platform", path = "platform", visibility = "internal" }
local api = groups.create { name = "API", path = "api", parent_id = platform.id }
members.add("platform", { user_id = alice.id, access_level = 50 })
members.add("platform", { user_id = dev.id, access_level = 30 })

-- branches.protect
local main = t.call_ok(branches.protect, "platform", { name = "main", push_access_level = 40, merge_access_level = 30 })
t.eq(main.name, "main", "protect: name")
t.eq(levels(main.push_access_levels), "40", "protect: push Maintainers")
t.eq(levels(main.merge_access_levels), "30", "protect: merge Developers + Maintainers")
t.eq(levels(main.unprotect_access_levels), "40", "protect: unprotect defaults to Maintainers")
t.eq(main.push_access_levels[1].access_level_description, "Maintainers", "protect: access_level_description")
t.eq(main.allow_force_push, false, "protect: allow_force_push defaults to false")
t.eq(main.code_owner_approval_required, false, "protect: code_owner_approval_required defaults to false")
local release = t.call_ok(branches.protect, "platform", { name = "release/*", allowed_to_push = { { user_id = dev.id } }, allow_force_push = true })
t.eq(levels(release.push_access_levels), "user " .. dev.id, "protect: a user entry")
t.eq(release.push_access_levels[1].access_level_description, "Dev", "protect: a user entry is described by the user's name")
t.eq(release.allow_force_push, true, "protect: allow_force_push")
t.is_error(t.call_err(branches.protect, "platform", { name = "main" }), 409, "Protected branch 'main' already exists",
  "protect: twice is a conflict")
local err = t.call_err(branches.protect, "platform/api", { name = "main" })
t.eq(grove.iserror(err) and err.status, 422, "protect: a subgroup is 422")
t.ok(grove.iserror(err) and tostring(err):find("cannot be associated with a subgroup", 1, true) ~= nil,
  "protect: a subgroup cannot have protected branches: " .. tostring(err))
t.is_error(t.call_err(branches.protect, "platform", { name = "dev", push_access_level = 35 }), 400,
  "push_access_level does not have a valid value", "protect: an unknown access level")
t.is_error(t.call_err(branches.protect, "platform", { name = "x", allowed_to_push = { { access_level = 30, user_id = dev.id } } }), 400,
  "allowed_to_push[0][access_level], allowed_to_push[0][user_id], allowed_to_push[0][group_id] are mutually exclusive",
  "protect: an entry with two targets")
t.is_error(t.call_err(branches.protect, "platform", { push_access_level = 40 }), 400, "name is missing", "protect: no name")
t.is_error(t.call_err_as("dev", branches.protect, "platform", { name = "dev" }), 403, "403 Forbidden", "protect: a Developer is not an owner")
err = t.call_err(branches.protect, "platform", { name = "x", colour = "red" })
t.is_unknown_option(err, "colour", { "name", "push_access_level", "merge_access_level", "allowed_to_push", "allow_force_push" },
  "protect: an unknown option")
t.eq(tostring(err), "branches.protect: 400 unknown option colour; accepted: name, allow_force_push, allowed_to_merge, "
  .. "allowed_to_push, allowed_to_unprotect, code_owner_approval_required, merge_access_level, push_access_level, "
  .. "unprotect_access_level", "protect: the unknown option is reported by branches.protect, listing its options table's names")
t.is_argument_error(t.call_err(branches.protect, true, { name = "x" }),
  "bad argument #1 to 'branches.protect' (id: id or full path expected, got boolean)", "protect: a boolean group")
t.is_argument_error(t.call_err(branches.protect, "platform", "main"),
  "bad argument #2 to 'branches.protect' (table expected, got string)", "protect: a string instead of options")

-- branches.get and branches.list
local got = t.call_ok(branches.get, "platform", "main")
t.eq(got.id, main.id, "get: by name")
t.eq(levels(got.merge_access_levels), "30", "get: access levels")
t.eq(t.call_ok(branches.get, platform.id, "release/*").id, release.id, "get: a wildcard by its exact name")
t.is_error(t.call_err(branches.get, "platform", "release"), 404, "404 ProtectedBranch Not Found", "get: an unprotected name")
t.is_error(t.call_err_as("alice", branches.get, "platform", "nope"), 404, "404 ProtectedBranch Not Found", "get: as an owner")
t.is_error(t.call_err_as("bob", branches.get, "platform", "main"), 403, "403 Forbidden", "get: bob is not an owner")
t.is_argument_error(t.call_err(branches.get, "platform"), "bad argument #2 to 'branches.get' (string expected, got no value)",
  "get: no branch name")
local all = t.call_ok(branches.list, "platform")
t.eq(#all, 2, "list: two rules")
t.eq(all[1].name .. " " .. all[2].name, "main release/*", "list: by id")
local found = t.call_ok_as("alice", branches.list, "platform", { search = "rel" })
t.eq(#found == 1 and found[1].name, "release/*", "list: search, as an owner")
t.is_error(t.call_err(branches.list, "nope"), 404, "404 Group Not Found", "list: an unknown group")
t.is_error(t.call_err_as("dev", branches.list, "platform"), 403, "403 Forbidden", "list: owners only")
t.is_unknown_option(t.call_err(branches.list, "platform", { name = "main" }), "name", { "search" }, "list: an unknown option")

-- branches.update
local entry = main.push_access_levels[1]
local updated = t.call_ok(branches.update, "platform", "main", {
  allowed_to_push = { { id = entry.id, access_level = 30 }, { user_id = alice.id } },
  code_owner_approval_required = true,
})
t.eq(levels(updated.push_access_levels), "30,user " .. alice.id, "update: an entry changed, one added")
t.eq(updated.code_owner_approval_required, true, "update: a flag")
t.eq(levels(updated.merge_access_levels), "30", "update: other lists unchanged")
local removed = t.call_ok(branches.update, "platform", "main", { allowed_to_push = { { id = updated.push_access_levels[2].id, _destroy = true } } })
t.eq(levels(removed.push_access_levels), "30", "update: _destroy removes an entry")
t.is_error(t.call_err(branches.update, "platform", "main", { allowed_to_push = { { id = 999999, access_level = 40 } } }), 404,
  "404 Not found", "update: an entry id of no rule")
err = t.call_err(branches.update, "platform", "main", { allowed_to_push = { { user_id = users.get("bob").id } } })
t.eq(grove.iserror(err) and err.status, 422, "update: a non-member is 422")
t.ok(grove.iserror(err) and tostring(err):find("Push access levels user is not a member of the group", 1, true) ~= nil,
  "update: a user entry must be a member: " .. tostring(err))
t.is_error(t.call_err(branches.update, "platform", "nope", { allow_force_push = true }), 404, "404 ProtectedBranch Not Found",
  "update: an unprotected name")
t.is_unknown_option(t.call_err(branches.update, "platform", "main", { push_access_level = 30 }), "push_access_level",
  { "allowed_to_push", "allow_force_push", "code_owner_approval_required" }, "update: push_access_level is an option of protect only")
t.is_argument_error(t.call_err(branches.update, "platform", false, {}),
  "bad argument #2 to 'branches.update' (string expected, got boolean)", "update: a boolean branch name")

-- branches.access
local for_dev = t.call_ok(branches.access, "platform", "release/1.0", { user_id = dev.id })
t.eq(for_dev.protected, true, "access: a wildcard protects release/1.0")
t.eq(table.concat(for_dev.protected_branches, ","), "release/*", "access: the matching rules")
t.eq(for_dev.push, true, "access: dev is named by the rule")
t.eq(for_dev.force_push, true, "access: force push allowed by the rule")
t.eq(for_dev.merge, false, "access: merging needs a Maintainer")
t.eq(for_dev.unprotect, false, "access: unprotecting needs a Maintainer")
local own = t.call_ok_as("dev", branches.access, "platform", "feature", { user_id = "dev" })
t.eq(own.protected, false, "access: an unprotected branch")
t.eq(own.push, true, "access: a Developer pushes to an unprotected branch, asking for himself")
t.is_error(t.call_err_as("dev", branches.access, "platform", "main", { user_id = alice.id }), 403, "403 Forbidden",
  "access: a Developer may not ask about others")
t.is_error(t.call_err(branches.access, "platform", "main", { user_id = "nobody" }), 404, "404 User Not Found", "access: an unknown user")
t.is_error(t.call_err(branches.access, "platform", "main"), 400, "user_id is missing", "access: no user")

-- branches.unprotect
local gone = t.call_ok(branches.unprotect, "platform", "release/*")
t.eq(gone.name, "release/*", "unprotect: answers the removed rule")
t.is_error(t.call_err(branches.get, "platform", "release/*"), 404, "404 ProtectedBranch Not Found", "unprotect: the rule is gone")
t.is_error(t.call_err(branches.unprotect, "platform", "release/*"), 404, "404 ProtectedBranch Not Found", "unprotect: twice")
t.is_error(t.call_err_as("dev", branches.unprotect, "platform", "main"), 403, "403 Forbidden", "unprotect: owners only")

-- branches.ensure
local ensured, changes = t.call_ok(branches.ensure, "platform", { name = "stable", push_access_level = 0, merge_access_level = 40 })
t.eq(changes.created, true, "ensure: creates the rule")
t.eq(levels(ensured.push_access_levels), "0", "ensure: push No one")
local same, none = t.call_ok(branches.ensure, "platform", { name = "stable", push_access_level = 0, merge_access_level = 40 })
t.eq(same.id, ensured.id, "ensure: the same rule again")
t.eq(next(none), nil, "ensure: no changes again")
local aligned, diff = t.call_ok(branches.ensure, "platform", { name = "stable", push_access_level = 40, allow_force_push = true })
t.eq(levels(aligned.push_access_levels), "40", "ensure: the role entry aligned")
t.eq(diff.push_access_level and diff.push_access_level.from, 0, "ensure: reports the old level")
t.eq(aligned.allow_force_push, true, "ensure: a flag aligned")
t.is_argument_error(t.call_err(branches.ensure, "platform", { push_access_level = 40 }),
  "bad argument #2 to 'branches.ensure' (table with a name expected)", "ensure: no name")
t.is_error(t.call_err(branches.ensure, "platform/api", { name = "main" }), 422, '{"message":["cannot be associated with a subgroup"]}',
  "ensure: protect's error for a subgroup")

-- push_rules.add, get, edit, delete
t.is_error(t.call_err(push_rules.get, "platform"), 404, "404 Not Found", "push_rules.get: none yet")
local rule = t.call_ok(push_rules.add, "platform", { commit_message_regex = "^[A-Z]+-[0-9]+", max_file_size = 5, deny_delete_tag = true })
t.eq(rule.commit_message_regex, "^[A-Z]+-[0-9]+", "add: commit_message_regex")
t.eq(rule.max_file_size, 5, "add: max_file_size")
t.eq(rule.deny_delete_tag, true, "add: deny_delete_tag")
t.eq(rule.prevent_secrets, false, "add: unset flags are false")
t.eq(math.type(rule.id), "integer", "add: an id")
t.is_error(t.call_err(push_rules.add, "platform", { member_check = true }), 422, "Group push rule exists, try updating", "add: twice")
t.is_error(t.call_err(push_rules.add, "platform/api", { branch_name_regex = "(" }), 400,
  "{branch_name_regex: not valid RE2 syntax: missing ): (}", "add: an invalid RE2 pattern")
t.is_error(t.call_err(push_rules.add, "platform/api", {}), 400, "author_email_regex, branch_name_regex, commit_committer_check, "
  .. "commit_committer_name_check, commit_message_negative_regex, commit_message_regex, deny_delete_tag, file_name_regex, "
  .. "max_file_size, member_check, prevent_secrets, reject_non_dco_commits, reject_unsigned_commits are missing, "
  .. "at least one parameter must be provided", "add: no attribute")
t.is_error(t.call_err_as("dev", push_rules.add, "platform/api", { member_check = true }), 404, "404 Not Found",
  "add: a Developer gets a bare 404")
t.is_unknown_option(t.call_err(push_rules.add, "platform/api", { colour = "red" }), "colour",
  { "commit_message_regex", "max_file_size", "prevent_secrets" }, "add: an unknown option")
t.is_argument_error(t.call_err(push_rules.add, { "platform" }, { member_check = true }),
  "bad argument #1 to 'push_rules.add' (id: id or full path expected, got table)", "add: a table as the group")
local fetched = t.call_ok(push_rules.get, "platform")
t.eq(fetched.id, rule.id, "get: the rule")
t.eq(fetched.commit_message_regex, "^[A-Z]+-[0-9]+", "get: its pattern")
t.eq(t.call_ok_as("alice", push_rules.get, platform.id).id, rule.id, "get: as an owner")
local edited = t.call_ok(push_rules.edit, "platform", { max_file_size = 10, prevent_secrets = true })
t.eq(edited.max_file_size, 10, "edit: max_file_size")
t.eq(edited.prevent_secrets, true, "edit: prevent_secrets")
t.eq(edited.commit_message_regex, "^[A-Z]+-[0-9]+", "edit: other attributes kept")
t.is_error(t.call_err(push_rules.edit, "platform", { max_file_size = -1 }), 400,
  "{max_file_size: must be greater than or equal to 0}", "edit: a negative size")
t.is_error(t.call_err(push_rules.edit, "platform/api", { member_check = true }), 404, "404 Push rule Not Found", "edit: no rule yet")
t.is_error(t.call_err(push_rules.edit, "platform", { max_file_size = "big" }), 400, "max_file_size is invalid", "edit: a word as a size")

-- push_rules.check
local verdict = t.call_ok(push_rules.check, "platform/api", {
  commit_message = "no ticket", files = { { path = "id_rsa", size = 1 }, { path = "big.bin", size = 11 * 1024 * 1024 } },
})
t.eq(verdict.allowed, false, "check: a violating push is refused")
t.eq(verdict.push_rule_id, rule.id, "check: the parent's rule applies to a subgroup")
local broken = {}
for i, v in ipairs(verdict.violations) do broken[i] = v.rule end
t.eq(table.concat(broken, " "), "commit_message_regex prevent_secrets max_file_size", "check: every violation, with its rule")
local fine = t.call_ok_as("dev", push_rules.check, "platform", { commit_message = "ABC-1 fix", branch_name = "main" })
t.eq(fine.allowed, true, "check: a conforming push, as a Developer")
t.eq(#fine.violations, 0, "check: no violations")
t.is_error(t.call_err_as("bob", push_rules.check, "platform", { commit_message = "x" }), 403, "403 Forbidden", "check: Developer or above")
t.is_error(t.call_err(push_rules.check, "platform", { files = { { size = 1 } } }), 400, "files[0][path] is missing", "check: a file without a path")
t.is_unknown_option(t.call_err(push_rules.check, "platform", { message = "x" }), "message", { "commit_message", "branch_name", "files" },
  "check: an unknown option")

-- projects.push_rule.get: a new project copies its group's rule
local project = projects.create { name = "Service", path = "service", namespace_id = api.id }
local copied = t.call_ok(projects.push_rule.get, project.id)
t.eq(copied.commit_message_regex, "^[A-Z]+-[0-9]+", "projects.push_rule.get: copied from the closest ancestor")
t.eq(copied.max_file_size, 10, "projects.push_rule.get: with its values")
t.ok(copied.id ~= rule.id, "projects.push_rule.get: a copy, not the group's rule")
t.is_error(t.call_err_as("dev", projects.push_rule.get, project.id), 403, "403 Forbidden", "projects.push_rule.get: Maintainer or above")
t.is_error(t.call_err(projects.push_rule.get, "platform/api/nope"), 404, "404 Project Not Found", "projects.push_rule.get: an unknown project")
t.is_argument_error(t.call_err(projects.push_rule.get, true),
  "bad argument #1 to 'projects.push_rule.get' (id: id or full path expected, got boolean)", "projects.push_rule.get: a boolean project")

-- push_rules.delete
t.eq(t.call_ok(push_rules.delete, "platform"), nil, "delete: no value (204)")
t.is_error(t.call_err(push_rules.get, "platform"), 404, "404 Not Found", "delete: the rule is gone")
t.is_error(t.call_err(push_rules.delete, "platform"), 404, "404 Not Found", "delete: twice")
t.eq(projects.push_rule.get(project.id).commit_message_regex, "^[A-Z]+-[0-9]+", "delete: the project's copy stays")

-- push_rules.ensure
local ensured_rule, created = t.call_ok(push_rules.ensure, "platform", { member_check = true, file_name_regex = "\\.exe$" })
t.eq(created.created, true, "ensure: adds a rule")
t.eq(ensured_rule.file_name_regex, "\\.exe$", "ensure: with its attributes")
local kept, unchanged = t.call_ok(push_rules.ensure, "platform", { member_check = true })
t.eq(kept.id, ensured_rule.id, "ensure: the same rule")
t.eq(next(unchanged), nil, "ensure: nothing to change")
local _, changed = t.call_ok(push_rules.ensure, "platform", { member_check = false })
t.eq(changed.member_check and changed.member_check.to, false, "ensure: a differing flag is edited")
t.is_error(t.call_err(push_rules.ensure, "platform", { max_file_size = -5 }), 400, "{max_file_size: must be greater than or equal to 0}",
  "ensure: an invalid value reaches push_rules.edit")
t.is_error(t.call_err_as("dev", push_rules.ensure, "platform/api", { member_check = true }), 404, "404 Not Found",
  "ensure: a Developer gets push_rules.add's bare 404")

t.finish()
