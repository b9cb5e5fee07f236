import GroveCore
import GroveLua
import Testing
@testable import GroveBindings

/// Every operation of the registry, walked: the descriptor is the only description of an
/// operation, so what the routes, the bindings and `help()` read from it must hold for all.
@Suite("Operation descriptors")
struct OperationDescriptorTests {
    let registry = OperationRegistry.standard()

    @Test("each path parameter is declared, required and located in the path; the others by method")
    func parameterLocations() {
        #expect(!registry.descriptors.isEmpty)
        for d in registry.descriptors {
            let captures = OperationDescriptor.pathParameters(of: d.path)
            for name in captures {
                let spec = d.param(name)
                #expect(spec?.location == .path && spec?.required == true, "\(d.name): :\(name) is not a required path parameter")
            }
            for spec in d.params where !captures.contains(spec.name) {
                let expected: ParamSpec.Location = ["GET", "HEAD", "DELETE"].contains(d.method) ? .query : .body
                #expect(spec.location == expected, "\(d.name).\(spec.name) travels in \(spec.location), expected \(expected)")
            }
            #expect(d.pathParams.map(\.name) == captures, "\(d.name): positional arguments follow the path")
            // A 304's stand-in is a read the same path parameters reach.
            if let reading = d.notModifiedAnswer {
                let read = registry[reading]?.descriptor
                #expect(read?.method == "GET" && read?.pathParams.map(\.name) == captures, "\(d.name): 304 answers \(reading)")
            }
        }
    }

    @Test("each Lua name is unique, lives in a described module, and each cross-parameter rule names declared parameters")
    func luaNamesAndRules() {
        var seen: [String: String] = [:]
        for d in registry.descriptors {
            for name in [d.luaName] + d.luaAliases {
                if let other = seen[name] { Issue.record("\(name) names both \(other) and \(d.name)") }
                seen[name] = d.name
            }
            guard let dot = d.luaName.lastIndex(of: ".") else {
                Issue.record("\(d.name): Lua name \(d.luaName) has no module")
                continue
            }
            let module = String(d.luaName[..<dot])
            #expect(registry.moduleSummaries[module]?.isEmpty == false, "module \(module) of \(d.luaName) has no summary")
            for name in (d.atLeastOneOf + d.exactlyOneOf).joined() {
                #expect(d.param(name) != nil, "\(d.name): rule names undeclared \(name)")
            }
        }
    }

    @Test("a read needs a read scope, anything else the api scope")
    func scopes() {
        for d in registry.descriptors {
            if d.method == "GET" {
                #expect(d.scope != .write, "\(d.name) is a read")
                #expect(d.scope.accepted.contains("read_api"))
            } else {
                #expect(d.scope == .write && d.scope.accepted == ["api"], "\(d.name) writes")
            }
        }
        #expect(registry["users.get"]?.descriptor.scope == .readUser)
        #expect(registry["groups.get"]?.descriptor.scope == .read)
    }

    @Test("each operation's help example is Lua that parses")
    func examplesParse() throws {
        let lua = LuaState()
        for d in registry.descriptors {
            let positional = d.pathParams
            let options = d.params.filter { spec in !positional.contains(where: { $0.name == spec.name }) }
            let example = LuaExamples.example(d, positional: positional, options: options)
            #expect(example.contains(d.luaName), "\(d.name): the example does not call \(d.luaName): \(example)")
            #expect(throws: Never.self, "\(d.name): \(example)") { _ = try lua.load(example, chunkName: "=example") }
        }
    }

    @Test("exactly one of: both given, or neither, is Grape's 400 before the endpoint runs")
    func exactlyOneOf() throws {
        let d = try #require(registry["groups.ldap_group_links.create"]?.descriptor)
        #expect(d.exactlyOneOf == [["cn", "filter"]])
        let base: JSONObject = ["id": 1, "group_access": 30, "provider": "ldapmain"]
        var both = base; both["cn"] = "dev"; both["filter"] = "(ou=dev)"
        #expect(throws: APIError.grape("cn, filter are mutually exclusive")) { try ParamParser.parse(both, for: d) }
        #expect(throws: APIError.grape("cn, filter are missing, exactly one parameter must be provided")) { try ParamParser.parse(base, for: d) }
        var one = base; one["filter"] = "(ou=dev)"
        #expect(try ParamParser.parse(one, for: d)["filter"] == "(ou=dev)")
    }
}
