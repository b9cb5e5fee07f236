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
    /// The SQL function `similarity_score(search, value1, multiplier1, value2, multiplier2, ...)`.
    static let sqlFunction = DatabaseFunction("similarity_score", argumentCount: nil, pure: true) { values in
        guard values.count >= 3, values.count % 2 == 1, let search = String.fromDatabaseValue(values[0]) else {
            throw DatabaseError(message: "similarity_score(search, value, multiplier, ...) needs a search and value/multiplier pairs")
        }
        var rules: [(String, Double)] = []
        var i = 1
        while i < values.count {
            rules.append((String.fromDatabaseValue(values[i]) ?? "", Double.fromDatabaseValue(values[i + 1]) ?? 1))
            i += 2
        }
        return score(search: search, rules)
    }

    /// Registers `similarity_score` on a connection (every connection of a store).
    static func register(on db: Database) { db.add(function: sqlFunction) }

    /// GitLab's rounded score for `search` over (value, multiplier) rules.
    static func score(search: String, _ rules: [(String, Double)]) -> Double {
        let searchTrigrams = trigrams(search)
        var sum = 0.0
        for (value, multiplier) in rules {
            sum += Double(similarity(searchTrigrams, trigrams(value))) * multiplier
        }
        return roundedLikeNumeric(sum)
    }

    /// pg_trgm's `similarity(a, b)`: shared trigrams over all distinct trigrams of both.
    static func similarity(_ a: String, _ b: String) -> Float { similarity(trigrams(a), trigrams(b)) }

    static func similarity(_ a: Set<String>, _ b: Set<String>) -> Float {
        // pg_trgm's cnt_sml: an empty side scores 0 (no 0/0).
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let shared = a.intersection(b).count
        return Float(shared) / Float(a.count + b.count - shared)
    }

    /// pg_trgm's `show_trgm`: the lower-cased text is split into words of letters and
    /// digits; each word, padded with two spaces before and one after, gives its
    /// three-character windows.
    static func trigrams(_ text: String) -> Set<String> {
        var result = Set<String>()
        var word: [Unicode.Scalar] = []
        func flush() {
            guard !word.isEmpty else { return }
            let padded: [Unicode.Scalar] = [" ", " "] + word + [" "]
            for start in 0...(padded.count - 3) {
                var t = String.UnicodeScalarView()
                t.append(contentsOf: padded[start..<(start + 3)])
                result.insert(String(t))
            }
            word.removeAll(keepingCapacity: true)
        }
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { word.append(scalar) } else { flush() }
        }
        flush()
        return result
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
