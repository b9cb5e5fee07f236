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

return M
