-- grove.progress: frames on a terminal, silence otherwise.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"
local progress = require "grove.progress"

-- A file-like sink that records what is written.
local function sink()
  local s = { parts = {} }
  function s:write(...)
    for _, part in ipairs({ ... }) do self.parts[#self.parts + 1] = part end
    return self
  end
  function s:flush() return self end
  function s:text() return table.concat(self.parts) end
  return s
end

local function frames(text)
  local list = {}
  for frame in text:gmatch("\r([^\r]*)") do list[#list + 1] = frame end
  return list
end

-- In-process, with the terminal detection overridden.
local out = sink()
local bar = progress.new { total = 3, label = "groups", enabled = true, file = out }
bar:tick()
local first = frames(out:text())
t.eq(#first, 1, "the first tick draws a frame")
t.ok(first[1]:find("^groups 1/3  33%% %[#######%.............%] ") ~= nil, "frame: label, count/total, percentage, bar: " .. first[1])
t.ok(first[1]:find("/s") ~= nil, "frame shows a rate")
bar:tick(2)
t.eq(bar.count, 3, "tick(n) adds n")
bar:finish()
local text = out:text()
t.eq(text:sub(-1), "\n", "finish ends the line")
local all = frames(text)
t.ok(all[#all]:find("^groups 3/3 100%% %[####################%] [%d./s ]*in 0:0%d") ~= nil,
  "final frame: full bar, rate and elapsed time: " .. all[#all])
local length = #text
bar:finish()
bar:tick()
t.eq(#out:text(), length, "finish happens once; ticks after it draw nothing")

-- Redraws are throttled to about ten a second.
out = sink()
bar = progress.new { total = 100000, label = "many", enabled = true, file = out }
local started_time, started_cpu = os.time(), os.clock()
for _ = 1, 100000 do bar:tick() end
local seconds = math.max(os.time() - started_time + 1, os.clock() - started_cpu)
local drawn = #frames(out:text())
t.ok(drawn >= 1 and drawn <= 2 + seconds * 11, string.format("%d frames for 100000 ticks in at most %g s", drawn, seconds))
t.eq(bar.count, 100000, "every tick counted")

-- Unknown total: count and rate only.
out = sink()
bar = progress.new { label = "users", enabled = true, file = out }
bar:tick(5)
bar:finish()
all = frames(out:text())
t.ok(all[1]:find("^users 5 ") ~= nil and not all[1]:find("%%") and not all[1]:find("%["), "no total: no percentage, no bar: " .. all[1])
t.ok(all[#all]:find("^users 5 [%d./s ]*in 0:0%d") ~= nil, "no total: final frame with elapsed time: " .. all[#all])

-- A shorter frame blanks out the rest of a longer one.
out = sink()
bar = progress.new { total = 10, label = "x", enabled = true, file = out }
bar.last_length = 200
bar:finish()
all = frames(out:text())
t.eq(#all[1], 201, "the final frame is padded over the previous one (plus the newline)")

-- Disabled bars write nothing.
out = sink()
bar = progress.new { total = 2, label = "quiet", enabled = false, file = out }
bar:tick() bar:tick() bar:finish()
t.eq(out:text(), "", "a disabled bar writes nothing")
t.eq(bar.count, 2, "a disabled bar still counts")

-- progress.wrap: lists, iterators, break.
out = sink()
local seen = {}
for item in progress.wrap({ "a", "b", "c" }, { label = "list", enabled = true, file = out }) do seen[#seen + 1] = item end
t.eq(table.concat(seen), "abc", "wrap yields a list's items")
all = frames(out:text())
t.ok(all[#all]:find("^list 3/3 100%%") ~= nil, "wrap: total from the list, every item counted: " .. all[#all])
t.eq(out:text():sub(-1), "\n", "wrap finishes at the end")

out = sink()
local n = 0
local function numbers() n = n + 1 if n <= 4 then return n, n * 10 end end
local sum = 0
for a, b in progress.wrap(numbers, { label = "iter", enabled = true, file = out }) do sum = sum + a + b end
t.eq(sum, 110, "wrap passes every value an iterator returns")
all = frames(out:text())
t.ok(all[#all]:find("^iter 4 ") ~= nil, "wrap over an iterator: unknown total: " .. all[#all])

out = sink()
for item in progress.wrap({ 1, 2, 3, 4, 5 }, { label = "early", enabled = true, file = out }) do
  if item == 3 then break end
end
all = frames(out:text())
t.ok(all[#all]:find("^early 2/5  40%%") ~= nil and out:text():sub(-1) == "\n", "break finishes the bar: " .. all[#all])

out = sink()
local ok = pcall(function()
  for item in progress.wrap({ 1, 2 }, { label = "boom", enabled = true, file = out }) do error("stop " .. item) end
end)
t.ok(not ok and out:text():sub(-1) == "\n", "an error in the loop finishes the bar")

-- The real thing, in child processes.
local child = t.temp_file([[
package.path = ... .. "/?.lua;" .. package.path
local progress = require "grove.progress"
local bar = progress.new { total = 3, label = "groups" }
for _ = 1, 3 do bar:tick() end
bar:finish()
io.write("done\n")
]])
local grove_cmd = t.shell_quote(t.grove()) .. " " .. t.shell_quote(child) .. " " .. t.shell_quote(dir)
local errors = os.tmpname()

local stdout = t.capture("env -u GROVE_PROGRESS TERM=xterm " .. grove_cmd .. " 2>" .. errors)
local f = assert(io.open(errors)) local err = f:read("a") f:close()
t.eq(stdout, "done\n", "stdout carries only the script's output")
t.eq(err, "", "silent when stderr is not a terminal")

err = t.capture("GROVE_PROGRESS=always " .. grove_cmd .. " 2>&1 >/dev/null")
all = frames(err)
t.ok(#all >= 2, "GROVE_PROGRESS=always draws frames on a pipe: " .. string.format("%q", err))
t.ok(all[1]:find("^groups 1/3 ") ~= nil, "the first frame has the label and the count")
t.ok(all[#all]:find("^groups 3/3 100%% ") ~= nil, "the last frame has the final count")
t.eq(err:sub(-1), "\n", "finish prints a final newline")

-- util-linux script(1), able to open a pseudo-terminal here?
local has_script = os.execute("command -v script >/dev/null 2>&1")
  and t.capture("script -qec 'echo probe' /dev/null 2>/dev/null"):find("probe") ~= nil
if has_script then
  -- script(1) gives the child a pseudo-terminal for stdin, stdout and stderr.
  local function on_terminal(env)
    return t.capture("env -u GROVE_PROGRESS " .. env .. " script -qec " .. t.shell_quote(grove_cmd) .. " /dev/null 2>&1")
  end
  local tty = on_terminal("TERM=xterm")
  t.ok(tty:find("\rgroups 3/3 100%%") ~= nil, "a terminal gets frames: " .. string.format("%q", tty))
  tty = on_terminal("TERM=xterm GROVE_PROGRESS=never")
  t.ok(not tty:find("groups") and tty:find("done") ~= nil, "GROVE_PROGRESS=never silences a terminal")
  tty = on_terminal("TERM=dumb")
  t.ok(not tty:find("groups") and tty:find("done") ~= nil, "TERM=dumb: no frames")
else
  t.ok(true, "terminal checks # skip: no util-linux script(1) or no pseudo-terminal")
end

os.remove(child)
os.remove(errors)
t.done()
