import GroveCore
@testable import GroveRemote
import Testing

@Suite("Remote requests from descriptors")
struct RemoteRequestTests {
    let registry = OperationRegistry.standard()

    func descriptor(_ name: String) throws -> OperationDescriptor {
        try #require(registry.descriptors.first { $0.name == name })
    }

    @Test func pathCapturesAreEncodedAndTheRestIsAQueryOrABody() throws {
        var params = JSONObject()
        params["id"] = "platform/api"
        params["skip_groups"] = .array([1, 2])
        params["all_available"] = true
        let get = try RemoteRequest(descriptor("groups.subgroups"), params: params)
        #expect(get.method == "GET")
        #expect(get.target == "/groups/platform%2Fapi/subgroups?skip_groups%5B%5D=1&skip_groups%5B%5D=2&all_available=true")
        #expect(get.body == nil)

        var update = JSONObject()
        update["id"] = 7
        update["description"] = "x"
        let put = try RemoteRequest(descriptor("groups.update"), params: update)
        #expect(put.target == "/groups/7")
        #expect(put.contentType == "application/json")
        #expect(put.body.map { String(decoding: $0, as: UTF8.self) } == #"{"description":"x"}"#)
    }

    @Test func hashesAndArraysOfHashesUseRailsBrackets() {
        let pairs = RailsParams.pairs([("custom_attributes", .object([("team", "core")])),
                                     ("allowed_to_push", .array([.object([("access_level", 40)]), .object([("user_id", 5)])]))])
        #expect(pairs.map { "\($0.0)=\($0.1)" } == ["custom_attributes[team]=core", "allowed_to_push[][access_level]=40", "allowed_to_push[][user_id]=5"])
    }

    @Test func aMissingCaptureIsGitLabsMissingParameter() throws {
        #expect(throws: APIError.grape("id is missing")) { try RemoteRequest(descriptor("groups.get"), params: JSONObject()) }
    }

    @Test func errorBodiesBecomeTheEmbeddedStoresErrors() {
        func answer(_ status: Int, _ body: String) -> RemoteAnswer { RemoteAnswer(status: status, headers: [:], bytes: Array(body.utf8)) }
        #expect(answer(404, #"{"message":"404 Group Not Found"}"#).error == APIError.notFound("Group"))
        #expect(answer(400, #"{"error":"name is missing"}"#).error == APIError.grape("name is missing"))
        let fields = answer(400, #"{"message":{"path":["has already been taken"]}}"#).error
        #expect(fields.fieldErrors == FieldErrors("path", "has already been taken"))
        let flattened = answer(400, #"{"message":"Failed to save group {:path=>[\"has already been taken\", \"is \\\"bad\\\"\"], :name=>[\"x\"]}"}"#).error
        #expect(flattened.fieldErrors.pairs.map(\.field) == ["path", "name"])
        #expect(flattened.fieldErrors["path"] == ["has already been taken", "is \"bad\""])
        #expect(answer(502, "<html>Bad gateway</html>").error.message == "502 <html>Bad gateway</html>")
    }

    @Test func linkHeaderNext() {
        let answer = RemoteAnswer(status: 200, headers: ["link": #"<http://h/api/v4/groups?page=1>; rel="prev", <http://h/api/v4/groups?page=3&per_page=2>; rel="next""#], bytes: [])
        #expect(answer.nextLink == "http://h/api/v4/groups?page=3&per_page=2")
    }

    @Test func retryWaitsFollowGitLabsHeadersAndPythonGitLabsRules() throws {
        let client = try RemoteClient(RemoteConfiguration(url: "http://127.0.0.1:1"), backoff: { _ in 0.5 })
        let post = RemoteRequest(method: "POST", target: "/groups")
        let get = RemoteRequest(method: "GET", target: "/groups")
        func answer(_ status: Int, _ headers: [String: String] = [:], _ body: String = "") -> RemoteAnswer {
            RemoteAnswer(status: status, headers: headers, bytes: Array(body.utf8))
        }
        #expect(client.retryWait(post, answer: answer(429, ["retry-after": "3"]), attempt: 0) == 3)
        #expect(client.retryWait(post, answer: answer(503), attempt: 0) == nil)
        #expect(client.retryWait(post, answer: answer(503, ["retry-after": "1"]), attempt: 0) == 1)
        #expect(client.retryWait(post, answer: answer(500), attempt: 0) == nil)
        #expect(client.retryWait(get, answer: answer(502), attempt: 0) == 0.5)
        #expect(client.retryWait(get, answer: answer(409, [:], #"{"message":"Resource lock"}"#), attempt: 0) == 0.5)
        #expect(client.retryWait(get, answer: answer(409, [:], #"{"message":"409 Conflict"}"#), attempt: 0) == nil)
        #expect(client.retryWait(get, answer: answer(404), attempt: 0) == nil)
        let reset = RemoteClient.toldWait(answer(429, ["ratelimit-reset": "1000010"]), now: .init(timeIntervalSince1970: 1_000_000))
        #expect(reset == 10)
    }

    @Test func aTimeoutIsSecondsUpToADayWhereverItIsWritten() throws {
        func section(_ timeout: String) throws -> RemoteConfiguration {
            try PythonGitLabConfig(path: "cfg", text: "[a]\nurl = http://h\ntimeout = \(timeout)\n").configuration(section: "a")
        }
        #expect(try section("5").timeout == 5)
        for bad in ["1e300", "0", "-1", "inf", "nan", "soon"] {
            #expect(throws: RemoteConfigurationError.self, "timeout = \(bad)") { try section(bad) }
        }
        #expect(RemoteConfiguration.timeout(86_400) == 86_400 && RemoteConfiguration.timeout(86_401) == nil)
    }
}
