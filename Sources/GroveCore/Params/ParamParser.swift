import Foundation
import GroveFormats

/// An uploaded file (avatar).
public struct UploadedFile: Sendable, Equatable {
    public let filename: String
    public let data: [UInt8]
    public init(filename: String, data: [UInt8]) { self.filename = filename; self.data = data }
}

/// Parameters after checking: values coerced to their declared types, absent ones missing.
/// `null` is kept as "given, empty" (GitLab's `nil` for e.g. shared_runners_minutes_limit).
public struct Params: Sendable {
    public private(set) var values: JSONObject
    /// Set by an in-process front end that iterates a list by key (never a parameter, so
    /// never a REST request's): the lists answer it instead of an offset page.
    var list: ListRequest?

    init(_ values: JSONObject) { self.values = values }

    public func has(_ name: String) -> Bool { values[name] != nil }
    public subscript(name: String) -> JSONValue? { values[name] }
    public func string(_ name: String) -> String? { values[name]?.stringValue }
    /// A string that is `present?` in Rails' sense: not empty, not only white space
    /// (GitLab ignores `search=%20` as it ignores no search).
    public func presentString(_ name: String) -> String? {
        guard let s = string(name), s.contains(where: { !$0.isWhitespace }) else { return nil }
        return s
    }
    public func int(_ name: String) -> Int64? { values[name]?.intValue }
    public func bool(_ name: String) -> Bool? { values[name]?.boolValue }
    public func intArray(_ name: String) -> [Int64] { values[name]?.arrayValue?.compactMap(\.intValue) ?? [] }
    public func stringArray(_ name: String) -> [String] { values[name]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    /// Typed access to the parameters a handler cannot do without (declared required,
    /// or checked by a cross-parameter rule): a missing one is Grape's 400 naming it.
    public var required: Required { Required(values: values) }

    public struct Required: Sendable {
        let values: JSONObject

        private func value(_ name: String) throws -> JSONValue {
            guard let value = values[name], !value.isNull else { throw APIError.grape("\(name) is missing") }
            return value
        }
        public func string(_ name: String) throws -> String {
            guard let s = try value(name).stringValue else { throw APIError.grape("\(name) is invalid") }
            return s
        }
        public func int(_ name: String) throws -> Int64 {
            guard let i = try value(name).intValue else { throw APIError.grape("\(name) is invalid") }
            return i
        }
        public func bool(_ name: String) throws -> Bool {
            guard let b = try value(name).boolValue else { throw APIError.grape("\(name) is invalid") }
            return b
        }
        /// The one given of an `exactlyOneOf` group (an empty string is not given): its
        /// name and value.
        public func oneOf(_ names: [String]) throws -> (name: String, value: String) {
            let given = names.compactMap { name in values[name]?.stringValue.flatMap { $0.isEmpty ? nil : (name, $0) } }
            if let problem = ParamParser.exactlyOneOfProblem(names, given: given.count) { throw APIError.grape(problem) }
            guard let only = given.first else { throw APIError.grape(names.joined(separator: ", ") + " are missing") }
            return only
        }
    }

    /// A file parameter: `.some(nil)` means "given empty" (remove the avatar).
    public func file(_ name: String) -> UploadedFile?? {
        guard let v = values[name] else { return nil }
        guard let o = v.objectValue, let filename = o["filename"]?.stringValue else { return .some(nil) }
        let data = o["content"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? []
        return .some(UploadedFile(filename: filename, data: data))
    }
}

/// Checks raw parameters against an operation's description with Grape's rules and texts.
public enum ParamParser {
    /// Grape's `exactly_one_of` message for a group of which `given` were given; nil when one was.
    static func exactlyOneOfProblem(_ group: [String], given: Int) -> String? {
        if given > 1 { return "\(group.joined(separator: ", ")) are mutually exclusive" }
        if given == 0 { return "\(group.joined(separator: ", ")) are missing, exactly one parameter must be provided" }
        return nil
    }

    public static func parse(_ raw: JSONObject, for descriptor: OperationDescriptor, ignoreUnknown: Bool = false) throws -> Params {
        let folded = foldBracketKeys(raw, descriptor)
        let unknown = folded.keys.filter { descriptor.positions[$0] == nil }
        if !unknown.isEmpty && !ignoreUnknown {
            let accepted = descriptor.params.map(\.name).joined(separator: ", ")
            throw APIError.grape("\(unknown.joined(separator: ", ")) \(unknown.count == 1 ? "is not a parameter" : "are not parameters") of \(descriptor.name); accepted: \(accepted)")
        }
        var errors: [String] = []
        var out = JSONObject()
        // The given parameters and the required ones, in the description's order (the
        // order of values and of error messages).
        var positions = descriptor.requiredPositions
        for key in folded.keys { positions += descriptor.positions[key] ?? [] }
        positions.sort()
        var previous = -1
        for i in positions where i != previous {
            previous = i
            let spec = descriptor.params[i]
            guard let value = folded[spec.name] else {
                if spec.required { errors.append("\(spec.name) is missing") }
                continue
            }
            if value.isNull {
                if spec.required { errors.append("\(spec.name) is missing") } else { out[spec.name] = .null }
                continue
            }
            // Text ends at a NUL for SQLite and C; GitLab refuses such requests whole (400).
            if value.containsNullByte {
                errors.append("\(spec.name) contains a null byte")
                continue
            }
            // A part of the URL is never empty: `/groups/gg/custom_attributes/` is another route.
            if spec.location == .path, value.stringValue?.isEmpty == true {
                errors.append("\(spec.name) is invalid")
                continue
            }
            switch coerce(value, to: spec.type) {
            case .success(let v): out[spec.name] = v
            case .failure(let problem): errors.append("\(spec.name)\(problem.place) \(problem.text)")
            }
        }
        if errors.isEmpty { errors += paginationErrors(out, descriptor) }
        for group in descriptor.atLeastOneOf where errors.isEmpty && !group.contains(where: { out[$0] != nil }) {
            errors.append("\(group.joined(separator: ", ")) are missing, at least one parameter must be provided")
        }
        for group in descriptor.exactlyOneOf where errors.isEmpty {
            let given = group.filter { out[$0] != nil && out[$0] != .string("") }
            if let problem = Self.exactlyOneOfProblem(group, given: given.count) { errors.append(problem) }
        }
        if !errors.isEmpty { throw APIError.grape(errors.joined(separator: ", ")) }
        if descriptor.pagination.isPaged, let perPage = out["per_page"]?.intValue, perPage > PaginationParams.maxPerPage {
            out["per_page"] = .int(PaginationParams.maxPerPage)
        }
        return Params(out)
    }

    struct Problem: Error {
        enum Kind { case invalid, notValid, missing }
        let kind: Kind
        /// Where in the value, Grape's way: `[allowed_to_push][0][access_level]`.
        var place = ""
        static let invalid = Problem(kind: .invalid)
        static let notValid = Problem(kind: .notValid)
        var text: String {
            switch kind {
            case .invalid: "is invalid"
            case .notValid: "does not have a valid value"
            case .missing: "is missing"
            }
        }
        func inside(_ key: String) -> Problem { Problem(kind: kind, place: "[\(key)]" + place) }
    }

    /// Grape's `type: Hash do ... end`: the declared keys, each coerced to its type; the
    /// others dropped, as `declared_params` drops them.
    static func coerceFields(_ value: JSONValue, _ fields: [ParamSpec]) -> Result<JSONValue, Problem> {
        guard let object = value.objectValue else { return .failure(.invalid) }
        var out = JSONObject()
        for field in fields {
            guard let item = object[field.name] else {
                if field.required { return .failure(Problem(kind: .missing, place: "[\(field.name)]")) }
                continue
            }
            if item.isNull { out[field.name] = .null; continue }
            switch coerce(item, to: field.type) {
            case .success(let v): out[field.name] = v
            case .failure(let problem): return .failure(problem.inside(field.name))
            }
        }
        return .success(.object(out))
    }

    static func coerce(_ value: JSONValue, to type: ParamType) -> Result<JSONValue, Problem> {
        switch type {
        case .string:
            switch value {
            case .string: return .success(value)
            case .int(let i): return .success(.string(String(i)))
            case .double(let d): return .success(.string(String(d)))
            default: return .failure(.invalid)
            }
        case .integer:
            return integer(value).map { .success(.int($0)) } ?? .failure(.invalid)
        case .boolean:
            return boolean(value).map { .success(.bool($0)) } ?? .failure(.invalid)
        case .date:
            guard let s = value.stringValue, Timestamp.parseDay(s) != nil else { return .failure(.invalid) }
            return .success(value)
        case .dateTime:
            guard let s = value.stringValue, let ms = Timestamp.parseDateTime(s) else { return .failure(.invalid) }
            return .success(.int(ms))
        case .idOrPath:
            if let i = integer(value) { return .success(.int(i)) }
            guard let s = value.stringValue, !s.isEmpty else { return .failure(.invalid) }
            return .success(value)
        case .integerArray:
            let items = arrayItems(value)
            var ints: [JSONValue] = []
            for item in items { guard let i = integer(item) else { return .failure(.invalid) }; ints.append(.int(i)) }
            return .success(.array(ints))
        case .stringArray:
            let items = arrayItems(value)
            guard items.allSatisfy({ $0.stringValue != nil }) else { return .failure(.invalid) }
            return .success(.array(items))
        case .hash:
            return value.objectValue != nil ? .success(value) : .failure(.invalid)
        case .fields(let fields):
            return coerceFields(value, fields)
        case .fieldsArray(let fields):
            // Rack gives `a[][k]=1` as an array; a form may also give `a[0][k]=1`, a hash by index.
            guard let items = value.arrayValue ?? value.objectValue.map({ $0.map(\.value) }) else { return .failure(.invalid) }
            var out: [JSONValue] = []
            for (index, item) in items.enumerated() {
                switch coerceFields(item, fields) {
                case .success(let v): out.append(v)
                case .failure(let problem): return .failure(problem.inside(String(index)))
                }
            }
            return .success(.array(out))
        case .hashArray:
            let items = value.objectValue != nil ? [value] : (value.arrayValue ?? [])
            guard value.objectValue != nil || value.arrayValue != nil, items.allSatisfy({ $0.objectValue != nil }) else { return .failure(.invalid) }
            return .success(.array(items))
        case .file:
            if let s = value.stringValue, s.isEmpty { return .success(value) }
            guard let o = value.objectValue, o["filename"]?.stringValue != nil,
                  o["content"]?.stringValue.flatMap({ Data(base64Encoded: $0) }) != nil else { return .failure(.invalid) }
            return .success(value)
        case .enumeration(let allowed):
            guard let s = value.stringValue ?? value.intValue.map({ String($0) }) else { return .failure(.invalid) }
            return allowed.contains(s) ? .success(.string(s)) : .failure(.notValid)
        case .integerEnumeration(let allowed):
            guard let i = integer(value) else { return .failure(.invalid) }
            return allowed.contains(i) ? .success(.int(i)) : .failure(.notValid)
        }
    }

    static func integer(_ value: JSONValue) -> Int64? {
        if let i = value.intValue { return i }
        guard let text = value.stringValue else { return nil }
        if let i = Int64(text) { return i }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : Int64(trimmed)
    }

    /// Grape's Boolean coercion.
    static func boolean(_ value: JSONValue) -> Bool? {
        switch value {
        case .bool(let b): return b
        case .int(let i) where i == 0 || i == 1: return i == 1
        case .string(let s):
            switch s.lowercased() {
            case "true", "1", "t", "yes", "y", "on": return true
            case "false", "0", "f", "no", "n", "off": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// Arrays arrive as arrays (JSON, Lua) or as `1,2,3` text (query strings).
    static func arrayItems(_ value: JSONValue) -> [JSONValue] {
        switch value {
        // Grape's CommaSeparatedToArray: `scopes[]=api,read_user` is two items, as `scopes=api,read_user` is.
        case .array(let a): return a.flatMap { $0.stringValue == nil ? [$0] : arrayItems($0) }
        case .string(let s): return s.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }
        default: return [value]
        }
    }

    /// `custom_attributes[key]=value` (query-string style) becomes `custom_attributes: {key: value}`
    /// when the operation declares a hash of that name.
    static func foldBracketKeys(_ raw: JSONObject, _ descriptor: OperationDescriptor) -> JSONObject {
        guard raw.contains(where: { $0.key.utf8.contains(UInt8(ascii: "[")) }) else { return raw }
        var out = JSONObject()
        for (key, value) in raw {
            if let open = key.firstIndex(of: "["), key.hasSuffix("]") {
                let base = String(key[..<open])
                let sub = String(key[key.index(after: open)..<key.index(before: key.endIndex)])
                if let spec = descriptor.param(base) {
                    if spec.type == .hash {
                        var o = out[base]?.objectValue ?? JSONObject()
                        o[sub] = value
                        out[base] = .object(o)
                        continue
                    }
                    if sub.isEmpty, spec.type == .integerArray || spec.type == .stringArray {
                        // `skip_groups[]=1&skip_groups[]=2`
                        let existing = out[base]?.arrayValue ?? []
                        out[base] = .array(existing + arrayItems(value))
                        continue
                    }
                }
            }
            out[key] = value
        }
        return out
    }

    static func paginationErrors(_ values: JSONObject, _ descriptor: OperationDescriptor) -> [String] {
        guard descriptor.pagination.isPaged else { return [] }
        var errors: [String] = []
        if let page = values["page"]?.intValue, page < 1 { errors.append("page does not have a valid value") }
        if let perPage = values["per_page"]?.intValue {
            if perPage == 0 { errors.append("per_page has a value not allowed") }
            else if perPage < 0 { errors.append("per_page does not have a valid value") }
        }
        return errors
    }
}
