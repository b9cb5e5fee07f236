@testable import GroveFormats
import Testing

/// The tape a list's batch is written into reads back as the trees it was written from.
@Suite("JSONTape")
struct JSONTapeTests {
    /// A random value: every kind, nested objects and arrays, empty and non-ASCII strings,
    /// the extreme integers and doubles.
    static func randomValue(_ g: inout FormatFuzzTests.SeededGenerator, depth: Int = 0) -> JSONValue {
        let strings = ["", "a", "ünïcødé ✓", "a much longer string than the forty bytes Lua interns", "\0nul", "id"]
        let kind = depth > 3 ? Int.random(in: 0..<5, using: &g) : Int.random(in: 0..<7, using: &g)
        switch kind {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &g))
        case 2: return .int([Int64.min, Int64.max, 0, -1, Int64.random(in: .min ... .max, using: &g)].randomElement(using: &g)!)
        case 3: return .double([0.5, -0.0, 1e308, -2.25e-308, Double.random(in: -1e9...1e9, using: &g)].randomElement(using: &g)!)
        case 4: return .string(strings.randomElement(using: &g)!)
        case 5: return .array((0..<Int.random(in: 0..<5, using: &g)).map { _ in randomValue(&g, depth: depth + 1) })
        default:
            var object = JSONObject()
            for i in 0..<Int.random(in: 0..<6, using: &g) {
                object.append(i == 0 ? "" : "\(strings.randomElement(using: &g)!)\(i)", randomValue(&g, depth: depth + 1))
            }
            return .object(object)
        }
    }

    @Test func valuesReadBackAsWritten() {
        var g = FormatFuzzTests.SeededGenerator(state: 19)
        // A small first block: the writer grows it many times over.
        let writer = JSONTapeWriter(capacity: 64)
        var written: [JSONValue] = []
        for _ in 0..<500 {
            let value = Self.randomValue(&g)
            writer.appendValue(value)
            written.append(value)
        }
        let tape = writer.finish()
        #expect(tape.count == written.count)
        #expect(tape.values == written)
        #expect(tape.value(at: 250) == written[250])
    }

    /// A presenter writes the same fields through either builder: the tape's object is the
    /// tree's, nested objects included, in the same order.
    @Test func aPresenterWritesTheSameObjectIntoEither() {
        func present(_ n: Int64, into o: inout some JSONObjectBuilder) {
            o.append("id", .int(n))
            o.append("name", .string("Group \(n)"))
            o.append("created_at", iso8601: n * 86_400_000 * 3_000)
            o.append("web_url", "https://gitlab.example/", "groups/g-\(n)")
            o.appendObject("_links") { links in
                links.append("self", .string("https://gitlab.example/api/v4/groups/\(n)"))
                if n % 2 == 0 { links.append("members", .string("https://gitlab.example/api/v4/groups/\(n)/members")) }
                links.appendObject("empty") { _ in }
            }
            o.append("tags", ["a", 1, nil])
            o.append("parent_id", n > 1 ? .int(n - 1) : .null)
        }
        let writer = JSONTapeWriter()
        var trees: [JSONValue] = []
        for n in Int64(1)...4 {
            writer.appendObject { present(n, into: &$0) }
            var o = JSONObject()
            present(n, into: &o)
            trees.append(.object(o))
        }
        let tape = writer.finish()
        #expect(tape.values == trees)
        // Names are kept once however many items have them, and where an item has a field
        // the others lack (members), its name is numbered all the same.
        let names = Set(trees.flatMap { Self.names(in: $0) })
        #expect(tape.keys.count == names.count && Set(tape.keys) == names, "\(tape.keys)")
        #expect(tape.value(at: 1)["_links"]?["members"] == .string("https://gitlab.example/api/v4/groups/2/members"))
        #expect(tape.value(at: 0)["_links"]?["members"] == nil)
        #expect(tape.value(at: 3)["web_url"] == "https://gitlab.example/groups/g-4")
        #expect(tape.value(at: 3)["created_at"] == .string(Timestamp.iso8601(4 * 86_400_000 * 3_000)))
    }

    static func names(in value: JSONValue) -> [String] {
        switch value {
        case .object(let o): o.flatMap { [$0.key] + names(in: $0.value) }
        case .array(let items): items.flatMap(names(in:))
        default: []
        }
    }

    /// Timestamps written into the tape read as the strings `iso8601` makes, at the ends
    /// of Int64's range too, whatever room the writer had left.
    @Test func timestampsWrittenInPlace() {
        for millis: Int64 in [0, -1, 1_764_000_000_123, .max, .min, -62_167_219_200_000, 253_402_300_800_000] {
            let writer = JSONTapeWriter(capacity: 8)
            writer.appendObject { $0.append("at", iso8601: millis) }
            #expect(writer.finish().value(at: 0)["at"] == .string(Timestamp.iso8601(millis)))
        }
    }

    @Test func anEmptyTapeHasNoValues() {
        let tape = JSONTapeWriter().finish()
        #expect(tape.count == 0 && tape.values.isEmpty)
    }
}
