#!/usr/bin/env grove
--[[ rotate-tokens.lua - rotate service-account tokens that expire soon.

Purpose:   finds every active personal access token of every service account of
           every top-level group that expires within DAYS days (or has already
           expired but is not revoked), rotates it, and appends the new token
           value to OUTFILE - created with mode 0600 - as a `group user
           token-name token` line the moment it is issued, so a run that stops
           part-way (an error, Ctrl-C) keeps every value it rotated. OUTFILE is
           never emptied: use a new file for each run. Only token names are
           printed; values go to the file only. The new tokens expire DAYS + 7
           days from today (after the window, so a second run with the same DAYS
           rotates nothing), or on --expires-at. A dry run or a plan writes no
           OUTFILE (its tokens never exist) and says so.
Arguments: DAYS     rotate tokens expiring within this many days
           OUTFILE  where the new token values are appended (mode 0600)
           --expires-at YYYY-MM-DD   expiry of the new tokens (default: DAYS + 7
                    days from today); must be after the window
Example:   grove run scripts/recipes/rotate-tokens.lua 14 new-tokens.txt
           grove run --dry-run scripts/recipes/rotate-tokens.lua 30 new-tokens.txt
]]

local recipe = require "grove.recipe"
local opts = recipe.options({...}, {values = {"expires_at"}, positionals = 2},
  "DAYS OUTFILE [--expires-at YYYY-MM-DD]")
local days = math.tointeger(tonumber(opts[1]))
if not days or days < 0 then recipe.fail("DAYS must be a whole number of days, not " .. ("%q"):format(opts[1])) end
local outfile = opts[2]

-- Tokens expiring on or before the horizon are rotated; the new ones must expire after
-- it, or the next run with the same DAYS would rotate them again.
local function day(offset) return os.date("!%Y-%m-%d", os.time() + offset * 86400) end
local horizon = day(days)
local expires_at = opts.expires_at or day(days + 7)
if opts.expires_at then
  local y, m, d = opts.expires_at:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  local noon = y and os.time{year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12}
  if not noon or os.date("%Y-%m-%d", noon) ~= opts.expires_at then
    recipe.fail(("--expires-at: %q is not a date (YYYY-MM-DD)"):format(opts.expires_at))
  end
  if opts.expires_at <= horizon then
    recipe.fail(("--expires-at: %s is within the %d-day window (up to %s): the next run would rotate the tokens"
      .. " again; give a later date"):format(opts.expires_at, days, horizon))
  end
end

-- The file exists (mode 0600) and is writable before the first token is rotated.
grove.append_secret_file(outfile, "")

local rotated = 0
for group in groups.list{top_level_only = true, all_available = true, order_by = "path"} do
  for account in service_accounts.list(group.id) do
    for token in service_accounts.list_tokens(group.id, account.id) do
      local expires = token.expires_at
      if not token.revoked and expires ~= grove.null and expires <= horizon then
        local new = service_accounts.rotate_token(group.id, account.id, token.id, {expires_at = expires_at})
        local line = ("%s %s %s %s\n"):format(group.full_path, account.username, new.name, new.token)
        grove.append_secret_file(outfile, line)
        rotated = rotated + 1
        print(("rotated %s / %s / %s (was due %s, now %s)"):format(group.full_path, account.username,
          new.name, expires, tostring(new.expires_at)))
      end
    end
  end
end

print(("%d token%s rotated; new values in %s"):format(rotated, rotated == 1 and "" or "s", outfile))
