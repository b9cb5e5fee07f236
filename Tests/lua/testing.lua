--- testing: the tiny helper the Tests/lua/test_*.lua files share.
--
--   local dir = arg[0]:match("^(.*)/[^/]*$") or "."
--   package.path = dir .. "/?.lua;" .. package.path
--   local t = require "testing"
--   t.ok(cond, "what it checks")          -- prints "ok N - what it checks"
--   t.eq(actual, expected, "what")        -- equality, both values shown on failure
--   t.fails(fn, "needle", "what")         -- fn must raise an error containing needle
--   t.done()                              -- prints "1..N"
--
-- A failure raises an error, so the script exits with status 1.

local M = { count = 0 }

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v) .. " (" .. (math.type(v) or type(v)) .. ")"
end

function M.ok(cond, message)
  M.count = M.count + 1
  assert(cond, "not ok " .. M.count .. " - " .. message)
  print("ok " .. M.count .. " - " .. message)
end

function M.eq(actual, expected, message)
  local same = actual == expected and math.type(actual) == math.type(expected)
  M.ok(same, message .. (same and "" or "\n  expected: " .. show(expected) .. "\n  actual:   " .. show(actual)))
end

function M.fails(fn, needle, message)
  local ok, err = pcall(fn)
  local good = not ok and string.find(tostring(err), needle, 1, true) ~= nil
  if not good then
    message = message .. (ok and "\n  did not fail" or "\n  error: " .. tostring(err)) .. "\n  wanted: " .. needle
  end
  M.ok(good, message)
end

--- The grove executable running this script (the lowest negative index of arg).
function M.grove()
  local i = -1
  while arg[i - 1] do i = i - 1 end
  return arg[i]
end

--- Single-quoted for the shell.
function M.shell_quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

--- Writes text to a new temporary file and returns its name.
function M.temp_file(text)
  local name = os.tmpname()
  local f = assert(io.open(name, "w"))
  f:write(text)
  f:close()
  return name
end

--- Runs a shell command and returns everything it wrote to stdout.
function M.capture(command)
  local p = assert(io.popen(command, "r"))
  local out = p:read("a")
  p:close()
  return out
end

function M.done()
  print("1.." .. M.count)
end

-- Binding tests (Tests/lua/test_bindings_*.lua) -----------------------------
--
--   t.in_temporary_store{"groups", "groups.custom_attributes"}
--   -- from here on the script runs in a child `grove --db <temporary file>`
--   local g = t.call_ok(groups.create, {name = "Platform", path = "platform"})
--   t.is_error(t.call_err(groups.get, "nope"), 404, "404 Group Not Found", "an unknown group")
--   t.is_error(t.call_err_as("guest", groups.update, g.id, {name = "x"}), 403, "403 Forbidden", "a guest")
--   t.check_coverage()                   -- every function of those modules had both
--   t.done()

--- Functions of module tables that are not bindings of Grove's operations, so the
--- coverage checks leave them out: Lua-side helpers without an error path.
M.not_bindings = {
  ["grove.clock"] = "monotonic clock of the Lua state (GroveLua), takes no arguments and cannot fail",
  ["grove.error"] = "constructor of error values (the Lua prelude), cannot fail",
  ["grove.iserror"] = "predicate on error values (the Lua prelude), cannot fail",
  ["grove.is_bad_request"] = "predicate on error values (the Lua prelude), cannot fail",
  ["grove.is_unauthorized"] = "predicate on error values (the Lua prelude), cannot fail",
  ["grove.is_forbidden"] = "predicate on error values (the Lua prelude), cannot fail",
  ["grove.is_not_found"] = "predicate on error values (the Lua prelude), cannot fail",
  ["grove.is_conflict"] = "predicate on error values (the Lua prelude), cannot fail",
  ["grove.is_unprocessable"] = "predicate on error values (the Lua prelude), cannot fail",
  ["grove.is_rate_limited"] = "predicate on error values (the Lua prelude), cannot fail",
  ["grove.backend"] = "the name of the session's backend (SessionBindings), takes no arguments and cannot fail",
}

local standard_globals = {
  _G = true, package = true, string = true, table = true, math = true, io = true,
  os = true, coroutine = true, utf8 = true, debug = true, arg = true,
}

--- Every module table reachable from the globals (standard libraries left out),
--- name -> table, nested ones as "groups.custom_attributes".
function M.module_tables()
  local found, seen = {}, {}
  local function walk(name, t)
    if seen[t] then return end
    seen[t] = true
    local has_function = false
    for k, v in pairs(t) do
      if type(v) == "function" then has_function = true end
      if type(k) == "string" and type(v) == "table" then walk(name .. "." .. k, v) end
    end
    if has_function then found[name] = t end
  end
  for k, v in pairs(_G) do
    if type(k) == "string" and type(v) == "table" and not standard_globals[k] then walk(k, v) end
  end
  return found
end

--- Sorted names of the functions in a module table ("groups.get" ...), without
--- those in M.not_bindings.
function M.binding_functions(module, t)
  local names = {}
  for k, v in pairs(t) do
    local name = module .. "." .. tostring(k)
    if type(v) == "function" and not M.not_bindings[name] then names[#names + 1] = name end
  end
  table.sort(names)
  return names
end

-- The value of a dotted global name ("groups.custom_attributes"), nil when absent.
local function lookup(name)
  local ok, value = pcall(load("return " .. name, "=lookup", "t", _G))
  return ok and value or nil
end

M.claimed_modules = {}
M.succeeded, M.refused = {}, {}

local function is_iterator(v)
  return type(v) == "userdata" and tostring(v):find("^grove%.iterator") ~= nil
end

-- fn's results, a grove.iterator read to its end into a list (so that errors of
-- lazy lists happen inside the call).
local function drained(...)
  local results = table.pack(...)
  for i = 1, results.n do
    if is_iterator(results[i]) then results[i] = results[i]:all() end
  end
  return table.unpack(results, 1, results.n)
end

local function name_of(fn)
  for module, t in pairs(M.module_tables()) do
    for k, v in pairs(t) do
      if v == fn then return module .. "." .. tostring(k) end
    end
  end
  return tostring(fn)
end

local function invoke(user, fn, ...)
  local args = table.pack(...)
  local function run() return drained(fn(table.unpack(args, 1, args.n))) end
  if user then return table.pack(pcall(grove.as, user, run)) end
  return table.pack(pcall(run))
end

local function call_ok(user, fn, ...)
  local r = invoke(user, fn, ...)
  local what = name_of(fn) .. (user and " as " .. user or "") .. " succeeds"
  M.ok(r[1], what .. (r[1] and "" or "\n  error: " .. tostring(r[2])))
  M.succeeded[fn] = true
  return table.unpack(r, 2, r.n)
end

local function call_err(user, fn, ...)
  local r = invoke(user, fn, ...)
  local what = name_of(fn) .. (user and " as " .. user or "") .. " fails"
  M.ok(not r[1], what .. (r[1] and "\n  did not fail" or ""))
  M.refused[fn] = true
  return r[2]
end

--- fn(...) must succeed (a check); its results are returned, a lazy list as a
--- list of its items. Records a success case for fn.
function M.call_ok(fn, ...) return call_ok(nil, fn, ...) end
--- The same, run as that user with grove.as.
function M.call_ok_as(user, fn, ...) return call_ok(user, fn, ...) end
--- fn(...) must raise (a check); the error value is returned. Records an error case for fn.
function M.call_err(fn, ...) return call_err(nil, fn, ...) end
--- The same, run as that user with grove.as.
function M.call_err_as(user, fn, ...) return call_err(user, fn, ...) end

--- err is a Grove error value with that status and exactly that message.
function M.is_error(err, status, message, what)
  local good = grove.iserror(err) and err.status == status and err.message == message
  M.ok(good, what .. (good and "" or "\n  expected: " .. status .. " " .. string.format("%q", message)
    .. "\n  actual:   " .. tostring(err) .. (grove.iserror(err) and " (status " .. tostring(err.status)
    .. ", message " .. string.format("%q", tostring(err.message)) .. ")" or " (" .. type(err) .. ")")))
end

--- err is a Grove error value with that status whose message contains needle.
function M.is_error_like(err, status, needle, what)
  local good = grove.iserror(err) and err.status == status and string.find(err.message, needle, 1, true) ~= nil
  M.ok(good, what .. (good and "" or "\n  wanted: " .. status .. " ..." .. needle .. "...\n  actual: " .. tostring(err)))
end

--- err is a Lua argument error (a string) containing needle.
function M.is_argument_error(err, needle, what)
  local good = type(err) == "string" and string.find(err, needle, 1, true) ~= nil
  M.ok(good, what .. (good and "" or "\n  wanted: " .. needle .. "\n  actual: " .. tostring(err) .. " (" .. type(err) .. ")"))
end

-- The positional arguments of a binding function, from its help signature:
-- "branches.protect(id, {options})" -> {"id"}.
local function positional_arguments(fn)
  local info = debug.getregistry()["grove.help"][fn]
  local names = {}
  for name in ((info and info.signature or ""):match("%((.*)%)") or ""):gmatch("[^, ]+") do
    if not name:find("^[{%[]") then names[#names + 1] = name end
  end
  return names
end

--- err is the 400 of an unknown option, raised in the name of the Lua function
--- called (a binding, not a core operation): "branches.protect: 400 unknown option
--- colour; accepted: name, ..." (with "did you mean X?" before "accepted" when a name is
--- near). The list holds every name of `accepted` and none
--- of the function's positional arguments; `accepted` {} means the function takes
--- no options ("unknown option now; takes no options").
function M.is_unknown_option(err, option, accepted, what)
  local fn = grove.iserror(err) and rawget(err, "function")
  local binding = type(fn) == "string" and lookup(fn) or nil
  local good = grove.iserror(err) and err.status == 400 and type(binding) == "function"
    and string.find(err.message, "unknown option " .. option .. ";", 1, true) == 1
  -- "unknown option paht; did you mean path? accepted: ..." names the nearest first.
  local list = grove.iserror(err) and err.message:match("[;?] accepted: (.*)$")
  local names = {}
  for name in (list or ""):gmatch("[^, ]+") do names[name] = true end
  if #accepted == 0 then
    good = good and err.message:sub(-#"; takes no options") == "; takes no options"
  else
    good = good and list ~= nil
  end
  for _, name in ipairs(accepted) do good = good and names[name] == true end
  for _, name in ipairs(type(binding) == "function" and positional_arguments(binding) or {}) do
    good = good and not names[name]
  end
  M.ok(good, what .. (good and "" or "\n  wanted the option " .. option .. " refused by a binding, accepted listing "
    .. table.concat(accepted, ", ") .. " and no positional argument\n  actual: " .. tostring(err)))
end

-- {name, missing} for every binding function of a module; missing names the
-- kinds of case (success, error) not recorded for it; nil for no such module.
local function coverage_of(module)
  local t = lookup(module)
  if type(t) ~= "table" then return nil end
  local out = {}
  for _, name in ipairs(M.binding_functions(module, t)) do
    local fn = lookup(name)
    local missing = {}
    if not M.succeeded[fn] then missing[#missing + 1] = "success" end
    if not M.refused[fn] then missing[#missing + 1] = "error" end
    out[#out + 1] = { name = name, missing = missing }
  end
  return out
end

--- "name (no success and no error case)" for every binding function of these
--- modules that lacks a case so far.
function M.uncovered(modules)
  local out = {}
  for _, module in ipairs(modules) do
    local functions = coverage_of(module)
    if not functions then out[#out + 1] = module .. " (no such module)" end
    for _, f in ipairs(functions or {}) do
      if #f.missing > 0 then out[#out + 1] = f.name .. " (no " .. table.concat(f.missing, " and no ") .. " case)" end
    end
  end
  return out
end

--- Every binding function of the claimed modules had a success case (t.call_ok)
--- and an error case (t.call_err): one check per function.
function M.check_coverage()
  for _, module in ipairs(M.claimed_modules) do
    local functions = coverage_of(module)
    M.ok(functions ~= nil, "module " .. module .. " exists")
    for _, f in ipairs(functions) do
      M.ok(#f.missing == 0, f.name .. " has a success case and an error case"
        .. (#f.missing == 0 and "" or "\n  no " .. table.concat(f.missing, " and no ") .. " case in " .. arg[0]))
    end
  end
end

--- Runs this script again as `grove --db <temporary file> <script> --temporary-store`,
--- relays its checks, checks the store it left, removes the store and exits. In
--- that child it returns, and the script goes on against the empty temporary store.
--- `modules` are the module tables the script covers (see t.check_coverage);
--- with the argument `--modules` the script only prints them.
function M.in_temporary_store(modules)
  M.claimed_modules = modules
  if arg[1] == "--modules" then
    for _, m in ipairs(modules) do print(m) end
    os.exit(0)
  end
  if arg[1] == "--temporary-store" then
    M.remote = grove.backend() ~= "embedded"
    if M.remote then
      M.ok(grove.store.url == grove.backend(), "the child talks to grove serve over the temporary file at " .. grove.backend())
    else
      M.ok(grove.store.memory == false and grove.store.path == arg[2], "the store is the temporary file " .. arg[2])
    end
    return
  end
  local db, stderr = os.tmpname(), os.tmpname()
  local server
  local connection = " --db " .. M.shell_quote(db)
  if M.backend == "remote" then
    server = M.serve(db)
    connection = " --url " .. server.url
  end
  local command = (server and "GITLAB_TOKEN=" .. server.token .. " " or "") .. M.shell_quote(M.grove()) .. connection
    .. " " .. M.shell_quote(arg[0]) .. " --temporary-store " .. M.shell_quote(db) .. " 2>" .. M.shell_quote(stderr)
  local child = assert(io.popen(command, "r"))
  local last, groups_line
  for line in child:lines() do
    if line:match("^1%.%.%d+$") then
      last = line
    else
      if line:match("^ok %d+") then M.count = M.count + 1 end
      if line:match("^# groups in the store: %d+$") then groups_line = line end
      print(line)
    end
  end
  local exited, _, status = child:close()
  if server then server.stop() end
  local f = io.open(stderr, "r")
  local errors = f and f:read("a") or ""
  if f then f:close() end
  os.remove(stderr)
  local finished = exited and status == 0 and last ~= nil
  -- What the child left is in the file: a new grove process reads it back.
  local reread = M.capture(M.shell_quote(M.grove()) .. " --db " .. M.shell_quote(db)
    .. [[ -e 'print("# groups in the store: " .. groups.list():count())' 2>&1]])
  for _, suffix in ipairs{ "", "-wal", "-shm", "-journal" } do os.remove(db .. suffix) end
  M.ok(finished, "the child grove --db " .. db .. " ran to its end"
    .. (finished and "" or "\n  exit status: " .. tostring(status) .. "\n  stderr:\n" .. errors))
  M.ok(groups_line ~= nil and reread == groups_line .. "\n", "the temporary store kept what the child wrote: "
    .. tostring(groups_line) .. " / " .. reread:gsub("\n$", ""))
  M.ok(io.open(db, "r") == nil, "the temporary store is removed")
  M.done()
  os.exit(0)
end

--- Which backend the binding tests' children use: "embedded" (`grove --db FILE`) or
--- "remote" (`grove --url` to a `grove serve --db FILE` this process starts on
--- 127.0.0.1), from GROVE_TEST_BACKEND. The same checks run on both: a difference is
--- a bug in the remote backend or in the server. In the child, `t.remote` is true on
--- the remote backend, for what GitLab's API cannot do (transactions, dry runs).
M.backend = os.getenv("GROVE_TEST_BACKEND") or "embedded"

--- Starts `grove serve --db db` on a free port of 127.0.0.1 with a fresh administrator
--- token (scopes api and sudo): {url =, token =, stop = function}.
function M.serve(db)
  local grove = M.shell_quote(M.grove())
  local token = M.capture(grove .. " admin token --db " .. M.shell_quote(db) .. " --scopes api,sudo"):gsub("%s+$", "")
  assert(token:match("^glpat%-"), "grove admin token gave no token: " .. token)
  local log = os.tmpname()
  local pid = M.capture("sh -c " .. M.shell_quote(grove .. " serve --quiet --failed-auth-limit 0 --port 0 --db " .. M.shell_quote(db)
    .. " >" .. M.shell_quote(log) .. " 2>&1 & echo $!")):gsub("%s+$", "")
  local url
  for _ = 1, 300 do
    local f = io.open(log, "r")
    local text = f and f:read("a") or ""
    if f then f:close() end
    url = text:match("listening on (http://127%.0%.0%.1:%d+)/api/v4")
    if url then break end
    os.execute("sleep 0.05")
  end
  assert(url, "grove serve did not start")
  return {
    url = url, token = token,
    stop = function()
      os.execute("kill " .. pid .. " 2>/dev/null; while kill -0 " .. pid .. " 2>/dev/null; do sleep 0.05; done")
      os.remove(log)
    end,
  }
end

--- The child's last line before t.done(): how many groups it left in the store.
function M.report_store()
  print("# groups in the store: " .. groups.list():count())
end

--- The end of a binding test's child: coverage, the store line, the plan.
function M.finish()
  M.check_coverage()
  M.report_store()
  M.done()
end

return M
