import GroveCore

/// The example `help(fn)` shows: the descriptor's own, else a call built from the
/// function's required arguments.
enum LuaExamples {
    static func example(_ descriptor: OperationDescriptor, positional: [ParamSpec], options: [ParamSpec]) -> String {
        if let written = descriptor.example { return written }
        let name = descriptor.luaName
        var arguments = positional.map { placeholder(for: $0) }
        let required = options.filter(\.required)
        if !required.isEmpty {
            arguments.append("{" + required.map { "\($0.name) = \(placeholder(for: $0))" }.joined(separator: ", ") + "}")
        }
        return "\(name)(\(arguments.joined(separator: ", ")))"
    }

    private static func placeholder(for spec: ParamSpec) -> String {
        switch spec.type {
        case .idOrPath: spec.name == "id" ? "\"platform\"" : "42"
        case .integer, .integerEnumeration: spec.name.hasSuffix("id") ? "42" : "30"
        case .boolean: "true"
        case .enumeration(let values): "\"\(values.first ?? "")\""
        case .date: "\"2027-01-31\""
        case .integerArray: "{1, 2}"
        case .stringArray: "{\"api\"}"
        case .hashArray, .hash, .fields, .fieldsArray: "{}"
        default: "\"\(spec.name)\""
        }
    }
}
