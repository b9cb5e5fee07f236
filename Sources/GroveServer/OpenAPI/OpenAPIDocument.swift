import GroveCore

/// An OpenAPI 3 document generated from the route table and the operation descriptors
/// (the same ones that drive routing and parameter checking).
public enum OpenAPIDocument {
    public static func build(_ routes: [RouteEntry], registry: OperationRegistry, serverURL: String? = nil) -> JSONValue {
        var paths = JSONObject()
        for route in routes {
            let key = openAPIPath(RouteTable.prefix + route.path)
            var item = paths[key]?.objectValue ?? JSONObject()
            item[route.method.lowercased()] = operation(route, descriptor: route.operationName.flatMap { registry[$0]?.descriptor })
            paths[key] = .object(item)
        }
        return .object([
            ("openapi", "3.0.3"),
            ("info", .object([
                ("title", "Grove: GitLab REST API v4 (groups)"),
                ("description", "GitLab's group REST API served by Grove's core. Errors are GitLab's JSON: {\"message\": ...} or {\"error\": ...}."),
                ("version", .string(GroveVersion.version)),
            ])),
            ("servers", .array([.object([("url", .string(serverURL ?? "/"))])])),
            ("security", .array([.object([("private_token", .array([]))]), .object([("bearer", .array([]))]), .object([])])),
            ("paths", .object(paths)),
            ("components", .object([
                ("securitySchemes", .object([
                    ("private_token", .object([("type", "apiKey"), ("in", "header"), ("name", "PRIVATE-TOKEN")])),
                    ("bearer", .object([("type", "http"), ("scheme", "bearer")])),
                ])),
                ("schemas", .object([
                    ("Error", .object([("type", "object"), ("description", "{\"message\": text or {field: [messages]}} or {\"error\": text}"),
                                       ("additionalProperties", true)])),
                ] + ResultShapes.all.filter { !$0.isFile }.map { ($0.name, Self.schema(of: $0)) })),
            ])),
        ])
    }

    /// `/groups/:id/share/:group_id` → `/groups/{id}/share/{group_id}`
    public static func openAPIPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }

    static func operation(_ route: RouteEntry, descriptor: OperationDescriptor?) -> JSONValue {
        var op = JSONObject([("operationId", .string(route.operationName ?? "server.\(route.path.dropFirst())")), ("summary", .string(route.summary))])
        let tag = route.path.split(separator: "/").first.map(String.init) ?? "api"
        op["tags"] = .array([.string(tag)])
        let specs = descriptor?.params ?? []
        var parameters: [JSONValue] = []
        var bodyProperties = JSONObject()
        var bodyRequired: [JSONValue] = []
        var hasFile = false
        for spec in specs {
            if spec.location != .body {
                parameters.append(.object([
                    ("name", .string(spec.name)), ("in", .string(spec.location.rawValue)), ("required", .bool(spec.location == .path || spec.required)),
                    ("description", .string(spec.description)), ("schema", schema(spec)),
                ]))
            } else {
                bodyProperties[spec.name] = schema(spec)
                if spec.required { bodyRequired.append(.string(spec.name)) }
                if spec.type == .file { hasFile = true }
            }
        }
        if !parameters.isEmpty { op["parameters"] = .array(parameters) }
        if !bodyProperties.isEmpty {
            var bodySchema = JSONObject([("type", "object"), ("properties", .object(bodyProperties))])
            if !bodyRequired.isEmpty { bodySchema["required"] = .array(bodyRequired) }
            var content = JSONObject([("application/json", .object([("schema", .object(bodySchema))]))])
            content["application/x-www-form-urlencoded"] = .object([("schema", .object(bodySchema))])
            if hasFile { content["multipart/form-data"] = .object([("schema", .object(bodySchema))]) }
            op["requestBody"] = .object([("required", .bool(!bodyRequired.isEmpty)), ("content", .object(content))])
        }
        let status = descriptor?.successStatus ?? 200
        var success = JSONObject([("description", .string(status == 204 ? "No content" : "Success"))])
        if status != 204 { success["content"] = Self.content(of: descriptor) }
        if let descriptor, descriptor.pagination.isPaged {
            success["headers"] = .object(["X-Page", "X-Per-Page", "X-Total", "X-Total-Pages", "X-Next-Page", "X-Prev-Page", "Link"].map {
                ($0, JSONValue.object([("schema", .object([("type", "string")]))]))
            })
        }
        var responses = JSONObject([(String(status), .object(success))])
        // GitLab's `not_modified!`: an empty 304 when there is nothing to do.
        if let name = route.operationName, notModified.contains(name) {
            responses["304"] = .object([("description", "Not Modified (nothing to do)")])
        }
        responses["default"] = .object([("description", "GitLab's error body"),
                                        ("content", .object([("application/json", .object([("schema", .object([("$ref", "#/components/schemas/Error")]))]))]))])
        op["responses"] = .object(responses)
        return .object(op)
    }

    /// A success's body: the operation's result shape (an array of it for lists), a file for
    /// a download, any JSON when the operation declares no shape.
    static func content(of descriptor: OperationDescriptor?) -> JSONValue {
        guard let descriptor, let shape = descriptor.result else {
            return .object([("application/json", .object([("schema", .object([]))]))])
        }
        if shape.isFile {
            return .object([("application/octet-stream", .object([("schema", .object([("type", "string"), ("format", "binary")]))]))])
        }
        let record = JSONValue.object([("$ref", .string("#/components/schemas/" + shape.name))])
        var schema = descriptor.pagination.answersList ? JSONValue.object([("type", "array"), ("items", record)]) : record
        // OpenAPI 3.0 ignores siblings of a $ref: null joins through allOf.
        if descriptor.resultMayBeNull { schema = .object([("allOf", .array([record])), ("nullable", true)]) }
        return .object([("application/json", .object([("schema", schema)]))])
    }

    /// A result shape as a JSON schema: each field typed (null where the shape allows it).
    /// No field is required: some answers leave fields out (another caller's view, a list's
    /// entity), and GitLab adds fields over time.
    static func schema(of shape: ResultShape) -> JSONValue {
        .object([
            ("type", "object"), ("description", .string(shape.summary)),
            ("properties", .object(shape.fields.map { field in
                let types = field.type.split(separator: "|").map { part -> JSONValue in
                    switch part {
                    case "table": .object([("type", "object")])
                    case "list": .object([("type", "array")])
                    case "integer", "number", "string", "boolean": .object([("type", .string(String(part)))])
                    default: .object([])
                    }
                }
                var schema = types.count == 1 ? (types[0].objectValue ?? JSONObject()) : JSONObject([("oneOf", .array(types))])
                if field.nullable { schema["nullable"] = true }
                return (field.name, .object(schema))
            })),
        ])
    }

    /// Operations that answer an empty 304 when already in the state asked for.
    static let notModified: Set<String> = ["projects.star"]

    static func schema(_ spec: ParamSpec) -> JSONValue {
        var s = typeSchema(spec.type)
        guard var o = s.objectValue else { return s }
        if let value = spec.defaultValue { o["default"] = value }
        if let range = spec.range { o["minimum"] = .int(range.lowerBound); o["maximum"] = .int(range.upperBound) }
        return .object(o)
    }

    /// Undeclared keys are allowed (and dropped by the server), as Grape allows them.
    static func fieldsSchema(_ fields: [ParamSpec]) -> JSONValue {
        .object([("type", "object"), ("properties", .object(JSONObject(fields.map { ($0.name, typeSchema($0.type)) })))])
    }

    static func typeSchema(_ type: ParamType) -> JSONValue {
        switch type {
        case .string: return .object([("type", "string")])
        case .integer: return .object([("type", "integer")])
        case .boolean: return .object([("type", "boolean")])
        case .date: return .object([("type", "string"), ("format", "date")])
        case .dateTime: return .object([("type", "string"), ("format", "date-time")])
        case .idOrPath: return .object([("oneOf", .array([.object([("type", "integer")]), .object([("type", "string")])]))])
        case .integerArray: return .object([("type", "array"), ("items", .object([("type", "integer")]))])
        case .stringArray: return .object([("type", "array"), ("items", .object([("type", "string")]))])
        case .hash: return .object([("type", "object"), ("additionalProperties", true)])
        case .hashArray: return .object([("type", "array"), ("items", .object([("type", "object"), ("additionalProperties", true)]))])
        case .fields(let fields): return fieldsSchema(fields)
        case .fieldsArray(let fields): return .object([("type", "array"), ("items", fieldsSchema(fields))])
        case .file: return .object([("type", "string"), ("format", "binary")])
        case .enumeration(let values): return .object([("type", "string"), ("enum", .array(values.map { .string($0) }))])
        case .integerEnumeration(let values): return .object([("type", "integer"), ("enum", .array(values.map { .int($0) }))])
        }
    }
}

extension RouteEntry {
    var operationName: String? { if case .operation(let name) = handler { return name } else { return nil } }
}
