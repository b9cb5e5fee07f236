import CLuaShim

extension LuaState {
    /// Defers `install` until a chunk first reads one of `globals`, reads a field a module
    /// table lacks (`grove.as` before `grove.as` is there), walks `pairs(_G)` or asks for
    /// `help()`: a run that never touches what `install` sets up does not pay for it. It
    /// runs at most once.
    public func installLazily(globals: [String], _ install: @escaping () throws -> Void) throws {
        pushFunction(LuaFunction(name: "grove.install") { _ in
            try install()
            return []
        }, on: L)
        lua_setfield(L, grove_registryindex(), "grove.install")
        try call(load(Self.lazyGlobalsSource, chunkName: "=[grove prelude]"), [.array(globals.map(LuaValue.string))])
    }

    /// Runs a deferred `installLazily` now, if it has not run (the shell completes names
    /// from the globals).
    public func installPending() throws {
        try run("debug.getregistry()['grove.install_pending']()", chunkName: "=[grove prelude]")
    }

    private static let lazyGlobalsSource = """
        local names = ...
        local registry = debug.getregistry()
        local install_pending = registry["grove.install_pending"]
        local lazy = {}
        for _, name in ipairs(names) do lazy[name] = true end
        local lazy_globals = {}
        lazy_globals.__index = function(globals, key)
          if lazy[key] and install_pending() then return rawget(globals, key) end
        end
        -- pairs(_G) lists the modules too (next(_G) sees only what is there).
        lazy_globals.__pairs = function(globals)
          install_pending()
          return next, globals, nil
        end
        registry["grove.lazy_globals"] = lazy_globals
        setmetatable(_G, lazy_globals)
        """
}
