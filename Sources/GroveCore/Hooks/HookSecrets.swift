import Crypto
import Foundation
import GroveFormats
import GRDB

/// What a hook must send but never show: its token, URL variable values and custom
/// header values.
struct HookSecretValues: Equatable {
    var token: String?
    var urlVariables: [(key: String, value: String)] = []
    var customHeaders: [(key: String, value: String)] = []

    static func == (a: HookSecretValues, b: HookSecretValues) -> Bool {
        a.token == b.token && a.urlVariables.map(\.key) == b.urlVariables.map(\.key) && a.urlVariables.map(\.value) == b.urlVariables.map(\.value)
            && a.customHeaders.map(\.key) == b.customHeaders.map(\.key) && a.customHeaders.map(\.value) == b.customHeaders.map(\.value)
    }

    var json: JSONValue {
        func pairs(_ list: [(key: String, value: String)]) -> JSONValue { .array(list.map { .object([("key", .string($0.key)), ("value", .string($0.value))]) }) }
        return .object([("token", token.json), ("url_variables", pairs(urlVariables)), ("custom_headers", pairs(customHeaders))])
    }

    init() {}

    init(json: JSONValue) {
        token = json["token"]?.stringValue
        func pairs(_ v: JSONValue?) -> [(key: String, value: String)] {
            (v?.arrayValue ?? []).compactMap { item in item["key"]?.stringValue.flatMap { k in item["value"]?.stringValue.map { (k, $0) } } }
        }
        urlVariables = pairs(json["url_variables"])
        customHeaders = pairs(json["custom_headers"])
    }
}

/// Seals hook secrets with AES-GCM (GitLab keeps them `attr_encrypted`). The key comes
/// from `GROVE_SECRET_KEY_BASE` when set, else from a random key kept in the store: the
/// values then stay out of dumps of the hook rows, exports and audit events.
enum HookSecrets {
    static func key(_ db: Database) throws -> SymmetricKey {
        if let base = ProcessInfo.processInfo.environment["GROVE_SECRET_KEY_BASE"], !base.isEmpty {
            return SymmetricKey(data: SHA256.hash(data: Data(base.utf8)))
        }
        if let data = try Data.fetchOne(db, sql: "SELECT value FROM instance_secrets WHERE name = 'hook_secrets_key'") {
            return SymmetricKey(data: data)
        }
        let key = SymmetricKey(size: .bits256)
        try db.execute(sql: "INSERT INTO instance_secrets (name, value) VALUES ('hook_secrets_key', ?)", arguments: [key.withUnsafeBytes { Data($0) }])
        return key
    }

    static func seal(_ values: HookSecretValues, _ db: Database) throws -> Data {
        let plain = Data(JSONText.encode(values.json).utf8)
        guard let combined = try AES.GCM.seal(plain, using: try key(db)).combined else { throw APIError.api("500 Internal Server Error", status: 500) }
        return combined
    }

    static func open(_ data: Data?, _ db: Database) throws -> HookSecretValues {
        guard let data, !data.isEmpty else { return HookSecretValues() }
        let plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: try key(db))
        return HookSecretValues(json: try JSONText.decode(String(decoding: plain, as: UTF8.self)))
    }
}
