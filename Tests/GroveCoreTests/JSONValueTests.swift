import Testing
@testable import GroveCore

@Suite("JSON values and text")
struct JSONValueTests {
    @Test func objectsKeepInsertionOrder() {
        var o = JSONObject()
        o["b"] = 1; o["a"] = 2; o["b"] = 3
        #expect(o.keys == ["b", "a"])
        #expect(JSONText.encode(.object(o)) == #"{"b":3,"a":2}"#)
        o["b"] = nil
        #expect(o.keys == ["a"])
    }

    @Test func roundTripKeepsOrderAndTypes() throws {
        let text = #"{"z":null,"a":[1,2.5,"x\n\u00e9",true,false],"m":{"k":-7}}"#
        let value = try JSONText.decode(text)
        #expect(value["z"] == .null)
        #expect(value["a"]?.arrayValue?[0] == .int(1))
        #expect(value["a"]?.arrayValue?[1] == .double(2.5))
        #expect(value["a"]?.arrayValue?[2] == .string("x\né"))
        #expect(value.keys == ["z", "a", "m"])
        #expect(try JSONText.decode(JSONText.encode(value)) == value)
        #expect(try JSONText.decode(JSONText.encode(value, pretty: true)) == value)
    }

    /// Quotes, backslashes and control characters are escaped wherever they fall in a
    /// string; other text, multi-byte UTF-8 included, is copied as it is.
    @Test func stringsAreEscapedExactly() throws {
        #expect(JSONText.encode("plain") == #""plain""#)
        #expect(JSONText.encode("") == #""""#)
        #expect(JSONText.encode("\"start") == #""\"start""#)
        #expect(JSONText.encode("end\\") == #""end\\""#)
        #expect(JSONText.encode("é \"ü\" \u{1F333}\n\t\r\u{01}\u{1F}x") == #""é \"ü\" 🌳\n\t\r\u0001\u001fx""#)
        let tricky = JSONValue.object([("k\"ey", "a\\b\u{0}c")])
        #expect(try JSONText.decode(JSONText.encode(tricky)) == tricky)
        #expect(JSONText.encodeBytes(tricky) == Array(JSONText.encode(tricky).utf8))
    }

    @Test func rejectsMalformedText() {
        for bad in ["{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2"] {
            #expect(throws: JSONText.DecodingError.self) { try JSONText.decode(bad) }
        }
    }

    @Test func timestampsHaveMillisecondsAndZ() {
        #expect(Timestamp.iso8601(0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.iso8601(1_767_323_045_678) == "2026-01-02T03:04:05.678Z")
        #expect(Timestamp.parseDateTime("2026-01-02T03:04:05.678Z") == 1_767_323_045_678)
        #expect(Timestamp.parseDateTime("2026-01-02T04:04:05.678+01:00") == 1_767_323_045_678)
        #expect(Timestamp.day(1_767_323_045_678) == "2026-01-02")
        #expect(Timestamp.parseDay("2026-02-30") == nil)
        #expect(Timestamp.parseDay("2024-02-29") != nil)
    }

    /// Every Int64 of milliseconds renders, out to both ends (Int64.min trapped in the
    /// floor division), and years past 9999 or before 0 are written whole.
    @Test func timestampsAtTheEndsOfTime() {
        #expect(Timestamp.iso8601(-1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.iso8601(-62_167_219_200_000) == "0000-01-01T00:00:00.000Z")
        #expect(Timestamp.iso8601(253_402_300_800_000) == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp.iso8601(.max) == "292278994-08-17T07:12:55.807Z")
        #expect(Timestamp.iso8601(.min) == "-292275055-05-16T16:47:04.192Z")
        #expect(Timestamp.day(.min) == "-292275055-05-16")
        #expect(Timestamp.iso8601(.min).utf8.count <= Timestamp.maximumISO8601Length)
    }

    @Test func apiErrorBodies() {
        #expect(APIError.notFound("Group").json == .object([("message", "404 Group Not Found")]))
        let fields = APIError.validation(FieldErrors("path", "has already been taken"))
        #expect(JSONText.encode(fields.json) == #"{"message":{"path":["has already been taken"]}}"#)
        #expect(fields.description == "400 {path: has already been taken}")
        #expect(APIError.grape("name is missing").json == .object([("error", "name is missing")]))
        #expect(FieldErrors("path", "has already been taken").rubyInspect == #"{:path=>["has already been taken"]}"#)
    }
}
