--- grove.json: JSON encoding and decoding (RFC 8259) with stable output.
--
--   local json = require "grove.json"
--   json.encode(value [, {pretty = true, indent = "  "}])  -> string
--   json.decode(text)                                      -> value
--   json.null          -- grove.null: JSON null (Lua nil means "absent")
--   json.array(t)      -- marks t as a JSON array, so an empty t encodes as []
--   json.object(t)     -- marks t as a JSON object ({} even when empty)
--   json.empty_array   -- a read-only marked empty array: encodes as []
--
-- Encoding: object keys are sorted, so the output is deterministic. A table
-- whose keys are exactly 1..n (n > 0) is an array; an empty table is `{}`
-- unless marked with json.array (or a metatable with `__jsontype = "array"`).
-- Integers stay integers; floats are written with the fewest digits that read
-- back to the same float (at most 17), with ".0" when they would otherwise
-- look like integers. Cycles, functions, NaN/infinity, invalid UTF-8, keys
-- that are neither strings nor integers, and tables mixing integer and string
-- keys are errors naming the path: `json.encode: cannot encode function at
-- $.hooks[2].fn` (array indices are Lua's, from 1).
--
-- Decoding: `null` becomes grove.null, arrays come back marked with
-- json.array (so `[]` round-trips), numbers without fraction or exponent that
-- fit a Lua integer are integers, other numbers floats; \uXXXX escapes
-- (including surrogate pairs) become UTF-8. Errors give the position:
-- `json.decode: expected ',' or '}' at line 3 column 7`.
--
--   local t = json.decode('{"name": "api", "parent_id": null, "tags": []}')
--   t.parent_id == grove.null                   --> true
--   json.encode(t)      --> {"name":"api","parent_id":null,"tags":[]}
--   print(json.encode({a = {1, 2}}, {pretty = true}))
--   --> {
--   -->   "a": [
--   -->     1,
--   -->     2
--   -->   ]
--   --> }

local M = {}

local null = rawget(_G, "grove") and grove.null
  or setmetatable({}, { __tostring = function() return "null" end, __name = "grove.null" })
M.null = null

local array_mt = { __jsontype = "array" }
local object_mt = { __jsontype = "object" }

--- json.array(t) -> t: marks t (default a new table) as a JSON array.
function M.array(t) return setmetatable(t or {}, array_mt) end

--- json.object(t) -> t: marks t (default a new table) as a JSON object.
function M.object(t) return setmetatable(t or {}, object_mt) end

M.empty_array = setmetatable({}, {
  __jsontype = "array",
  __newindex = function() error("json.empty_array is read-only", 2) end,
})

local function json_type(t)
  local mt = getmetatable(t)
  return type(mt) == "table" and rawget(mt, "__jsontype") or nil
end

---------------------------------------------------------------------------
-- Encoding

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}
for byte = 0, 31 do
  local c = string.char(byte)
  escapes[c] = escapes[c] or string.format("\\u%04x", byte)
end

local function quote(s)
  return '"' .. s:gsub('[\0-\31"\\]', escapes) .. '"'
end

local function path_of(stack, depth)
  local parts = { "$" }
  for i = 1, depth do
    local k = stack[i]
    if math.type(k) == "integer" then
      parts[#parts + 1] = "[" .. k .. "]"
    elseif type(k) == "string" and k:match("^[%a_][%w_]*$") then
      parts[#parts + 1] = "." .. k
    elseif type(k) == "string" then
      parts[#parts + 1] = "[" .. quote(k) .. "]"
    else
      parts[#parts + 1] = "[" .. tostring(k) .. "]"
    end
  end
  return table.concat(parts)
end

local function fail(st, depth, what)
  error("json.encode: " .. what .. " at " .. path_of(st.stack, depth), 0)
end

local function format_float(x)
  local s
  for digits = 15, 17 do
    s = string.format("%." .. digits .. "g", x)
    if tonumber(s) == x then break end
  end
  if not s:find("[.eEn]") then s = s .. ".0" end   -- keep it a float when read back
  return s
end

-- Sorted keys of an object, or the length of an array; errors for anything else.
local function classify(t, st, depth)
  local kind = json_type(t)
  local strings, integers, min, max = {}, 0, math.maxinteger, 0
  for k in next, t do
    local tk = math.type(k) or type(k)
    if tk == "string" then
      if not utf8.len(k) then fail(st, depth, "cannot encode key with invalid UTF-8") end
      strings[#strings + 1] = k
    elseif tk == "integer" then
      integers = integers + 1
      if k > max then max = k end
      if k < min then min = k end
    else
      fail(st, depth, "cannot encode " .. tk .. " key " .. tostring(k))
    end
  end
  if integers > 0 and kind == "object" then fail(st, depth, "cannot encode integer key in object") end
  if integers > 0 and #strings > 0 then
    fail(st, depth, "cannot encode table mixing integer and string keys")
  end
  if integers > 0 or kind == "array" then
    if #strings > 0 then fail(st, depth, "cannot encode string key in array") end
    if integers > 0 and (min ~= 1 or max ~= integers) then
      fail(st, depth, "cannot encode sparse array (integer keys not 1.." .. integers .. ")")
    end
    return nil, integers
  end
  table.sort(strings)
  return strings
end

local encode_value

local function encode_table(t, st, depth)
  if st.seen[t] then fail(st, depth, "cannot encode cycle") end
  local keys, n = classify(t, st, depth)
  local buf = st.buf
  local open, close = "{", "}"
  if not keys then open, close = "[", "]" end
  local count = keys and #keys or n
  if count == 0 then
    buf[#buf + 1] = open .. close
    return
  end
  st.seen[t] = true
  local newline, colon = "", ":"
  if st.indent then
    newline = "\n" .. st.indent:rep(depth + 1)
    colon = ": "
  end
  buf[#buf + 1] = open
  for i = 1, count do
    if i > 1 then buf[#buf + 1] = "," end
    buf[#buf + 1] = newline
    local k = keys and keys[i] or i
    if keys then
      buf[#buf + 1] = quote(k)
      buf[#buf + 1] = colon
    end
    st.stack[depth + 1] = k
    encode_value(rawget(t, k), st, depth + 1)
  end
  if st.indent then buf[#buf + 1] = "\n" .. st.indent:rep(depth) end
  buf[#buf + 1] = close
  st.seen[t] = nil
end

function encode_value(v, st, depth)
  local tv = type(v)
  local buf = st.buf
  if tv == "string" then
    if not utf8.len(v) then fail(st, depth, "cannot encode string with invalid UTF-8") end
    buf[#buf + 1] = quote(v)
  elseif tv == "number" then
    if math.type(v) == "integer" then
      buf[#buf + 1] = string.format("%d", v)
    elseif v ~= v then
      fail(st, depth, "cannot encode nan")
    elseif v == math.huge or v == -math.huge then
      fail(st, depth, "cannot encode " .. (v > 0 and "inf" or "-inf"))
    else
      buf[#buf + 1] = format_float(v)
    end
  elseif tv == "boolean" then
    buf[#buf + 1] = v and "true" or "false"
  elseif v == null then
    buf[#buf + 1] = "null"
  elseif tv == "table" then
    encode_table(v, st, depth)
  elseif tv == "nil" then
    fail(st, depth, "cannot encode nil (use grove.null)")
  else
    fail(st, depth, "cannot encode " .. tv)
  end
end

--- json.encode(value [, opts]) -> string
-- opts.pretty = true: one item per line, indented by opts.indent (default two
-- spaces; giving opts.indent alone also turns pretty printing on).
function M.encode(value, opts)
  local indent
  if opts and (opts.pretty or opts.indent) then indent = opts.indent or "  " end
  local st = { buf = {}, stack = {}, seen = {}, indent = indent }
  encode_value(value, st, 0)
  return table.concat(st.buf)
end

---------------------------------------------------------------------------
-- Decoding

local function position(text, pos)
  local line, line_start = 1, 1
  for nl in text:sub(1, pos - 1):gmatch("()\n") do
    line, line_start = line + 1, nl + 1
  end
  local prefix = text:sub(line_start, pos - 1)
  return line, (utf8.len(prefix) or #prefix) + 1
end

local function decode_error(text, pos, what)
  local line, column = position(text, pos)
  error(string.format("json.decode: %s at line %d column %d", what, line, column), 0)
end

local function skip(text, pos)
  return text:find("[^ \t\r\n]", pos) or #text + 1
end

local unescapes = {
  ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t",
}

local function decode_string(text, pos)
  -- pos is just after the opening quote
  local buf = {}
  while true do
    local i = text:find('[\0-\31"\\]', pos)
    if not i then decode_error(text, #text + 1, "unterminated string") end
    buf[#buf + 1] = text:sub(pos, i - 1)
    local c = text:sub(i, i)
    if c == '"' then return table.concat(buf), i + 1 end
    if c ~= "\\" then decode_error(text, i, "control character in string") end
    local e = text:sub(i + 1, i + 1)
    if e == "u" then
      local hex = text:match("^%x%x%x%x", i + 2)
      if not hex then decode_error(text, i, "invalid \\u escape") end
      local code = tonumber(hex, 16)
      pos = i + 6
      if code >= 0xD800 and code <= 0xDBFF then
        local low = text:match("^\\u([dD][c-fC-F]%x%x)", pos)
        if not low then decode_error(text, i, "unpaired surrogate \\u" .. hex) end
        code = 0x10000 + (code - 0xD800) * 0x400 + (tonumber(low, 16) - 0xDC00)
        pos = pos + 6
      elseif code >= 0xDC00 and code <= 0xDFFF then
        decode_error(text, i, "unpaired surrogate \\u" .. hex)
      end
      buf[#buf + 1] = utf8.char(code)
    else
      local u = unescapes[e]
      if not u then decode_error(text, i, "invalid escape '\\" .. e .. "'") end
      buf[#buf + 1] = u
      pos = i + 2
    end
  end
end

local function decode_number(text, pos)
  local int, after = text:match("^(-?%d+)()", pos)
  if not int or int:match("^-?0%d") then decode_error(text, pos, "invalid number") end
  local frac, after_frac = text:match("^(%.%d*)()", after)
  if frac then
    if #frac == 1 then decode_error(text, after + 1, "expected digit") end
    after = after_frac
  end
  local exp, after_exp = text:match("^([eE][-+]?%d*)()", after)
  if exp then
    if not exp:find("%d") then decode_error(text, after_exp, "expected digit") end
    after = after_exp
  end
  local s = text:sub(pos, after - 1)
  local n = tonumber(s)
  if not frac and not exp then return n, after end
  return n + 0.0, after
end

local literals = { t = { "true", true }, f = { "false", false }, n = { "null", null } }

local decode_value

local function decode_array(text, pos)
  local t, n = setmetatable({}, array_mt), 0
  pos = skip(text, pos)
  if text:byte(pos) == 93 then return t, pos + 1 end -- ]
  while true do
    n = n + 1
    t[n], pos = decode_value(text, pos)
    pos = skip(text, pos)
    local c = text:byte(pos)
    if c == 93 then return t, pos + 1 end
    if c ~= 44 then decode_error(text, pos, "expected ',' or ']'") end
    pos = pos + 1
  end
end

local function decode_object(text, pos)
  local t = {}
  pos = skip(text, pos)
  if text:byte(pos) == 125 then return t, pos + 1 end -- }
  while true do
    if text:byte(pos) ~= 34 then decode_error(text, pos, "expected string key") end
    local key
    key, pos = decode_string(text, pos + 1)
    pos = skip(text, pos)
    if text:byte(pos) ~= 58 then decode_error(text, pos, "expected ':'") end
    t[key], pos = decode_value(text, pos + 1)
    pos = skip(text, pos)
    local c = text:byte(pos)
    if c == 125 then return t, pos + 1 end
    if c ~= 44 then decode_error(text, pos, "expected ',' or '}'") end
    pos = skip(text, pos + 1)
  end
end

function decode_value(text, pos)
  pos = skip(text, pos)
  local c = text:sub(pos, pos)
  if c == "{" then return decode_object(text, pos + 1) end
  if c == "[" then return decode_array(text, pos + 1) end
  if c == '"' then return decode_string(text, pos + 1) end
  if c == "-" or c:match("%d") then return decode_number(text, pos) end
  local lit = literals[c]
  if lit and text:sub(pos, pos + #lit[1] - 1) == lit[1] then return lit[2], pos + #lit[1] end
  decode_error(text, pos, "expected value")
end

--- json.decode(text) -> value
function M.decode(text)
  if type(text) ~= "string" then
    error("json.decode: expected a string, got " .. type(text), 2)
  end
  local ok, bad = utf8.len(text)
  if not ok then decode_error(text, bad, "invalid UTF-8") end
  local start = text:sub(1, 3) == "\239\187\191" and 4 or 1 -- skip a byte order mark
  local value, pos = decode_value(text, start)
  pos = skip(text, pos)
  if pos <= #text then decode_error(text, pos, "expected end of input") end
  return value
end

return M
