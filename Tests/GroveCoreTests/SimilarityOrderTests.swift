import Foundation
import Testing
@testable import GroveCore

@Suite("order_by=similarity: pg_trgm similarity and GitLab's SimilarityScore")
struct SimilarityOrderTests {
    func shown(_ text: String) -> Set<String> { Set(SimilarityScore.trigrams(text).map(SimilarityScore.text)) }

    @Test func trigramsAsPgTrgmExtractsThem() {
        // PostgreSQL's pg_trgm documentation: show_trgm('cat') and the 'two words' example.
        #expect(shown("cat") == ["  c", " ca", "cat", "at "])
        #expect(shown("two words") == ["  t", " tw", "two", "wo ", "  w", " wo", "wor", "ord", "rds", "ds "])
        // Lower-cased; anything but letters and digits separates words.
        #expect(shown("Sub-Namespace") == shown("sub namespace"))
        #expect(shown("a_b") == ["  a", " a ", "  b", " b "])
        #expect(shown("--").isEmpty)
        // Lower-cased one character at a time, as pg_trgm's lowerstr: İ is i (not i and a
        // combining dot, which would split the word), a final Σ is σ.
        #expect(shown("İstanbul") == shown("istanbul"))
        #expect(shown("ΟΔΟΣ") == shown("οδοσ"))
        #expect(shown("Über") == ["  ü", " üb", "übe", "ber", "er "])
    }

    @Test func similarityIsSharedOverAllTrigrams() {
        // 4 shared of 5 + 10 - 4 = 11 distinct trigrams.
        #expect(SimilarityScore.similarity("word", "two words") == Float(4) / Float(11))
        #expect(SimilarityScore.similarity("gitlab", "GitLab") == 1)
        #expect(SimilarityScore.similarity("", "") == 0)
        #expect(SimilarityScore.similarity("abc", "xyz") == 0)
    }

    @Test func scoreIsWeightedSumRoundedToTwoDecimals() {
        // path × 1 + name × 0.7, as Namespace.sorted_by_similarity_and_parent_id_desc.
        #expect(SimilarityScore.score(search: "namespace-1", [("namespace-1", 1), ("Namespace 1", 0.7)]) == 1.7)
        // 10 shared of 12 and 12 trigrams: 10/14 each, (1 + 0.7) × 0.714285… = 1.2142… → 1.21.
        #expect(SimilarityScore.score(search: "namespace-1", [("namespace-2", 1), ("Namespace 2", 0.7)]) == 1.21)
        // A half rounds away from zero: 0.125 → 0.13.
        #expect(SimilarityScore.roundedLikeNumeric(0.125) == 0.13)
        #expect(SimilarityScore.roundedLikeNumeric(0.124999) == 0.12)
    }

    /// namespace_spec.rb's `.sorted_by_similarity_and_parent_id_desc` scenario through
    /// `GET /groups?order_by=similarity&search=...`.
    @Test func groupsRankBySimilarityThenParentDescThenIdDesc() throws {
        let f = try Fixture()
        let other = try f.group("namespace12", visibility: "public", extra: [("name", "Namespace12")])
        let one = try f.group("namespace-1", visibility: "public", extra: [("name", "Namespace 1")])
        let two = try f.group("namespace-2", visibility: "public", extra: [("name", "Namespace 2")])
        let oneSub = try f.group("sub-namespace", parent: one, visibility: "public", extra: [("name", "Sub Namespace")])
        let twoSub = try f.group("sub-namespace", parent: two, visibility: "public", extra: [("name", "Sub Namespace")])
        // 1.42 (tie: both top level, higher id first), 1.21 (tie: higher parent id first), 1.18.
        #expect(try f.body("groups.list", ["order_by": "similarity", "search": "Namespace"]).ids == [two, one, twoSub, oneSub, other])
        // `sort` does not change a similarity order.
        #expect(try f.body("groups.list", ["order_by": "similarity", "search": "Namespace", "sort": "asc"]).ids == [two, one, twoSub, oneSub, other])
        #expect(try f.body("groups.list", ["order_by": "similarity", "search": "Sub Namespace"]).ids == [twoSub, oneSub])
        // Pages follow the same order.
        #expect(try f.body("groups.list", ["order_by": "similarity", "search": "Namespace", "per_page": 2, "page": 2]).ids == [twoSub, oneSub])
        // A search of white space only is no search (Rails' present?): the name order.
        #expect(try f.body("groups.list", ["order_by": "similarity", "search": "  "]).ids == [one, two, other, oneSub, twoSub])
        // Without a search it is the name order, with `sort`, ties by id ascending.
        #expect(try f.body("groups.list", ["order_by": "similarity", "sort": "desc"]).ids == [oneSub, twoSub, other, two, one])
    }

    @Test func projectsRankBySimilarityThenIdDesc() throws {
        let f = try Fixture()
        let g = try f.group("apps", visibility: "public")
        let exact = try f.project("flight", in: g, visibility: "public")
        let longer = try f.project("flight-control", in: g, visibility: "public")
        let described = try f.project("flightdeck", in: g, visibility: "public", extra: [("description", "flight deck")])
        let plain = try f.project("flightdeck2", in: g, visibility: "public")
        // flight 1.7; flightdeck 1.7 × 6/12 + 0.2 × 7/12 (description) → 0.97;
        // flight-control 1.7 × 7/15 → 0.79; flightdeck2 1.7 × 6/13 → 0.78.
        #expect(try f.body("groups.projects", ["id": .int(g), "order_by": "similarity", "search": "flight"]).ids == [exact, described, longer, plain])
        // Without a search: name ascending, ties by id in `sort`'s direction.
        #expect(try f.body("groups.projects", ["id": .int(g), "order_by": "similarity"]).ids == [exact, longer, described, plain])
    }

    /// A store file serves reads from reader connections: each has the SQL function too.
    @Test func similarityOrderOnAStoreFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grove-similarity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try GroveStore.open(path: directory.appendingPathComponent("grove.sqlite").path)
        let far = try store.perform("groups.create", ["name": "Fleet", "path": "fleet", "visibility": "public"], as: .root).body!["id"]!
        let near = try store.perform("groups.create", ["name": "Flight", "path": "flight", "visibility": "public"], as: .root).body!["id"]!
        let ids = try store.perform("groups.list", ["order_by": "similarity", "search": "fl"], as: .anonymous).body?.ids
        // Both share "  f" and " fl" with the search; fleet has fewer trigrams of its own:
        // 1.7 × 2/7 → 0.49 against 1.7 × 2/8 → 0.43.
        #expect(ids == [far.intValue!, near.intValue!])
        #expect(try store.perform("groups.list", ["order_by": "similarity", "search": "flight"], as: .anonymous).body?.ids == [near.intValue!])
    }
}
