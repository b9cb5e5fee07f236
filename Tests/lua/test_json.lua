-- grove.json: encoding, decoding, round trips and error messages.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local t = require "testing"
local json = require "grove.json"

-- Structural equality that also tells integers from floats and null from nil.
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then
    return a == b and math.type(a) == math.type(b)
  end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

local function round_trip(value, message)
  local text = json.encode(value)
  t.ok(same(json.decode(text), value), message .. " (" .. text .. ")")
  t.eq(json.encode(json.decode(text)), text, message .. ": re-encoding is stable")
end

-- null
t.eq(json.null, grove.null, "json.null is grove.null")
t.eq(json.encode(grove.null), "null", "grove.null encodes as null")
t.eq(json.decode("null"), grove.null, "null decodes to grove.null")
local with_null = json.decode('{"parent_id": null, "name": "api"}')
t.ok(with_null.parent_id == grove.null and with_null.name == "api", "a null field is present as grove.null")
t.eq(json.encode(with_null), '{"name":"api","parent_id":null}', "a null field survives a round trip")
t.eq(json.encode({ a = nil, b = 1 }), '{"b":1}', "nil means absent")
t.eq(json.encode({ 1, grove.null, 3 }), "[1,null,3]", "null inside an array")

-- scalars
t.eq(json.encode(true), "true", "true")
t.eq(json.encode(false), "false", "false")
t.eq(json.encode(42), "42", "integer")
t.eq(json.encode(-7), "-7", "negative integer")
t.eq(json.encode(math.maxinteger), "9223372036854775807", "largest integer")
t.eq(json.encode(math.mininteger), "-9223372036854775808", "smallest integer")
t.eq(json.encode(1.5), "1.5", "float")
t.eq(json.encode(0.1), "0.1", "shortest digits that round-trip")
t.eq(json.encode(1.0), "1.0", "an integral float stays recognisably a float")
t.eq(json.encode(-0.0), "-0.0", "negative zero")
t.eq(json.encode(1e300), "1e+300", "large float")
t.eq(json.encode(1 / 3), "0.3333333333333333", "1/3 with full precision")
t.eq(json.encode(2 ^ 63), "9.223372036854776e+18", "2^63 as a float")
t.eq(json.encode("plain"), '"plain"', "string")
t.eq(json.encode(""), '""', "empty string")

-- string escapes
t.eq(json.encode('say "hi"\\'), [["say \"hi\"\\"]], "quote and backslash escaped")
t.eq(json.encode("a\nb\tc\rd\be\ff"), [["a\nb\tc\rd\be\ff"]], "short escapes")
t.eq(json.encode("\0\1\31\127"), '"\\u0000\\u0001\\u001f\127"', "other control characters as \\u00XX")
t.eq(json.encode("/"), '"/"', "slash not escaped")
t.eq(json.encode("héllo ✓ 😀"), '"héllo ✓ 😀"', "UTF-8 passes through")
t.eq(json.decode([["a\/b\\c\"d\n\t\r\b\f"]]), "a/b\\c\"d\n\t\r\b\f", "escapes decoded, \\/ included")
t.eq(json.decode([["\u00e9\u2713"]]), "é✓", "\\u escapes become UTF-8")
t.eq(json.decode([["\u0000x"]]), "\0x", "\\u0000 decodes to a zero byte")
t.eq(json.decode([["\ud83d\ude00"]]), "😀", "a surrogate pair becomes one code point")
t.eq(json.decode([["\uD834\uDD1E!"]]), "𝄞!", "surrogate pair in upper case hex")
t.eq(json.decode('"é😀"'), "é😀", "raw UTF-8 in strings")

-- numbers decoded
t.eq(json.decode("0"), 0, "0 is an integer")
t.eq(json.decode("-12"), -12, "negative integer")
t.eq(json.decode("9223372036854775807"), math.maxinteger, "largest integer stays an integer")
t.eq(json.decode("-9223372036854775808"), math.mininteger, "smallest integer stays an integer")
t.eq(json.decode("9223372036854775808"), 2.0 ^ 63, "too large for an integer: a float")
t.eq(json.decode("1.0"), 1.0, "1.0 is a float")
t.eq(json.decode("1e2"), 100.0, "exponent makes a float")
t.eq(json.decode("-2.5E-3"), -0.0025, "negative with fraction and exponent")
t.eq(json.decode("1E+2"), 100.0, "explicit plus exponent")

-- round trips
round_trip({ id = 1, name = "api", parent_id = grove.null, tags = { "a", "b" } }, "group-like object")
round_trip({ { 1, 2 }, { 3, { 4, { 5 } } }, {} }, "nested arrays")
round_trip({ a = { b = { c = { d = "deep" } } } }, "nested objects")
round_trip({ n = 3, f = 3.0, big = 2 ^ 70, tiny = 5e-324, third = 1 / 3 }, "integer vs float")
round_trip({ s = "\0\1\"\\/\n✓😀" }, "escapes and unicode")
round_trip({ [""] = "empty key", ["with space"] = 1, ["é"] = 2 }, "unusual keys")
local decoded = json.decode('{"list": [], "map": {}}')
t.eq(json.encode(decoded), '{"list":[],"map":{}}', "empty array and object keep their kind")
t.eq(#json.decode("[1, 2, 3]"), 3, "arrays decode to Lua lists")
t.eq(json.decode("[1, 2, 3]")[3], 3, "array items from 1")
t.eq(json.decode('  {"a" : [ true , false , null ] }  ').a[3], grove.null, "whitespace everywhere")
t.eq(json.decode('\239\187\191"bom"'), "bom", "a leading byte order mark is skipped")
t.eq(json.decode('{"a": 1, "a": 2}').a, 2, "duplicate keys: the last wins")

-- arrays vs objects
t.eq(json.encode({}), "{}", "empty table is an object")
t.eq(json.encode(json.array({})), "[]", "json.array marks an empty array")
t.eq(json.encode(json.array()), "[]", "json.array() makes a new empty array")
t.eq(json.encode(json.empty_array), "[]", "json.empty_array")
t.fails(function() json.empty_array[1] = 1 end, "read-only", "json.empty_array cannot be changed")
t.eq(json.encode(setmetatable({}, { __jsontype = "array" })), "[]", "__jsontype marker in any metatable")
t.eq(json.encode(json.object({})), "{}", "json.object")
t.eq(json.encode({ 3, 2, 1 }), "[3,2,1]", "keys 1..n make an array, in order")
t.eq(json.encode({ b = 1, a = 2, c = { z = 1, y = 2 } }), '{"a":2,"b":1,"c":{"y":2,"z":1}}', "keys sorted")
t.eq(json.encode({ B = 1, a = 2, ["_"] = 3, ["1"] = 4 }), '{"1":4,"B":1,"_":3,"a":2}', "keys sorted by bytes")

-- pretty output
t.eq(json.encode({ name = "api", ids = { 1, 2 }, empty = {}, none = json.array(), meta = { ok = true } }, { pretty = true }), [[
{
  "empty": {},
  "ids": [
    1,
    2
  ],
  "meta": {
    "ok": true
  },
  "name": "api",
  "none": []
}]], "pretty output, two-space indent")
t.eq(json.encode({ a = { 1 } }, { pretty = true, indent = "\t" }), '{\n\t"a": [\n\t\t1\n\t]\n}', "custom indent")
t.eq(json.encode({ a = 1 }, { indent = "    " }), '{\n    "a": 1\n}', "indent alone turns pretty on")
t.eq(json.encode({}, { pretty = true }), "{}", "pretty empty object")
t.eq(json.encode("x", { pretty = true }), '"x"', "pretty scalar")
t.eq(json.decode(json.encode({ a = { 1, { b = 2 } } }, { pretty = true })).a[2].b, 2, "pretty output decodes")

-- encode errors name the path
t.fails(function() json.encode({ hooks = { 1, { fn = print } } }) end,
  "json.encode: cannot encode function at $.hooks[2].fn", "function named by path")
t.fails(function() json.encode({ x = 0 / 0 }) end, "json.encode: cannot encode nan at $.x", "nan")
t.fails(function() json.encode({ 1, math.huge }) end, "json.encode: cannot encode inf at $[2]", "inf")
t.fails(function() json.encode({ v = -math.huge }) end, "json.encode: cannot encode -inf at $.v", "-inf")
local cycle = { name = "loop" }
cycle.children = { cycle }
t.fails(function() json.encode({ root = cycle }) end, "json.encode: cannot encode cycle at $.root.children[1]", "cycle")
local shared = { 1 }
t.eq(json.encode({ a = shared, b = shared }), '{"a":[1],"b":[1]}', "a table seen twice is not a cycle")
t.fails(function() json.encode({ a = { [1] = 1, x = 2 } }) end,
  "json.encode: cannot encode table mixing integer and string keys at $.a", "mixed table")
t.fails(function() json.encode({ [1] = 1, [3] = 3 }) end, "json.encode: cannot encode sparse array", "sparse array")
t.fails(function() json.encode({ [0] = 1 }) end, "cannot encode sparse array", "index 0")
t.fails(function() json.encode({ [1.5] = 1 }) end, "json.encode: cannot encode float key 1.5 at $", "float key")
t.fails(function() json.encode({ k = { [true] = 1 } }) end, "json.encode: cannot encode boolean key true at $.k", "boolean key")
t.fails(function() json.encode({ ["a b"] = { coroutine.create(print) } }) end,
  'json.encode: cannot encode thread at $["a b"][1]', "odd keys quoted in paths")
t.fails(function() json.encode(json.array({ x = 1 })) end, "cannot encode string key in array at $", "string key in marked array")
t.fails(function() json.encode(json.object({ 1 })) end, "cannot encode integer key in object at $", "integer key in marked object")
t.fails(function() json.encode({ ["k\255"] = 1 }) end, "json.encode: cannot encode key with invalid UTF-8 at $", "invalid UTF-8 key")
t.fails(function() json.encode({ s = "\255" }) end, "json.encode: cannot encode string with invalid UTF-8 at $.s", "invalid UTF-8")
t.fails(function() json.encode(nil) end, "json.encode: cannot encode nil", "nil alone")

-- decode errors give the position
local function decode_error(text, expected, message)
  t.fails(function() json.decode(text) end, expected, message)
end
decode_error('{\n  "a": 1,\n  "b" 2}', "json.decode: expected ':' at line 3 column 7", "missing colon")
decode_error('{\n  "a": 1,\n  "b": 2 x}', "json.decode: expected ',' or '}' at line 3 column 10", "missing comma in object")
decode_error("[1, 2", "json.decode: expected ',' or ']' at line 1 column 6", "unterminated array")
decode_error("[1 2]", "json.decode: expected ',' or ']' at line 1 column 4", "missing comma in array")
decode_error("", "json.decode: expected value at line 1 column 1", "empty text")
decode_error("[1,]", "json.decode: expected value at line 1 column 4", "trailing comma in array")
decode_error('{"a":1,}', "json.decode: expected string key at line 1 column 8", "trailing comma in object")
decode_error("{a:1}", "json.decode: expected string key at line 1 column 2", "unquoted key")
decode_error("[1] x", "json.decode: expected end of input at line 1 column 5", "trailing garbage")
decode_error("tru", "json.decode: expected value at line 1 column 1", "truncated literal")
decode_error("NaN", "json.decode: expected value", "NaN is not JSON")
decode_error("01", "json.decode: invalid number at line 1 column 1", "leading zero")
decode_error("-", "json.decode: invalid number", "lone minus")
decode_error("1.", "json.decode: expected digit at line 1 column 3", "fraction without digits")
decode_error("1e+", "json.decode: expected digit at line 1 column 4", "exponent without digits")
decode_error('"abc', "json.decode: unterminated string at line 1 column 5", "unterminated string")
decode_error('"a\nb"', "json.decode: control character in string at line 1 column 3", "raw newline in string")
decode_error([["\x"]], "json.decode: invalid escape '\\x' at line 1 column 2", "bad escape")
decode_error([["\u12"]], "json.decode: invalid \\u escape at line 1 column 2", "short \\u escape")
decode_error([["\ud83d"]], "json.decode: unpaired surrogate \\ud83d at line 1 column 2", "lone high surrogate")
decode_error([["\ude00"]], "json.decode: unpaired surrogate \\ude00", "lone low surrogate")
decode_error('["é", "\255"]', "json.decode: invalid UTF-8 at line 1 column 8", "invalid UTF-8, column in characters")
decode_error('{"a":\n  [1,\n   {"b": tru}]}', "json.decode: expected value at line 3 column 10", "nested error position")
t.fails(function() json.decode(42) end, "json.decode: expected a string, got number", "non-string input")

-- a bigger document, quickly
local big = {}
for i = 1, 20000 do
  big[i] = { id = i, full_path = "group/" .. i, parent_id = i > 1 and i - 1 or grove.null, score = i / 7 }
end
local started = os.clock()
local text = json.encode(big)
local back = json.decode(text)
local seconds = os.clock() - started
t.ok(#back == 20000 and same(back[20000], big[20000]), "20000 objects round-trip")
t.ok(seconds < 10, string.format("20000 objects encoded and decoded in %.2f s of CPU", seconds))

t.done()
