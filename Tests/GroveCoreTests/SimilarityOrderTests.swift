import Testing
@testable import GroveCore

@Suite("order_by=similarity: pg_trgm similarity and GitLab's SimilarityScore")
struct SimilarityOrderTests {
    @Test func trigramsAsPgTrgmExtractsThem() {
        // PostgreSQL's pg_trgm documentation: show_trgm('cat') and the 'two words' example.
        #expect(SimilarityScore.trigrams("cat") == ["  c", " ca", "cat", "at "])
        #expect(SimilarityScore.trigrams("two words") == ["  t", " tw", "two", "wo ", "  w", " wo", "wor", "ord", "rds", "ds "])
        // Lower-cased; anything but letters and digits separates words.
        #expect(SimilarityScore.trigrams("Sub-Namespace") == SimilarityScore.trigrams("sub namespace"))
        #expect(SimilarityScore.trigrams("a_b") == ["  a", " a ", "  b", " b "])
        #expect(SimilarityScore.trigrams("--").isEmpty)
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
}
