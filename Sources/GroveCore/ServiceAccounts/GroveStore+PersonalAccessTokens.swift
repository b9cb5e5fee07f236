import GroveFormats
import GRDB

extension GroveStore {
    /// Issues a personal access token for any user of the store, as an administrator's
    /// `POST /users/:user_id/personal_access_tokens` does (same scope list, expiry rules and
    /// audit event as service-account tokens). The value is returned once; only its digest
    /// is stored. `grove admin token` prints it for the REST server.
    public func createPersonalAccessToken(username: String, name: String, scopes: [String], expiresAt: String? = nil) throws -> (token: String, json: JSONValue) {
        try write { db in
            let ctx = try OperationContext(store: self, db: db, actor: .root, mutating: true)
            guard let user = try UserRecord.find(db, username: username) else { throw APIError.notFound("User") }
            var values = JSONObject([("name", .string(name)), ("scopes", .array(scopes.map { .string($0) }))])
            if let expiresAt { values["expires_at"] = .string(expiresAt) }
            let (record, token) = try PersonalAccessTokenService(ctx).create(user, Params(values))
            return (token, record.json(today: ctx.today, token: token))
        }
    }
}
