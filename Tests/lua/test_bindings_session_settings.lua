-- Grove's own bindings from Lua, success and error paths, against a temporary
-- store file: grove.as, grove.transaction, grove.dry_run, grove.write_secret_file,
-- grove.csvcodec.*, `settings.*` and `settings.integrations.*`; and the error
-- values every binding raises, caught with pcall.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"
t.in_temporary_store { "grove", "grove.csvcodec", "settings", "settings.integrations" }

local alice = users.create { username = "alice", email = "alice@example.com", name = "Alice" }
local platform = groups.create { name = "Platform", path = "platform", visibility = "internal" }
members.add("platform", { user_id = alice.id, access_level = 30 })

-- Error values: pcall catches a table with status, message and errors.
local ok, err = pcall(groups.create, { name = "Platform", path = "platform" })
t.eq(ok, false, "pcall: a failing binding returns false")
t.eq(type(err), "table", "pcall: the error is a table")
t.eq(grove.iserror(err), true, "pcall: grove.iserror recognises it")
t.eq(err.status, 400, "pcall: err.status")
t.eq(err.message, 'Failed to save group {:path=>["has already been taken"]}', "pcall: err.message")
t.eq(type(err.errors), "table", "pcall: err.errors")
t.eq(err.errors.path and err.errors.path[1], "has already been taken", "pcall: err.errors.path")
t.eq(tostring(err), 'groups.create: 400 {path = "has already been taken"}', "pcall: tostring(err)")
ok, err = pcall(groups.get, "platform/api")
t.ok(not ok and err.status == 404 and err.message == "404 Group Not Found" and err.errors == nil,
  "pcall: a 404 has a status and a message and no field errors")
local handled = select(2, xpcall(groups.get, function(e) return e end, "nope"))
t.eq(grove.iserror(handled) and handled.status, 404, "xpcall: the handler receives the error value")
local rethrown = select(2, pcall(function()
  local _, inner = pcall(groups.get, "nope")
  error(inner)
end))
t.eq(grove.iserror(rethrown) and rethrown.message, "404 Group Not Found", "error(err) re-raises the same value")

-- grove.as
local mine = t.call_ok(grove.as, "alice", function() return groups.list():all(), "done" end)
t.eq(#mine == 1 and mine[1].full_path, "platform", "grove.as: alice's groups (her memberships)")
t.eq(select(2, grove.as("alice", function() return 1, "two" end)), "two", "grove.as: every result of fn")
t.eq(groups.list { all_available = false }:count(), 1, "grove.as: root again afterwards")
t.is_error(t.call_err(grove.as, "nobody", function() end), 404, "404 User Not Found", "grove.as: an unknown user")
err = t.call_err(grove.as, "alice", function() return groups.update("platform", { description = "x" }) end)
t.is_error(err, 403, "403 Forbidden", "grove.as: a Developer cannot update the group")
t.eq(tostring(err), "groups.update: 403 Forbidden", "grove.as: the error of the inner call comes out unchanged")
t.eq(rawget(err, "traceback"), nil, "grove.as: no traceback field is added to the inner call's error value")
t.eq(t.call_err(grove.as, "alice", function() error("stop here", 0) end), "stop here",
  "grove.as: a Lua error comes out exactly as raised (no traceback appended)")
local raised = {}
t.ok(t.call_err(grove.as, "alice", function() error(raised) end) == raised and next(raised) == nil,
  "grove.as: a table raised comes out as the same table, untouched")
t.eq(groups.update("platform", { description = "root can" }).description, "root can", "grove.as: root again after an error")
t.is_argument_error(t.call_err(grove.as, "alice", "groups.list"), "bad argument #2 to 'grove.as' (function expected, got string)",
  "grove.as: a string instead of a function")
t.is_argument_error(t.call_err(grove.as, nil, print), "bad argument #1 to 'grove.as' (string expected, got nil)", "grove.as: no username")

if t.remote then
  -- GitLab's API has no transactions: both refuse at once, before fn runs, and say why.
  local ran = false
  t.is_error(t.call_err(grove.transaction, function() ran = true end), 400,
    "400 Bad request - transactions need the embedded store: GitLab's API has no transactions (" .. grove.backend() .. ")",
    "grove.transaction: refused on a remote connection")
  local err = t.call_err(grove.dry_run, function() ran = true end)
  t.is_error_like(err, 400, "dry runs need the embedded store", "grove.dry_run: refused on a remote connection")
  t.eq(ran, false, "grove.transaction, grove.dry_run: fn did not run")
  -- They have no success on this backend: the coverage check asks only for the refusal.
  t.succeeded[grove.transaction], t.succeeded[grove.dry_run] = true, true
else
  -- grove.transaction
  local a, b = t.call_ok(grove.transaction, function()
    local ops = groups.create { name = "Ops", path = "ops" }
    return ops, groups.create { name = "Tools", path = "tools", parent_id = ops.id }
  end)
  t.eq(a.full_path .. " " .. b.full_path, "ops ops/tools", "grove.transaction: fn's results")
  t.eq(groups.get("ops/tools").parent_id, a.id, "grove.transaction: committed")
  err = t.call_err(grove.transaction, function()
    groups.create { name = "Web", path = "web" }
    groups.create { name = "Web", path = "web" }
  end)
  t.is_error(err, 400, 'Failed to save group {:path=>["has already been taken"]}', "grove.transaction: the failing call's error")
  t.eq(rawget(err, "traceback"), nil, "grove.transaction: no traceback field is added to the failing call's error value")
  t.is_error(t.call_err(groups.get, "web"), 404, "404 Group Not Found", "grove.transaction: nothing of a failed block lands")
  err = t.call_err(grove.transaction, function()
    groups.create { name = "Web", path = "web" }
    error("stop here", 0)
  end)
  t.eq(err, "stop here", "grove.transaction: a Lua error comes out exactly as raised (no traceback appended)")
  err = t.call_err(grove.transaction, function() error("stop here") end)
  t.ok(type(err) == "string" and err:find("^[^\n]+:%d+: stop here$") ~= nil,
    "grove.transaction: a Lua error with its position comes out as raised: " .. string.format("%q", tostring(err)))
  t.ok(t.call_err(grove.transaction, function() error(raised) end) == raised and next(raised) == nil,
    "grove.transaction: a table raised comes out as the same table, untouched")
  t.eq(t.call_err(grove.transaction, function() grove.as("alice", function() error("deep", 0) end) end), "deep",
    "grove.transaction: an error from a nested grove.as comes out exactly as raised")
  t.eq(groups.list { search = "web" }:count(), 0, "grove.transaction: rolled back after a Lua error")
  t.is_argument_error(t.call_err(grove.transaction, { "not", "a", "function" }),
    "bad argument #1 to 'grove.transaction' (function expected, got table)", "grove.transaction: a table instead of a function")

  -- grove.dry_run
  local before = groups.list():count()
  local changes, answer = t.call_ok(grove.dry_run, function()
    groups.create { name = "Trial", path = "trial" }
    groups.update("platform", { description = "rehearsed" })
    return 42
  end)
  t.eq(answer, 42, "grove.dry_run: fn's result after the changes")
  t.eq(#changes, 2, "grove.dry_run: two changes")
  t.eq(changes[1].action, "group.create", "grove.dry_run: the creation")
  t.eq(changes[1].entity_path, "trial", "grove.dry_run: its path")
  t.eq(changes[1].text, 'group.create trial by @root: name = "Trial", path = "trial", visibility = "private"', "grove.dry_run: a readable text")
  t.eq(changes[2].action, "group.update", "grove.dry_run: the update")
  t.eq(groups.list():count(), before, "grove.dry_run: nothing created")
  t.eq(groups.get("platform").description, "root can", "grove.dry_run: nothing updated")
  err = t.call_err(grove.dry_run, function()
    groups.create { name = "Trial", path = "trial" }
    return groups.get("nope")
  end)
  t.is_error(err, 404, "404 Group Not Found", "grove.dry_run: an error in fn is raised")
  t.eq(rawget(err, "traceback"), nil, "grove.dry_run: no traceback field is added to the error value")
  local teapot = grove.error { status = 418, message = "I'm a teapot" }
  t.ok(t.call_err(grove.dry_run, function() error(teapot) end) == teapot and rawget(teapot, "traceback") == nil,
    "grove.dry_run: a Grove error value raised in fn comes out as the same value, untouched")
  t.eq(t.call_err(grove.dry_run, function() error("stop here", 0) end), "stop here",
    "grove.dry_run: a Lua error comes out exactly as raised (no traceback appended)")
  t.eq(groups.list():count(), before, "grove.dry_run: rolled back before raising")
  t.is_argument_error(t.call_err(grove.dry_run), "bad argument #1 to 'grove.dry_run' (function expected, got no value)",
    "grove.dry_run: no function")
end

-- grove.connect, grove.backend
t.eq(grove.backend(), t.remote and grove.store.url or "embedded", "grove.backend: the embedded store, or the GitLab's URL")
local other_db = os.tmpname()
local other = t.call_ok(grove.connect, { db = other_db })
t.eq(other.backend(), "embedded", "grove.connect{db}: another embedded store")
local copied = other.groups.create { name = "Platform", path = "platform" }
t.eq(copied.full_path, "platform", "grove.connect{db}: its groups.create writes there")
t.eq(other.groups.list {}:count(), 1, "grove.connect{db}: its lists read there")
t.is_error(t.call_err(other.groups.get, "ops"), 404, "404 Group Not Found", "grove.connect{db}: the default store's groups are not there")
t.eq(groups.get("platform").id, platform.id, "grove.connect{db}: the default connection is untouched")
t.eq(select(2, pcall(other.as, "alice", function() end)).status, 404, "grove.connect{db}: its own users (no alice)")
os.remove(other_db)
t.is_error(t.call_err(grove.connect, { url = "ftp://gitlab.example.com" }), 400, "url ftp://gitlab.example.com is not an http(s) address",
  "grove.connect: a URL that is not http(s)")
t.is_error(t.call_err(grove.connect, { url = "https://gitlab.example.com", tokn = "x" }), 400,
  "unknown option tokn; did you mean token? accepted: url, token, token_file, ssl_verify, timeout, max_retries, per_page, or db alone", "grove.connect: an unknown option")
local cfg = t.temp_file("[global]\ndefault = here\n[here]\nurl = http://127.0.0.1:9\nprivate_token = helper: echo from-helper\n")
local with_cfg = "PYTHON_GITLAB_CFG=" .. t.shell_quote(cfg) .. " " .. t.shell_quote(t.grove()) .. " -e "
t.eq(t.capture(with_cfg .. t.shell_quote("grove.connect().backend()")), '"http://127.0.0.1:9"\n', "grove.connect(): python-gitlab's default section")
t.ok(t.capture(with_cfg .. t.shell_quote("select(2, pcall(grove.connect, 'there')).message") .. " 2>&1"):find("no section [there]", 1, true),
  "grove.connect(name): a missing section is named")
os.remove(cfg)

-- grove.parallel (on the embedded store the items run one after the other)
local order = {}
local results, failures = t.call_ok(grove.parallel, { "a", "b", "c" }, function(item)
  order[#order + 1] = item
  if item == "b" then groups.get("no-such-group") end
  return item:upper()
end, { concurrency = 2, progress = false })
t.eq(table.concat(order), "abc", "grove.parallel: every item, in order on this backend")
t.eq((results[1] or "") .. (results[3] or "") .. tostring(results[2]), "ACnil", "grove.parallel: results by item")
t.is_error(failures[2], 404, "404 Group Not Found", "grove.parallel: an item's error, the others went on")
t.is_argument_error(t.call_err(grove.parallel, "abc", print), "bad argument #1 to 'grove.parallel' (table expected, got string)",
  "grove.parallel: items not a table")
t.is_error(t.call_err(grove.parallel, {}, print, { concurrency = 0 }), 400, "concurrency must be an integer from 1 to 64",
  "grove.parallel: a concurrency out of range")

-- grove.write_secret_file
local secret = os.tmpname()
t.eq(t.call_ok(grove.write_secret_file, secret, "glpat-secret\n"), nil, "grove.write_secret_file: no value")
local f = assert(io.open(secret, "r"))
t.eq(f:read("a"), "glpat-secret\n", "grove.write_secret_file: the text")
f:close()
t.eq(t.capture("stat -c %a " .. t.shell_quote(secret)), "600\n", "grove.write_secret_file: mode 0600")
os.remove(secret)
err = t.call_err(grove.write_secret_file, "/nonexistent-grove-dir/secret", "x")
t.ok(tostring(err):find("/nonexistent-grove-dir/secret: No such file or directory", 1, true) ~= nil,
  "grove.write_secret_file: a missing directory: " .. tostring(err))
t.is_argument_error(t.call_err(grove.write_secret_file, secret, { "x" }),
  "bad argument #2 to 'grove.write_secret_file' (string expected, got table)", "grove.write_secret_file: a table as the text")

-- grove.append_secret_file: appended to (never emptied), narrowed to 0600; /dev/null keeps its mode
secret = os.tmpname()
local loose = assert(io.open(secret, "w"))
loose:write("kept\n")
loose:close()
os.execute("chmod 644 " .. t.shell_quote(secret))
t.eq(t.call_ok(grove.append_secret_file, secret, "a glpat-one\n"), nil, "grove.append_secret_file: no value")
t.call_ok(grove.append_secret_file, secret, "b glpat-two\n")
f = assert(io.open(secret, "r"))
t.eq(f:read("a"), "kept\na glpat-one\nb glpat-two\n", "grove.append_secret_file: appended, nothing lost")
f:close()
t.eq(t.capture("stat -c %a " .. t.shell_quote(secret)), "600\n", "grove.append_secret_file: narrowed to 0600")
os.remove(secret)
local fresh = os.tmpname()
os.remove(fresh)
t.call_ok(grove.append_secret_file, fresh, "")
t.eq(t.capture("stat -c %a:%s " .. t.shell_quote(fresh)), "600:0\n", "grove.append_secret_file: created empty with mode 0600")
os.remove(fresh)
local null_mode = t.capture("stat -c %a /dev/null")
t.call_ok(grove.append_secret_file, "/dev/null", "x\n")
t.eq(t.capture("stat -c %a /dev/null"), null_mode, "grove.append_secret_file: /dev/null keeps its mode")
t.is_argument_error(t.call_err(grove.append_secret_file, secret, 1 < 2),
  "bad argument #2 to 'grove.append_secret_file' (string expected, got boolean)", "grove.append_secret_file: a boolean as the text")

-- grove.csvcodec
local rows = t.call_ok(grove.csvcodec.decode, 'path,name\r\n"a,b","say ""hi"""\n')
t.eq(#rows, 2, "csvcodec.decode: two records")
t.eq(rows[2][1], "a,b", "csvcodec.decode: a quoted comma")
t.eq(rows[2][2], 'say "hi"', "csvcodec.decode: doubled quotes")
t.is_argument_error(t.call_err(grove.csvcodec.decode, true), "bad argument #1 to 'grove.csvcodec.decode' (string expected, got boolean)",
  "csvcodec.decode: a boolean")
t.eq(t.call_ok(grove.csvcodec.encode, { { "a", "b,c" }, { 1, 'x"y' } }), 'a,"b,c"\n1,"x""y"', "csvcodec.encode: quoting where needed")
t.is_argument_error(t.call_err(grove.csvcodec.encode, { "a" }), "bad argument #1 to 'grove.csvcodec.encode' (row 1 is not a list)",
  "csvcodec.encode: a row that is not a list")

-- settings
local s = t.call_ok(settings.get)
t.eq(s.deletion_adjourned_period, 7, "settings.get: deletion_adjourned_period")
t.eq(s.default_group_visibility, "private", "settings.get: default_group_visibility")
t.eq(#s.restricted_visibility_levels, 0, "settings.get: no restricted levels")
t.is_error(t.call_err_as("alice", settings.get), 403, "403 Forbidden", "settings.get: administrators only")
t.is_unknown_option(t.call_err(settings.get, { key = "x" }), "key", {}, "settings.get: takes no options")
local changed = t.call_ok(settings.update, { deletion_adjourned_period = 14, default_group_visibility = "internal" })
t.eq(changed.deletion_adjourned_period, 14, "settings.update: deletion_adjourned_period")
t.eq(groups.create { name = "New", path = "new" }.visibility, "internal", "settings.update: the new default visibility applies")
t.is_error(t.call_err(settings.update, { deletion_adjourned_period = 91 }), 400, "{deletion_adjourned_period: must be between 1 and 90}",
  "settings.update: out of range")
t.is_error(t.call_err(settings.update, { restricted_visibility_levels = { "secret" } }), 400,
  "restricted_visibility_levels does not have a valid value", "settings.update: an unknown level")
t.is_error(t.call_err_as("alice", settings.update, { deletion_adjourned_period = 1 }), 403, "403 Forbidden",
  "settings.update: administrators only")
t.is_unknown_option(t.call_err(settings.update, { signup_enabled = false }), "signup_enabled",
  { "deletion_adjourned_period", "default_group_visibility", "restricted_visibility_levels" }, "settings.update: an unknown option")
t.is_argument_error(t.call_err(settings.update, "x"), "bad argument #1 to 'settings.update' (table expected, got string)",
  "settings.update: a string instead of options")

-- settings.integrations
local i = t.call_ok(settings.integrations.get)
t.eq(i.allow_local_requests_from_web_hooks_and_services, false, "settings.integrations.get: local requests refused")
t.eq(i.webhook_timeout, 10, "settings.integrations.get: webhook_timeout")
t.eq(i.personal_access_token_prefix, "glpat-", "settings.integrations.get: token prefix")
t.eq(i.max_personal_access_token_lifetime, grove.null, "settings.integrations.get: no maximum lifetime set")
t.is_error(t.call_err_as("alice", settings.integrations.get), 403, "403 Forbidden", "settings.integrations.get: administrators only")
local updated = t.call_ok(settings.integrations.update, { webhook_timeout = 5, max_personal_access_token_lifetime = 30 })
t.eq(updated.webhook_timeout, 5, "settings.integrations.update: webhook_timeout")
t.eq(updated.max_personal_access_token_lifetime, 30, "settings.integrations.update: max_personal_access_token_lifetime")
t.eq(settings.integrations.get().webhook_timeout, 5, "settings.integrations.update: stored")
t.is_error(t.call_err(settings.integrations.update, { webhook_timeout = 0 }), 400, "{webhook_timeout: must be between 1 and 60}",
  "settings.integrations.update: out of range")
t.is_error(t.call_err(settings.integrations.update, { max_personal_access_token_lifetime = 401 }), 400,
  "{max_personal_access_token_lifetime: must be between 1 and 400}", "settings.integrations.update: lifetime out of range")
t.is_error(t.call_err_as("alice", settings.integrations.update, { webhook_timeout = 5 }), 403, "403 Forbidden",
  "settings.integrations.update: administrators only")
t.is_error(t.call_err(settings.integrations.update, { webhook_timeout = "soon" }), 400, "webhook_timeout is invalid",
  "settings.integrations.update: a word as a number")

t.finish()
