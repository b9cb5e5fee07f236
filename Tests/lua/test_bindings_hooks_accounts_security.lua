-- The hook, service account and security bindings from Lua, success and error
-- paths, against a temporary store file: `hooks.*` (with hooks.ensure),
-- `groups.hooks.custom_headers.*`, `groups.hooks.url_variables.*`,
-- `service_accounts.*` and `security.*`. hooks.test delivers for real to a
-- small HTTP receiver on 127.0.0.1 (python3's http.server, started here).
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"
t.in_temporary_store { "hooks", "groups.hooks.custom_headers", "groups.hooks.url_variables", "service_accounts", "security" }
local json = require "grove.json"

-- The receiver: records every request as a JSON line, answers 500 "receiver
-- broke" under /broken and 200 "ok" elsewhere. It writes "port pid" once it
-- listens, and stops by itself when this grove process is gone (or after two minutes).
local receiver_source = [[
import http.server, json, os, sys, time
port_file, log_file, watched = sys.argv[1], sys.argv[2], int(sys.argv[3])
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        with open(log_file, "a") as f:
            f.write(json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}) + "\n")
        status, text = (500, b"receiver broke") if self.path.startswith("/broken") else (200, b"ok")
        self.send_response(status)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)
    def log_message(self, *args):
        pass
def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
server.timeout = 0.5
with open(port_file + ".part", "w") as f:
    f.write("%d %d" % (server.server_address[1], os.getpid()))
os.rename(port_file + ".part", port_file)
deadline = time.time() + 120
while time.time() < deadline and alive(watched):
    server.handle_request()
]]

-- This grove process's pid (/proc/self is the process that opens it).
local stat = assert(io.open("/proc/self/stat", "r"))
local grove_pid = stat:read("a"):match("^(%d+)")
stat:close()
local script, port_file, log_file = t.temp_file(receiver_source), os.tmpname(), os.tmpname()
os.remove(port_file)
os.execute("python3 " .. t.shell_quote(script) .. " " .. t.shell_quote(port_file) .. " " .. t.shell_quote(log_file) .. " " .. grove_pid
  .. " >/dev/null 2>&1 &")
local port, pid
for _ = 1, 100 do
  local f = io.open(port_file, "r")
  if f then port, pid = f:read("a"):match("^(%d+) (%d+)$"); f:close(); break end
  os.execute("sleep 0.1")
end
-- Stopped and removed when this chunk ends, also when a check fails.
local receiver <close> = setmetatable({}, { __close = function()
  if pid then os.execute("kill " .. pid .. " 2>/dev/null") end
  for _, f in ipairs { script, log_file, port_file } do os.remove(f) end
end })
t.ok(port ~= nil, "the hook receiver (python3 http.server) listens on 127.0.0.1:" .. tostring(port))

local function received()
  local out = {}
  local f = io.open(log_file, "r")
  if not f then return out end
  for line in f:lines() do out[#out + 1] = json.decode(line) end
  f:close()
  return out
end

local alice = users.create { username = "alice", email = "alice@example.com", name = "Alice" }
local dev = users.create { username = "dev", email = "dev@example.com", name = "Dev" }
local platform = groups.create { name = "Platform", path = "platform", visibility = "internal" }
local api = groups.create { name = "API", path = "api", parent_id = platform.id, visibility = "internal" }
members.add("platform", { user_id = alice.id, access_level = 50 })
members.add("platform", { user_id = dev.id, access_level = 30 })

-- hooks.add, get, list, edit
local hook = t.call_ok(hooks.add, "platform", {
  url = "https://hooks.example.com/{tenant}/gitlab", url_variables = { { key = "tenant", value = "acme" } },
  token = "secret-token", custom_headers = { { key = "X-Team", value = "platform-team" } },
  name = "Chat", tag_push_events = true,
})
t.eq(hook.url, "https://hooks.example.com/{tenant}/gitlab", "add: the URL template")
t.eq(hook.group_id, platform.id, "add: group_id")
t.eq(hook.name, "Chat", "add: name")
t.eq(hook.push_events, true, "add: push_events is on by default")
t.eq(hook.tag_push_events, true, "add: tag_push_events")
t.eq(hook.url_variables[1].key, "tenant", "add: url_variables keys are shown")
t.eq(hook.url_variables[1].value, nil, "add: url_variables values are not")
t.eq(hook.custom_headers[1].key, "X-Team", "add: custom_headers keys are shown")
t.eq(hook.token, nil, "add: the token is never returned")
t.is_error(t.call_err(hooks.add, "platform", { url = "ftp://hooks.example.com/" }), 422, "Invalid url given", "add: not http(s)")
t.is_error(t.call_err(hooks.add, "platform", { url = "https://hooks.example.com/{missing}" }), 422,
  'Invalid URL template. Missing keys: ["missing"]', "add: a placeholder without a variable")
t.is_error(t.call_err(hooks.add, "platform", { url = "http://127.0.0.1:" .. tostring(port) .. "/hook" }), 422,
  "Url is blocked: Requests to localhost are not allowed", "add: loopback is refused while local requests are not allowed")
t.is_error(t.call_err(hooks.add, "platform", { name = "no url" }), 400, "url is missing", "add: no url")
t.is_error(t.call_err_as("dev", hooks.add, "platform", { url = "https://x.example.com/" }), 403, "403 Forbidden", "add: owners only")
t.is_unknown_option(t.call_err(hooks.add, "platform", { url = "https://x.example.com/", secret = "x" }), "secret",
  { "url", "token", "push_events", "custom_headers", "url_variables" }, "add: an unknown option")
t.is_argument_error(t.call_err(hooks.add, true, { url = "https://x.example.com/" }),
  "bad argument #1 to 'hooks.add' (id: id or full path expected, got boolean)", "add: a boolean group")
t.is_error(t.call_err(hooks.add, "platform", { url = "https://x.example.com/", token = { "a", "b" } }), 400, "token is invalid",
  "add: a list as the token")
local fetched = t.call_ok(hooks.get, "platform", hook.id)
t.eq(fetched.id, hook.id, "get: id")
t.eq(fetched.name, "Chat", "get: name")
t.eq(t.call_ok_as("alice", hooks.get, platform.id, hook.id).url, hook.url, "get: as an owner")
t.is_error(t.call_err(hooks.get, "platform", 999999), 404, "404 Not found", "get: an unknown hook")
t.is_error(t.call_err(hooks.get, "platform/api", hook.id), 404, "404 Not found", "get: a hook of another group")
t.is_error(t.call_err_as("dev", hooks.get, "platform", hook.id), 403, "403 Forbidden", "get: owners only")
t.is_error(t.call_err(hooks.get, "platform", "first"), 400, "hook_id is invalid", "get: a word as the hook id")
local listed = t.call_ok(hooks.list, "platform")
t.eq(#listed == 1 and listed[1].id, hook.id, "list: the hook")
t.eq(#t.call_ok(hooks.list, "platform/api"), 0, "list: none in the subgroup")
t.is_error(t.call_err(hooks.list, "nope"), 404, "404 Group Not Found", "list: an unknown group")
t.is_error(t.call_err_as("dev", hooks.list, "platform"), 403, "403 Forbidden", "list: owners only")
local edited = t.call_ok(hooks.edit, "platform", hook.id, { name = "Chat ops", issues_events = true })
t.eq(edited.name, "Chat ops", "edit: name")
t.eq(edited.issues_events, true, "edit: an event flag")
t.eq(edited.url, hook.url, "edit: the URL kept")
t.is_error(t.call_err(hooks.edit, "platform", hook.id), 400, "No parameters provided", "edit: nothing to change")
t.is_error(t.call_err(hooks.edit, "platform", hook.id, { branch_filter_strategy = "glob" }), 400,
  "branch_filter_strategy does not have a valid value", "edit: an unknown branch filter strategy")
t.is_error(t.call_err(hooks.edit, "platform", 999999, { name = "x" }), 404, "404 Not found", "edit: an unknown hook")
t.is_argument_error(t.call_err(hooks.edit, "platform", true, { name = "x" }),
  "bad argument #2 to 'hooks.edit' (number expected, got boolean)", "edit: a boolean hook id")

-- groups.hooks.custom_headers and groups.hooks.url_variables
local function keys_of(field)
  local keys = {}
  for i, pair in ipairs(hooks.get("platform", hook.id)[field]) do keys[i] = pair.key end
  return table.concat(keys, " ")
end
local headers, variables = groups.hooks.custom_headers, groups.hooks.url_variables
t.eq(t.call_ok(headers.set, "platform", hook.id, "X-Env", { value = "prod" }), nil, "custom_headers.set: no value (204)")
t.eq(keys_of("custom_headers"), "X-Team X-Env", "custom_headers.set: the key is added")
t.is_error(t.call_err(headers.set, "platform", hook.id, "bad key!", { value = "x" }), 422, "Illegal key or value", "custom_headers.set: an illegal key")
t.is_error(t.call_err(headers.set, "platform", hook.id, "X-Env"), 400, "value is missing", "custom_headers.set: no value")
t.eq(t.call_ok(headers.delete, "platform", hook.id, "X-Env"), nil, "custom_headers.delete: no value (204)")
t.eq(keys_of("custom_headers"), "X-Team", "custom_headers.delete: the key is gone")
t.is_error(t.call_err(headers.delete, "platform", hook.id, "X-Env"), 404, "404 Custom header Not Found", "custom_headers.delete: a missing key")
t.is_error(t.call_err_as("dev", headers.delete, "platform", hook.id, "X-Team"), 403, "403 Forbidden", "custom_headers.delete: owners only")
t.eq(t.call_ok(variables.set, "platform", hook.id, "region", { value = "eu" }), nil, "url_variables.set: no value (204)")
t.eq(keys_of("url_variables"), "tenant region", "url_variables.set: the key is added")
t.is_error(t.call_err(variables.set, "platform", hook.id, "9lives", { value = "x" }), 422, "Illegal key or value", "url_variables.set: an illegal key")
t.is_unknown_option(t.call_err(variables.set, "platform", hook.id, "k", { value = "v", secret = true }), "secret", { "value" },
  "url_variables.set: an unknown option")
t.eq(t.call_ok(variables.delete, "platform", hook.id, "region"), nil, "url_variables.delete: no value (204)")
t.eq(keys_of("url_variables"), "tenant", "url_variables.delete: the key is gone")
t.is_error(t.call_err(variables.delete, "platform", hook.id, "region"), 404, "404 URL variable Not Found", "url_variables.delete: a missing key")
t.is_argument_error(t.call_err(variables.delete, "platform", hook.id, false),
  "bad argument #3 to 'groups.hooks.url_variables.delete' (string expected, got boolean)", "url_variables.delete: a boolean key")

-- the same operations by the names of GitLab's docs
t.eq(t.call_ok(hooks.set_header, "platform", hook.id, "X-Stage", { value = "canary" }), nil, "hooks.set_header: no value (204)")
t.eq(keys_of("custom_headers"), "X-Team X-Stage", "hooks.set_header: the key is added")
t.is_error(t.call_err(hooks.set_header, "platform", hook.id, "bad key!", { value = "x" }), 422, "Illegal key or value", "hooks.set_header: an illegal key")
t.eq(t.call_ok(hooks.delete_header, "platform", hook.id, "X-Stage"), nil, "hooks.delete_header: no value (204)")
t.eq(keys_of("custom_headers"), "X-Team", "hooks.delete_header: the key is gone")
t.is_error(t.call_err(hooks.delete_header, "platform", hook.id, "X-Stage"), 404, "404 Custom header Not Found", "hooks.delete_header: a missing key")
t.eq(t.call_ok(hooks.set_url_variable, "platform", hook.id, "zone", { value = "a" }), nil, "hooks.set_url_variable: no value (204)")
t.eq(keys_of("url_variables"), "tenant zone", "hooks.set_url_variable: the key is added")
t.is_error(t.call_err_as("dev", hooks.set_url_variable, "platform", hook.id, "zone", { value = "b" }), 403, "403 Forbidden",
  "hooks.set_url_variable: owners only")
t.eq(t.call_ok(hooks.delete_url_variable, "platform", hook.id, "zone"), nil, "hooks.delete_url_variable: no value (204)")
t.eq(keys_of("url_variables"), "tenant", "hooks.delete_url_variable: the key is gone")
t.is_argument_error(t.call_err(hooks.delete_url_variable, "platform", hook.id, false),
  "bad argument #3 to 'hooks.delete_url_variable' (string expected, got boolean)", "hooks.delete_url_variable: a boolean key")

-- hooks.test and hooks.deliveries, to the receiver
settings.integrations.update { allow_local_requests_from_web_hooks_and_services = true }
local live = t.call_ok(hooks.add, "platform", {
  url = "http://127.0.0.1:" .. tostring(port) .. "/{path}", url_variables = { { key = "path", value = "hook" } },
  token = "tok-123", custom_headers = { { key = "X-Custom", value = "custom-value" } },
})
t.eq(live.url, "http://127.0.0.1:" .. tostring(port) .. "/{path}", "add: loopback once local requests are allowed")
local answer = t.call_ok(hooks.test, "platform", live.id, "push_events")
t.eq(answer.message, "201 Created", "test: 201 Created for a 2xx answer")
local sent = received()[1] or { headers = {} }
t.eq(sent.path, "/hook", "test: delivered to the interpolated URL")
t.eq(sent.headers["x-gitlab-event"], "Push Hook", "test: X-Gitlab-Event")
t.eq(sent.headers["x-gitlab-token"], "tok-123", "test: X-Gitlab-Token")
t.eq(sent.headers["x-custom"], "custom-value", "test: the custom header")
t.eq(sent.body and json.decode(sent.body).object_kind, "push", "test: a push payload")
local deliveries = t.call_ok(hooks.deliveries, "platform", live.id)
t.eq(#deliveries, 1, "deliveries: one")
t.eq(deliveries[1].response_status, 200, "deliveries: the receiver's status")
t.eq(deliveries[1].trigger, "push_events", "deliveries: the trigger")
t.eq(deliveries[1].request_headers["X-Gitlab-Token"], "[REDACTED]", "deliveries: the token is masked")
t.eq(deliveries[1].request_headers["X-Custom"], "[REDACTED]", "deliveries: custom header values are masked")
t.is_error(t.call_err(hooks.deliveries, "platform", 999999), 404, "404 Not found", "deliveries: an unknown hook")
t.is_error(t.call_err_as("dev", hooks.deliveries, "platform", live.id), 403, "403 Forbidden", "deliveries: owners only")
t.is_error(t.call_err(hooks.test, "platform", live.id, "member_events"), 400, "trigger does not have a valid value",
  "test: member_events cannot be tested")
local broken = hooks.add("platform", { url = "http://127.0.0.1:" .. tostring(port) .. "/broken" })
t.is_error(t.call_err(hooks.test, "platform", broken.id, "issues_events"), 422, "receiver broke", "test: a 500 answer is 422 with its body")
t.eq(#received(), 2, "test: the failing delivery reached the receiver")
t.eq((received()[2] or { headers = {} }).headers["x-gitlab-event"], "Issue Hook", "test: X-Gitlab-Event of issues_events")
settings.integrations.update { allow_local_requests_from_web_hooks_and_services = false }
t.is_error(t.call_err(hooks.test, "platform", live.id, "push_events"), 422, "Requests to localhost are not allowed",
  "test: loopback refused at delivery once local requests are no longer allowed")
t.eq(#received(), 2, "test: nothing sent when refused")
t.is_error(t.call_err_as("dev", hooks.test, "platform", live.id, "push_events"), 403, "403 Forbidden", "test: owners only")
t.is_argument_error(t.call_err(hooks.test, "platform", live.id), "bad argument #3 to 'hooks.test' (string expected, got no value)",
  "test: no trigger")

-- hooks.delete
t.eq(t.call_ok(hooks.delete, "platform", broken.id), nil, "delete: no value (204)")
t.is_error(t.call_err(hooks.get, "platform", broken.id), 404, "404 Not found", "delete: the hook is gone")
t.is_error(t.call_err(hooks.delete, "platform", broken.id), 404, "404 Not found", "delete: twice")

-- hooks.ensure
local ensured, created = t.call_ok(hooks.ensure, "platform/api", { url = "https://ci.example.com/hook", job_events = true, token = "t" })
t.eq(created.created, true, "ensure: adds the hook")
t.eq(ensured.job_events, true, "ensure: with its flags")
local same, none = t.call_ok(hooks.ensure, "platform/api", { url = "https://ci.example.com/hook", job_events = true, token = "t" })
t.eq(same.id, ensured.id, "ensure: the same hook again")
t.eq(next(none), nil, "ensure: nothing to change (the token is not compared)")
local _, changed = t.call_ok(hooks.ensure, "platform/api", { url = "https://ci.example.com/hook", job_events = false })
t.eq(changed.job_events and changed.job_events.to, false, "ensure: a differing flag is edited")
t.is_argument_error(t.call_err(hooks.ensure, "platform/api", { name = "no url" }),
  "bad argument #2 to 'hooks.ensure' (table with a url expected)", "ensure: no url")
t.is_error(t.call_err(hooks.ensure, "platform/api", { url = "https://ci.example.com/other", colour = "red" }), 400,
  "unknown option colour; accepted: url, name, description, push_events, tag_push_events, "
  .. "issues_events, confidential_issues_events, note_events, confidential_note_events, merge_requests_events, job_events, "
  .. "pipeline_events, wiki_page_events, deployment_events, feature_flag_events, releases_events, member_events, subgroup_events, "
  .. "emoji_events, resource_access_token_events, milestone_events, project_events, vulnerability_events, push_events_branch_filter, "
  .. "branch_filter_strategy, enable_ssl_verification, token, custom_webhook_template, custom_headers, url_variables",
  "ensure: an unknown attribute reaches hooks.add")
t.is_error(t.call_err_as("dev", hooks.ensure, "platform", { url = "https://x.example.com/" }), 403, "403 Forbidden",
  "ensure: hooks.list's 403 for a Developer")

-- service_accounts
local bot = t.call_ok(service_accounts.create, "platform", { name = "Deploy bot", username = "deploy-bot" })
t.eq(bot.username, "deploy-bot", "create: username")
t.eq(bot.name, "Deploy bot", "create: name")
t.eq(users.get(bot.id).bot, true, "create: a bot user")
local generated = t.call_ok(service_accounts.create, "platform")
t.ok(generated.username:find("^service_account_group_" .. platform.id .. "_%x+$") ~= nil, "create: a generated username: " .. generated.username)
t.eq(generated.name, "Service account user", "create: the default name")
t.is_error(t.call_err(service_accounts.create, "platform/api"), 400,
  "400 Bad request - User does not have permission to create a service account in this namespace.", "create: not in a subgroup")
t.is_error(t.call_err_as("alice", service_accounts.create, "platform"), 400,
  "400 Bad request - User does not have permission to create a service account in this namespace.",
  "create: an owner only when the instance allows it")
t.is_error(t.call_err(service_accounts.create, "platform", { username = "deploy-bot" }), 400, "400 Bad request - Username has already been taken",
  "create: a taken username")
-- user.rb: a name of at most 255 characters.
t.is_error(t.call_err(service_accounts.create, "platform", { name = string.rep("n", 256), username = "long-bot" }), 400,
  "400 Bad request - Name is too long (maximum is 255 characters)", "create: a name over 255 characters")
t.is_error(t.call_err(service_accounts.update, "platform", bot.id, { name = string.rep("n", 256) }), 400,
  "400 Bad request - Name is too long (maximum is 255 characters)", "update: a name over 255 characters")
t.is_error(t.call_err(service_accounts.update, "platform", bot.id, { name = "  " }), 400,
  "400 Bad request - Name can't be blank", "update: a blank name")
t.eq(t.call_ok(service_accounts.update, "platform", bot.id, { name = string.rep("n", 255) }).name, string.rep("n", 255),
  "update: a name of 255 characters")
t.call_ok(service_accounts.update, "platform", bot.id, { name = "Deploy bot" })
t.is_unknown_option(t.call_err(service_accounts.create, "platform", { email = "x@example.com" }), "email", { "name", "username" },
  "create: an unknown option")
t.is_argument_error(t.call_err(service_accounts.create, false), "bad argument #1 to 'service_accounts.create' (id: id or full path expected, got boolean)",
  "create: a boolean group")
local accounts = t.call_ok(service_accounts.list, "platform", { order_by = "id", sort = "asc" })
t.eq(#accounts, 2, "list: both accounts")
t.eq(accounts[1].id, bot.id, "list: by id, ascending")
t.eq(t.call_ok_as("alice", service_accounts.list, "platform", { sort = "desc" })[1].id, generated.id, "list: descending, as an owner")
t.is_error(t.call_err_as("dev", service_accounts.list, "platform"), 403, "403 Forbidden", "list: owners only")
t.is_error(t.call_err(service_accounts.list, "platform", { order_by = "name" }), 400, "order_by does not have a valid value", "list: an unknown order")
local renamed = t.call_ok(service_accounts.update, "platform", bot.id, { name = "Deployer" })
t.eq(renamed.name, "Deployer", "update: name")
t.is_error(t.call_err(service_accounts.update, "platform", bot.id, { username = generated.username }), 400,
  "400 Bad request - Username has already been taken", "update: a taken username")
t.is_error(t.call_err(service_accounts.update, "platform", alice.id, { name = "x" }), 400, "400 Bad request - User is not of type Service Account",
  "update: not a service account")

local function in_days(n) return os.date("!%Y-%m-%d", os.time() + n * 86400) end
local token = t.call_ok(service_accounts.create_token, "platform", bot.id, { name = "ci", scopes = { "api", "read_repository" }, expires_at = in_days(30) })
t.ok(type(token.token) == "string" and token.token:find("^glpat%-") ~= nil, "create_token: the token value, once")
t.eq(token.name, "ci", "create_token: name")
t.eq(table.concat(token.scopes, ","), "api,read_repository", "create_token: scopes")
t.eq(token.active, true, "create_token: active")
t.eq(token.expires_at, in_days(30), "create_token: expires_at")
t.eq(token.user_id, bot.id, "create_token: user_id")
t.is_error(t.call_err(service_accounts.create_token, "platform", bot.id, { name = "x", scopes = { "everything" } }), 400,
  "scopes does not have a valid value", "create_token: an unknown scope")
t.is_error(t.call_err(service_accounts.create_token, "platform", bot.id, { scopes = { "api" } }), 400, "name is missing", "create_token: no name")
t.is_error(t.call_err(service_accounts.create_token, "platform", bot.id, { name = "x", scopes = { "api" }, expires_at = "2000-01-01" }), 422,
  "Expires at must be in the future", "create_token: an expiry in the past")
t.is_error_like(t.call_err(service_accounts.create_token, "platform", bot.id, { name = "x", scopes = { "api" }, expires_at = in_days(400) }), 422,
  "Expiration date must be before ", "create_token: beyond the maximum lifetime (365 days)")
local tokens = t.call_ok(service_accounts.list_tokens, "platform", bot.id)
t.eq(#tokens == 1 and tokens[1].id, token.id, "list_tokens: the token")
t.eq(tokens[1].token, nil, "list_tokens: without its value")
t.is_error(t.call_err(service_accounts.list_tokens, "platform", 999999), 404, "404 User Not Found", "list_tokens: an unknown user")
t.is_error(t.call_err_as("dev", service_accounts.list_tokens, "platform", bot.id), 403, "403 Forbidden", "list_tokens: owners only")
local rotated = t.call_ok(service_accounts.rotate_token, "platform", bot.id, token.id, { expires_at = in_days(60) })
t.ok(rotated.id ~= token.id and rotated.token ~= token.token and rotated.token:find("^glpat%-") ~= nil, "rotate_token: a new token")
t.eq(rotated.name, "ci", "rotate_token: same name")
t.eq(rotated.expires_at, in_days(60), "rotate_token: the new expiry")
local after = service_accounts.list_tokens("platform", bot.id):all()
t.eq(after[1].revoked, true, "rotate_token: the old token is revoked")
t.is_error(t.call_err(service_accounts.rotate_token, "platform", bot.id, token.id), 400, "400 Bad request - Token already revoked",
  "rotate_token: a revoked token")
t.is_error(t.call_err(service_accounts.rotate_token, "platform", bot.id, 999999), 404, "404 Personal Access Token Not Found",
  "rotate_token: an unknown token")
t.eq(t.call_ok(service_accounts.revoke_token, "platform", bot.id, rotated.id), nil, "revoke_token: no value (204)")
t.eq(service_accounts.list_tokens("platform", bot.id):all()[2].active, false, "revoke_token: no longer active")
t.is_error(t.call_err(service_accounts.revoke_token, "platform", bot.id, 999999), 404, "404 Personal Access Token Not Found",
  "revoke_token: an unknown token")
t.is_argument_error(t.call_err(service_accounts.revoke_token, "platform", bot.id, false),
  "bad argument #3 to 'service_accounts.revoke_token' (number expected, got boolean)", "revoke_token: a boolean token id")
t.eq(t.call_ok(service_accounts.delete, "platform", generated.id), nil, "delete: no value (204)")
t.is_error(t.call_err(users.get, generated.id), 404, "404 User Not Found", "delete: the user is gone")
t.is_error(t.call_err(service_accounts.delete, "platform", generated.id), 404, "404 User Not Found", "delete: twice")
t.is_error(t.call_err_as("alice", service_accounts.delete, "platform", bot.id), 400,
  "400 Bad request - User does not have permission to create a service account in this namespace.",
  "delete: an owner only when the instance allows it")

-- security.update and security.get_project
local one = projects.create { name = "One", path = "one", namespace_id = platform.id }
local two = projects.create { name = "Two", path = "two", namespace_id = api.id }
local elsewhere = projects.create { name = "Else", path = "else", namespace_id = groups.create { name = "Other", path = "other" }.id }
local result = t.call_ok(security.update, "platform", { secret_push_protection_enabled = true, projects_to_exclude = { two.id, elsewhere.id } })
t.eq(result.secret_push_protection_enabled, true, "security.update: enabled")
t.eq(#result.errors == 1 and result.errors[1], "Project with id " .. elsewhere.id .. " does not belong to group platform",
  "security.update: a foreign project is reported")
t.eq(t.call_ok(security.get_project, one.id).secret_push_protection_enabled, true, "security.get_project: enabled for a project of the group")
t.eq(t.call_ok_as("dev", security.get_project, "platform/api/two").secret_push_protection_enabled, false,
  "security.get_project: an excluded project, as a Developer")
t.eq(security.get_project(elsewhere.id).secret_push_protection_enabled, false, "security.update: other groups untouched")
t.is_error(t.call_err_as("dev", security.update, "platform", { secret_push_protection_enabled = false }), 401, "401 Unauthorized",
  "security.update: a Developer is 401")
t.is_error(t.call_err(security.update, "platform", {}), 400, "secret_push_protection_enabled is missing", "security.update: no flag")
t.is_error(t.call_err(security.update, "platform", { secret_push_protection_enabled = true, projects_to_exclude = { "one" } }), 400,
  "projects_to_exclude is invalid", "security.update: project names instead of ids")
t.is_unknown_option(t.call_err(security.update, "platform", { enabled = true }), "enabled",
  { "secret_push_protection_enabled", "projects_to_exclude" }, "security.update: an unknown option")
t.is_argument_error(t.call_err(security.update, nil, { secret_push_protection_enabled = true }),
  "bad argument #1 to 'security.update' (id: id or full path expected, got nil)", "security.update: a nil group")
t.is_error(t.call_err_as("alice", security.get_project, elsewhere.id), 404, "404 Project Not Found",
  "security.get_project: a private project of another group")
t.is_error(t.call_err(security.get_project, "platform/nope"), 404, "404 Project Not Found", "security.get_project: an unknown project")

t.finish()
