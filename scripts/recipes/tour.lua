#!/usr/bin/env grove
--[[ tour.lua - a first walk through Grove.

Purpose:   shows what a Grove script has at hand: the embedded store it runs
           against, Grove's pretty-printer, JSON nulls (grove.null), structured
           errors caught with pcall, and help(). (The group bindings join this
           tour as they land.)
Arguments: none.
Example:   ./scripts/grove run scripts/recipes/tour.lua
           grove --memory scripts/recipes/tour.lua
]]

local inspect = require "grove.inspect"

local function section(title) print(("\n== %s =="):format(title)) end

section("Store")
print(("This run uses %s."):format(grove.store.memory and "a throw-away in-memory store"
  or ("the embedded store at " .. grove.store.path)))

section("A sample organisation, pretty-printed")
local organisation = {
  { full_path = "platform", visibility = "internal", description = grove.null,
    subgroups = { { full_path = "platform/api", projects = { "gateway", "auth" } },
                  { full_path = "platform/web", projects = { "portal" } } } },
  { full_path = "data", visibility = "private", description = "Analytics",
    subgroups = {} },
}
print(inspect(organisation))

section("JSON nulls survive as grove.null")
for _, group in ipairs(organisation) do
  local description = group.description == grove.null and "(null)" or group.description
  print(("%-10s description: %s"):format(group.full_path, description))
end

section("Errors are values with a status")
local ok, err = pcall(function()
  error(grove.error { status = 404, message = "404 Group Not Found", ["function"] = "groups.get" })
end)
print("caught:", ok == false and tostring(err), "status:", err.status)

section("Help")
help()
