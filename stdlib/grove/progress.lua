--- grove.progress: a progress bar on stderr, only when stderr is a terminal.
--
--   local progress = require "grove.progress"
--   local bar = progress.new{total = #list, label = "groups"}
--   for _, g in ipairs(list) do work(g); bar:tick() end   -- bar:tick(n) adds n
--   bar:finish()                                          -- final frame and a newline
--
--   for g in progress.wrap(groups.list(), {label = "groups"}) do work(g) end
--
-- A frame reads `groups 42/100  42% [#########...........] 12.5/s ETA 0:05`
-- (without a total: `groups 42 12.5/s`; the last frame shows the time taken,
-- `in 0:08`, instead of the ETA). It is redrawn in place with "\r" at
-- most about ten times a second, and only when stderr is a terminal, so
-- output piped to a file stays clean. $GROVE_PROGRESS=always|never forces
-- it on or off; otherwise $TERM must be set, not "dumb", and `test -t 2` true.
--
-- progress.new(opts):
--   total   number of items, or nil when unknown (count and rate only)
--   label   text before the count (default "progress")
--   width   bar width in characters (default 20)
--   enabled true/false to override the terminal detection
--   file    where to write (default io.stderr)
-- bar.count holds the count so far. progress.wrap(list_or_iterator [, opts])
-- iterates over the items, ticking after each one and finishing at the end
-- (also when the loop is left with break or an error); a list's total is #list.
-- progress.enabled() tells whether bars are drawn by default.

local M = {}

local detected

--- progress.enabled() -> boolean: whether stderr is a terminal (or forced).
function M.enabled()
  if detected == nil then
    local force = os.getenv("GROVE_PROGRESS")
    if force == "always" then
      detected = true
    elseif force == "never" then
      detected = false
    else
      local term = os.getenv("TERM")
      -- os.execute's shell inherits our fd 2, so `test -t 2` asks about our stderr.
      detected = term ~= nil and term ~= "" and term ~= "dumb" and os.execute("test -t 2") == true
    end
  end
  return detected
end

-- Elapsed wall time: Grove's monotonic grove.clock() where there is one; else
-- os.time (whole seconds) and os.clock (CPU time in fine steps), whichever moved more.
local monotonic = type(grove) == "table" and grove.clock or nil

local function clock_origin()
  if monotonic then return { mono = monotonic() } end
  return { time = os.time(), cpu = os.clock() }
end

local function elapsed(origin)
  if origin.mono then return math.max(monotonic() - origin.mono, 0) end
  return math.max(os.time() - origin.time, os.clock() - origin.cpu, 0)
end

local function duration(seconds)
  seconds = math.floor(seconds + 0.5)
  local h, m, s = seconds // 3600, seconds // 60 % 60, seconds % 60
  if h > 0 then return string.format("%d:%02d:%02d", h, m, s) end
  return string.format("%d:%02d", m, s)
end

local Bar = {}
Bar.__index = Bar

--- progress.new{total = N, label = "groups"} -> bar
function M.new(opts)
  opts = opts or {}
  local enabled = opts.enabled
  if enabled == nil then enabled = M.enabled() end
  return setmetatable({
    count = 0,
    total = opts.total,
    label = opts.label or "progress",
    width = opts.width or 20,
    enabled = enabled,
    file = opts.file or io.stderr,
    started = clock_origin(),
    last_draw = nil,
    last_length = 0,
    finished = false,
  }, Bar)
end

--- bar:frame() -> string: the text of the current frame (without "\r").
function Bar:frame(final)
  local t = elapsed(self.started)
  -- Below a tenth of a second the rate is mostly noise.
  local rate = t >= 0.1 and self.count / t or nil
  local parts = { self.label }
  local total = self.total
  if total then
    local fraction = total > 0 and math.min(math.max(self.count / total, 0), 1) or 1
    local filled = math.floor(fraction * self.width + 0.5)
    parts[#parts + 1] = string.format("%d/%d %3d%% [%s%s]", self.count, total,
      math.floor(fraction * 100), ("#"):rep(filled), ("."):rep(self.width - filled))
  else
    parts[#parts + 1] = string.format("%d", self.count)
  end
  if rate then
    parts[#parts + 1] = string.format("%.1f/s", rate)
  elseif not final then
    parts[#parts + 1] = "-/s"
  end
  if final then
    parts[#parts + 1] = "in " .. duration(t)
  elseif total and rate and rate > 0 then
    parts[#parts + 1] = "ETA " .. duration(math.max(total - self.count, 0) / rate)
  end
  return table.concat(parts, " ")
end

function Bar:draw(final)
  local text = self:frame(final)
  local pad = math.max(self.last_length - (utf8.len(text) or #text), 0)
  self.last_length = utf8.len(text) or #text
  self.file:write("\r", text, (" "):rep(pad), final and "\n" or "")
  self.file:flush()
  self.last_draw = elapsed(self.started)
end

--- bar:tick([n]): adds n (default 1) to the count; redraws at most ~10 times a second.
function Bar:tick(n)
  self.count = self.count + (n or 1)
  if not self.enabled or self.finished then return self end
  if self.last_draw == nil or elapsed(self.started) - self.last_draw >= 0.1 then self:draw(false) end
  return self
end

--- bar:finish(): draws the last frame and ends the line (once).
function Bar:finish()
  if self.finished then return self end
  self.finished = true
  if self.enabled then self:draw(true) end
  return self
end

--- progress.wrap(list_or_iterator [, opts]) -> iterator for a generic for
function M.wrap(items, opts)
  opts = opts or {}
  local callable = require("grove.report").is_iterator(items)
  local settings = setmetatable({}, { __index = opts })
  if settings.total == nil and not callable then rawset(settings, "total", #items) end
  local bar = M.new(settings)
  local closer = setmetatable({}, { __close = function() bar:finish() end })
  local started, i, control = false, 0, nil

  local function pass(first, ...)
    if first == nil then bar:finish() end
    control = first
    return first, ...
  end

  local function step()
    if started then bar:tick() else started = true end
    if callable then return pass(items(nil, control)) end
    i = i + 1
    return pass(items[i])
  end
  return step, nil, nil, closer
end

return M
