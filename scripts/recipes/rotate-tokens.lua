#!/usr/bin/env grove
--[[ rotate-tokens.lua - rotate service-account tokens that expire soon.

Purpose:   finds every active personal access token of every service account of
           every top-level group that expires within DAYS days (or has already
           expired but is not revoked), rotates it, and writes the new token
           values to OUTFILE - created with mode 0600 - as `group user token-name
           token` lines. Only token names are printed; values go to the file only.
Arguments: DAYS     rotate tokens expiring within this many days
           OUTFILE  where the new token values are written (mode 0600)
           --expires-at YYYY-MM-DD   expiry of the new tokens (default: GitLab's)
Example:   grove run scripts/recipes/rotate-tokens.lua 14 new-tokens.txt
           grove run --dry-run scripts/recipes/rotate-tokens.lua 30 /dev/null
]]

local recipe = require "grove.recipe"
local opts = recipe.options({...}, {values = {"expires_at"}, positionals = 2},
  "DAYS OUTFILE [--expires-at YYYY-MM-DD]")
local days = math.tointeger(tonumber(opts[1]))
if not days or days < 0 then
  io.stderr:write("rotate-tokens: DAYS must be a whole number of days\n")
  os.exit(2)
end
local horizon = os.date("!%Y-%m-%d", os.time() + days * 86400)

local lines, rotated = {}, 0
for group in groups.list{top_level_only = true, all_available = true, order_by = "path"} do
  for account in service_accounts.list(group.id) do
    for token in service_accounts.list_tokens(group.id, account.id) do
      local expires = token.expires_at
      if not token.revoked and expires ~= grove.null and expires <= horizon then
        local new = service_accounts.rotate_token(group.id, account.id, token.id, {expires_at = opts.expires_at})
        lines[#lines + 1] = ("%s %s %s %s\n"):format(group.full_path, account.username, new.name, new.token)
        rotated = rotated + 1
        print(("rotated %s / %s / %s (was due %s, now %s)"):format(group.full_path, account.username,
          new.name, expires, tostring(new.expires_at)))
      end
    end
  end
end

grove.write_secret_file(opts[2], table.concat(lines))
print(("%d token%s rotated; new values in %s"):format(rotated, rotated == 1 and "" or "s", opts[2]))
