import GroveCore
import GroveLua

/// `grove.as(username, fn)`, `grove.transaction(fn)` and `grove.dry_run(fn)`: who a
/// script acts as, all-or-nothing blocks, and rehearsals that change nothing.
public enum SessionBindings {
    public static func install(into lua: LuaState, session: GroveSession) throws {
        try lua.register(module: "grove", [
            LuaFunction(
                LuaFunctionInfo(
                    name: "grove.as", signature: "grove.as(username, fn)",
                    summary: "Runs fn as that user: GitLab's permission rules apply to what it does.",
                    example: "grove.as('maintainer1', function() return groups.update('platform', {description = 'x'}) end)")
            ) { call in
                let username = try call.string(1)
                let function = try call.function(2)
                let actor = try session.actor(named: username)
                let previous = session.actor
                session.actor = actor
                defer { session.actor = previous }
                return try call.call(function)
            },
            LuaFunction(
                LuaFunctionInfo(
                    name: "grove.transaction", signature: "grove.transaction(fn)",
                    summary: "Runs fn in one transaction: every change lands, or (on error) none does.",
                    example: "grove.transaction(function()\n  local g = groups.create{name = 'Ops', path = 'ops'}\n  groups.create{name = 'Tools', path = 'tools', parent_id = g.id}\nend)")
            ) { call in
                let function = try call.function(1)
                return try session.store().transaction { try call.call(function) }
            },
            LuaFunction(
                LuaFunctionInfo(
                    name: "grove.dry_run", signature: "grove.dry_run(fn) -> changes, ...",
                    summary: "Runs fn, then rolls everything back; returns the changes it would have made (audit events, each with a readable `text`) and fn's results. An error in fn is raised after the rollback.",
                    example: "local changes = grove.dry_run(function() groups.transfer('old/team', {group_id = 'new'}) end)\nfor _, c in ipairs(changes) do print(c.text) end")
            ) { call in
                let function = try call.function(1)
                let (results, events) = try session.store().dryRun { try call.call(function) }
                let changes: [LuaValue] = events.map { event in
                    guard case .map(var fields) = event.json.luaValue else { return .nil }
                    fields["text"] = .string(event.description)
                    return .map(fields)
                }
                return [.array(changes)] + results
            },
        ])
        // Role names wherever a level is taken: `access_level = grove.access.developer`.
        try lua.run("grove.access = {" + AccessLevel.byName.map { "\($0.name) = \($0.level)" }.joined(separator: ", ") + "}",
                    chunkName: "=[grove.access]")
    }
}

extension GroveSession {
    /// The actor for a username of the store; 404 when there is no such user.
    public func actor(named username: String) throws -> Actor {
        guard let id = try store().userId(username: username) else { throw APIError.notFound("User") }
        return .user(id: id)
    }
}
