import Foundation
@testable import GroveFormats
@testable import GroveFormatsFuzz
import Testing

/// Issue 15: the libFuzzer targets' checks (Tests/fuzz/GroveFormatsFuzz) in the suite: the
/// committed seed corpus, then seeded mutations of it (byte flips, insertions, deletions,
/// splices of seeds), through each parser's property. A broken property aborts the run
/// with the input. `scripts/fuzz` runs the same checks under libFuzzer and ASan.
@Suite("GroveFormats parsers, fuzzed in the suite")
struct FormatFuzzTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/corpus")

    static func seeds(_ target: String) throws -> [[UInt8]] {
        let dir = corpus.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
            Array(try Data(contentsOf: dir.appendingPathComponent($0)))
        }
    }

    /// Knuth's MMIX linear congruential generator, its high bits folded down: the same
    /// mutations for the same seed, which is all a mutation driver needs.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    static let interesting: [[UInt8]] = ["\\u", "\\ud800", "[", "]", "[]", "%", "%F", "+", "-", ":", ".", "\r\n", "--", "\"", "(?", "\\1", "9999", "0000", "\0"]
        .map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], _ seeds: [[UInt8]], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where at < bytes.count: bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
            case 2 where at < bytes.count: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &rng)))
            case 3: bytes.insert(contentsOf: interesting.randomElement(using: &rng)!, at: at)
            default:
                let other = seeds.randomElement(using: &rng)!
                let from = Int.random(in: 0...other.count, using: &rng)
                bytes.insert(contentsOf: other[from...].prefix(Int.random(in: 1...32, using: &rng)), at: at)
            }
        }
        return bytes
    }

    @Test("every parser's property holds on its corpus and seeded mutations", arguments: FormatChecks.targets.map(\.name))
    func corpusAndMutations(target: String) throws {
        let check = try #require(FormatChecks.check(named: target))
        let seeds = try Self.seeds(target)
        #expect(seeds.count >= 4, "a seed corpus in Tests/fuzz/corpus/\(target)")
        let environment = ProcessInfo.processInfo.environment
        var system = SystemRandomNumberGenerator()
        let seed = environment["GROVE_FUZZ_SEED"].flatMap(UInt64.init) ?? system.next()
        let runs = environment["GROVE_FORMAT_FUZZ_RUNS"].flatMap(Int.init) ?? 20_000
        var rng = SeededGenerator(state: seed)
        for input in seeds { check(input) }
        var input = seeds[0]
        for _ in 0..<runs {
            input = Self.mutate(Bool.random(using: &rng) ? input : seeds.randomElement(using: &rng)!, seeds, &rng)
            if input.count > 4096 { input = seeds.randomElement(using: &rng)! }
            check(input)
        }
        print("format fuzz \(target): seed \(seed), \(seeds.count) seeds and \(runs) mutations")
    }

    /// Found by the libFuzzer target `json`: a high surrogate escape followed by an escape
    /// that is not a low surrogate subtracted past zero (a trap of the server on a JSON body).
    @Test func loneHighSurrogateBeforeAnotherEscape() throws {
        #expect(try JSONText.decode(#""\ud800\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSONText.decode(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONText.decode(#""\udbff\uffff""#) == .string("\u{FFFD}\u{FFFF}"))
        #expect(throws: JSONText.DecodingError.self) { try JSONText.decode(#""\u+041""#) }
    }

    /// Found by the libFuzzer target `timestamp`: a date at the end of 9999 with a negative
    /// offset is in year 10000 in UTC, which was rendered as year 0000.
    @Test func yearsPastTheFourDigitRangeRenderWhole() throws {
        #expect(Timestamp.parseDateTime("9999-12-31T23:59:59.999-23").map(Timestamp.iso8601) == "10000-01-01T22:59:59.999Z")
        #expect(Timestamp.parseDateTime("0000-01-01T00:00:00+01:00").map(Timestamp.iso8601) == "-0001-12-31T23:00:00.000Z")
        #expect(Timestamp.parseDateTime("0000-01-01T00:00:00+01:00").map(Timestamp.day) == "-0001-12-31")
        #expect(Timestamp.iso8601(0) == "1970-01-01T00:00:00.000Z")
    }

    /// Found by the libFuzzer target `push-rule-regex` (LeakSanitizer): Foundation leaks a
    /// pattern longer than 256 UTF-16 units at every compile, so each pattern is compiled
    /// once and kept, within a bound.
    @Test func patternsAreCompiledOnce() throws {
        let long = "^(" + String(repeating: "a", count: 300) + ")$"
        guard case .success(let first) = UntrustedRegexp.compile(long), case .success(let second) = UntrustedRegexp.compile(long) else {
            Issue.record("\(long) does not compile")
            return
        }
        #expect(first === second)
        #expect(UntrustedRegexp.matches(long, String(repeating: "a", count: 300)))
        for i in 0..<(UntrustedRegexp.cacheLimit + 10) { _ = UntrustedRegexp.compile("^x\(i)$") }
        #expect(UntrustedRegexp.matches("^x7$", "x7"), "patterns still compile after the cache filled up")
    }
}
