-- Every binding is tested: each module table of a running grove (the standard
-- Lua libraries aside) is claimed by exactly one Tests/lua/test_bindings_*.lua,
-- and each of those checks, function by function, that it ran a success case
-- and an error case of every function of its modules (t.check_coverage). A new
-- module, or a new function in a claimed module, fails the suite until tested.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"

-- The claims: each binding test prints its modules when run with --modules.
local owner = {}
local files = t.capture("ls " .. t.shell_quote(dir) .. " 2>/dev/null")
local count = 0
for file in files:gmatch("[^\n]+") do
  if file:match("^test_bindings_.*%.lua$") and file ~= "test_bindings_coverage.lua" then
    count = count + 1
    local claimed = t.capture(t.shell_quote(t.grove()) .. " " .. t.shell_quote(dir .. "/" .. file) .. " --modules 2>&1")
    local n = 0
    for module in claimed:gmatch("[^\n]+") do
      n = n + 1
      t.ok(owner[module] == nil, module .. " is claimed by " .. file .. (owner[module] and " and by " .. owner[module] or " only"))
      owner[module] = file
    end
    t.ok(n > 0, file .. " claims modules: " .. claimed:gsub("\n", " "))
  end
end
t.ok(count >= 5, count .. " binding test files found in " .. dir)

-- The module tables of this grove, each with at least one binding function.
local modules = {}
for name, tbl in pairs(t.module_tables()) do
  if #t.binding_functions(name, tbl) > 0 then modules[#modules + 1] = name end
end
table.sort(modules)
t.ok(#modules >= 20, #modules .. " modules with bindings: " .. table.concat(modules, " "))
local present = {}
for _, name in ipairs(modules) do
  present[name] = true
  t.ok(owner[name] ~= nil, name .. " is tested by " .. tostring(owner[name]))
end
local claimed = {}
for name in pairs(owner) do claimed[#claimed + 1] = name end
table.sort(claimed)
for _, name in ipairs(claimed) do
  t.ok(present[name], owner[name] .. " claims " .. name .. ", a module of this grove")
end

-- The check can fail: a function without cases is reported until it has both.
_G.coverage_example = { f = function(x) if x == nil then error("x expected") end return x end }
t.eq(table.concat(t.uncovered { "coverage_example" }, "; "), "coverage_example.f (no success and no error case)",
  "uncovered: a function never called")
t.eq(t.call_ok(coverage_example.f, 1), 1, "coverage_example.f: a success case")
t.eq(table.concat(t.uncovered { "coverage_example" }, "; "), "coverage_example.f (no error case)", "uncovered: a success case only")
t.is_argument_error(t.call_err(coverage_example.f), "x expected", "coverage_example.f: an error case")
t.eq(#t.uncovered { "coverage_example" }, 0, "uncovered: nothing once both ran")
t.eq(table.concat(t.uncovered { "no_such_module" }, "; "), "no_such_module (no such module)", "uncovered: a missing module")
_G.coverage_example = nil

t.done()
