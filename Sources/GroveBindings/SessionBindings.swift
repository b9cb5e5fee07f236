import GroveCore
import GroveLua

/// `grove.as(username, fn)`, `grove.transaction(fn)`, `grove.dry_run(fn)` and
/// `grove.backend()`: who a script acts as, all-or-nothing blocks, rehearsals that change
/// nothing, and where the calls go.
public enum SessionBindings {
    /// `module`: `grove` for the default connection, a connection's own table for one
    /// `grove.connect` opened (`src.as(...)`).
    public static func install(into lua: LuaState, session: GroveSession, module: String = "grove") throws {
        let prefix = module == "grove" ? "grove." : "connection."
        try lua.register(module: module, [
            LuaFunction(
                LuaFunctionInfo(
                    name: prefix + "backend", signature: prefix + "backend() -> name",
                    summary: "Which backend the calls go to: \"embedded\" (Grove's own store) or the GitLab's URL.",
                    example: "print(\(prefix)backend())")
            ) { _ in [.string(session.backend.name)] },
            LuaFunction(
                LuaFunctionInfo(
                    name: prefix + "as", signature: prefix + "as(username, fn)",
                    summary: "Runs fn as that user: GitLab's permission rules apply to what it does.",
                    example: "grove.as('maintainer1', function() return groups.update('platform', {description = 'x'}) end)")
            ) { call in
                let username = try call.string(1)
                let function = try call.function(2)
                let user = try session.backend.user(named: username, as: session.actingAs)
                let previous = session.actingAs
                session.actingAs = user
                defer { session.actingAs = previous }
                return try call.call(function)
            },
            LuaFunction(
                LuaFunctionInfo(
                    name: prefix + "transaction", signature: prefix + "transaction(fn)",
                    summary: "Runs fn in one transaction: every change lands, or (on error) none does.",
                    example: "grove.transaction(function()\n  local g = groups.create{name = 'Ops', path = 'ops'}\n  groups.create{name = 'Tools', path = 'tools', parent_id = g.id}\nend)")
            ) { call in
                let function = try call.function(1)
                return try session.backend.transaction { try call.call(function) }
            },
            LuaFunction(
                LuaFunctionInfo(
                    name: prefix + "dry_run", signature: prefix + "dry_run(fn) -> changes, ...",
                    summary: "Runs fn, then rolls everything back; returns the changes it would have made (audit events, each with a readable `text`) and fn's results. An error in fn is raised after the rollback.",
                    example: "local changes = grove.dry_run(function() groups.transfer('old/team', {group_id = 'new'}) end)\nfor _, c in ipairs(changes) do print(c.text) end")
            ) { call in
                let function = try call.function(1)
                let (results, events) = try session.backend.dryRun { try call.call(function) }
                let changes: [LuaValue] = events.map { event in
                    guard case .map(var fields) = event.json.luaValue else { return .nil }
                    fields["text"] = .string(event.description)
                    return .map(fields)
                }
                return [.array(changes)] + results
            },
        ])
        guard module == "grove" else { return }
        try ParallelBindings.install(into: lua, session: session)
        // Role names wherever a level is taken: `access_level = grove.access.developer`.
        try lua.run("grove.access = {" + AccessLevel.byName.map { "\($0.name) = \($0.level)" }.joined(separator: ", ") + "}",
                    chunkName: "=[grove.access]")
    }
}

