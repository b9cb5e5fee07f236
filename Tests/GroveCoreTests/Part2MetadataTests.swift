import Testing
@testable import GroveCore

@Suite("part 2 operation metadata")
struct Part2MetadataTests {
    static let modules: [any OperationModule.Type] = [
        ProtectedBranchOperations.self, PushRuleOperations.self, IntegrationSettingsOperations.self, ServiceAccountOperations.self,
        SecuritySettingsOperations.self, GroupHookOperations.self, LDAPGroupLinkOperations.self, SAMLGroupLinkOperations.self,
    ]

    @Test func everyPathParameterIsDeclaredAndEveryOperationIsStandard() throws {
        let mine = OperationRegistry()
        for module in Self.modules { module.register(into: mine) }
        let standard = OperationRegistry.standard()
        #expect(mine.names.count == 44)
        for d in mine.descriptors {
            #expect(standard[d.name] != nil, "\(d.name) is not in the standard registry")
            #expect(!d.summary.isEmpty, "\(d.name) has no summary")
            for segment in d.path.split(separator: "/") where segment.hasPrefix(":") {
                let spec = d.param(String(segment.dropFirst()))
                #expect(spec?.location == .path && spec?.required == true, "\(d.name): \(segment) is not a required path parameter")
            }
            for spec in d.params { #expect(!spec.description.isEmpty, "\(d.name).\(spec.name) has no description") }
        }
    }

    @Test func hashArrayParameters() throws {
        let d = OperationRegistry.standard()["groups.protected_branches.create"]!.descriptor
        #expect(d.param("allowed_to_push")?.type.name == "array of hashes")
        let one = try ParamParser.parse(["id": 1, "name": "main", "allowed_to_push": ["access_level": 30]], for: d)
        #expect(one["allowed_to_push"] == [["access_level": 30]])
        #expect(throws: APIError.grape("allowed_to_push is invalid")) {
            try ParamParser.parse(["id": 1, "name": "main", "allowed_to_push": [30]], for: d)
        }
    }
}
