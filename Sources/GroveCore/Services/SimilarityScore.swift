import Foundation
import GRDB

/// `order_by=similarity`: GitLab's `Gitlab::Database::SimilarityScore` over PostgreSQL's
/// pg_trgm `similarity()`, so results come in the order GitLab would return them.
///
/// GitLab's expression is `ROUND(CAST((similarity(COALESCE(col, ''), search) * CAST(m AS
/// numeric)) + ... AS numeric), 2)`; PostgreSQL resolves `real * numeric` to float8, so each
/// term is the float4 similarity widened to double times the multiplier, and the sum is
/// turned into numeric with 15 significant digits before rounding half away from zero.
enum SimilarityScore {
    /// pg_trgm trigrams: three Unicode scalars packed in 21 bits each. Compared as scalars,
    /// as pg_trgm compares bytes (no canonical equivalence).
    typealias Trigram = UInt64

    /// Registers `similarity_score(search, value1, multiplier1, value2, multiplier2, ...)` on a
    /// connection. Each connection gets its own function, which keeps the last search's
    /// trigrams: an ORDER BY calls it once per row with the same search.
    static func register(on db: Database) {
        // Unchecked: a connection runs one statement at a time, so its function never runs
        // on two threads at once.
        final class LastSearch: @unchecked Sendable { var text = ""; var trigrams: Set<Trigram> = [] }
        let last = LastSearch()
        db.add(function: DatabaseFunction("similarity_score", argumentCount: nil, pure: true) { values in
            guard values.count >= 3, values.count % 2 == 1, let search = String.fromDatabaseValue(values[0]) else {
                throw DatabaseError(message: "similarity_score(search, value, multiplier, ...) needs a search and value/multiplier pairs")
            }
            if search != last.text || last.trigrams.isEmpty { last.text = search; last.trigrams = trigrams(search) }
            var rules: [(String, Double)] = []
            var i = 1
            while i < values.count {
                rules.append((String.fromDatabaseValue(values[i]) ?? "", Double.fromDatabaseValue(values[i + 1]) ?? 1))
                i += 2
            }
            return score(searchTrigrams: last.trigrams, rules)
        })
    }

    /// GitLab's rounded score for `search` over (value, multiplier) rules; a NULL value
    /// counts as '' (`COALESCE(column, '')`).
    static func score(search: String, _ rules: [(String, Double)]) -> Double {
        score(searchTrigrams: trigrams(search), rules)
    }

    static func score(searchTrigrams: Set<Trigram>, _ rules: [(String, Double)]) -> Double {
        var sum = 0.0
        for (value, multiplier) in rules {
            sum += Double(similarity(searchTrigrams, trigrams(value))) * multiplier
        }
        return roundedLikeNumeric(sum)
    }

    /// pg_trgm's `similarity(a, b)`: shared trigrams over all distinct trigrams of both.
    static func similarity(_ a: String, _ b: String) -> Float { similarity(trigrams(a), trigrams(b)) }

    static func similarity(_ a: Set<Trigram>, _ b: Set<Trigram>) -> Float {
        // pg_trgm's cnt_sml: an empty side scores 0 (no 0/0).
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let shared = a.intersection(b).count
        return Float(shared) / Float(a.count + b.count - shared)
    }

    /// pg_trgm's trigrams: the text lower-cased character by character (one scalar to one,
    /// as `lowerstr` does) is split into words of letters and digits; each word, padded with
    /// two spaces before and one after, gives its three-scalar windows.
    static func trigrams(_ text: String) -> Set<Trigram> {
        var result = Set<Trigram>()
        let space = Trigram(UInt8(ascii: " "))
        var window: (Trigram, Trigram) = (space, space)
        var inWord = false
        func add(_ c: Trigram) {
            result.insert(window.0 << 42 | window.1 << 21 | c)
            window = (window.1, c)
        }
        for scalar in text.unicodeScalars {
            let lower = scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar
            if lower.properties.isAlphabetic || lower.properties.numericType != nil {
                if !inWord { window = (space, space); inWord = true }
                add(Trigram(lower.value))
            } else if inWord {
                add(space)
                inWord = false
            }
        }
        if inWord { add(space) }
        return result
    }

    /// A trigram as text, for tests and debugging (`show_trgm`'s elements).
    static func text(_ t: Trigram) -> String {
        var s = String.UnicodeScalarView()
        for shift in [42, 21, 0] { s.append(Unicode.Scalar(UInt32(t >> Trigram(shift) & 0x1F_FFFF)) ?? " ") }
        return String(s)
    }

    /// `ROUND(CAST(x AS numeric), 2)`: float8 → numeric keeps 15 significant digits, then
    /// numeric rounding is half away from zero.
    static func roundedLikeNumeric(_ x: Double) -> Double {
        guard x.isFinite, var decimal = Decimal(string: String(format: "%.15g", x), locale: Locale(identifier: "en_US_POSIX")) else { return x }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &decimal, 2, .plain)  // .plain: halves away from zero
        return NSDecimalNumber(decimal: rounded).doubleValue
    }
}
