import GroveLua

/// `os.exit` in a run that has something to finish after the script: a transaction to
/// commit or roll back, a dry-run report, a plan to print. Lua's own would end the process
/// there; this one ends the script as an error whose text is `os.exit(N)`, which
/// `status(of:)` reads back (a `pcall` in the script can catch it, unlike Lua's).
enum ScriptExit {
    /// Replaces `os.exit` until `restore` puts Lua's back.
    static func install(in lua: LuaState) throws {
        try lua.run("""
            local registry, tointeger, setmetatable, error = debug.getregistry(), math.tointeger, setmetatable, error
            registry['grove.os_exit'] = registry['grove.os_exit'] or os.exit
            os.exit = function(code)
              local status = (code == nil or code == true) and 0 or code == false and 1 or tointeger(code) or 1
              -- The process's status, as exit(3) keeps it: its low byte.
              status = status % 256
              error(setmetatable({}, {__tostring = function() return 'os.exit(' .. status .. ')' end}), 0)
            end
            """, chunkName: "=[grove exit]")
    }

    /// Lua's `os.exit` again (the shell after `-i` exits as usual).
    static func restore(in lua: LuaState) throws {
        try lua.run("""
            local registry = debug.getregistry()
            if registry['grove.os_exit'] then os.exit = registry['grove.os_exit'] end
            """, chunkName: "=[grove exit]")
    }

    /// N when `error` is what the replaced `os.exit(N)` raised, else nil.
    static func status(of error: Error) -> Int32? {
        let message = (error as? ScriptError)?.message ?? "\(error)"
        guard message.hasPrefix("os.exit("), message.hasSuffix(")") else { return nil }
        return Int32(message.dropFirst("os.exit(".count).dropLast())
    }
}
