import CLuaShim

/// A lazy Swift sequence seen from Lua as a generic-for iterator:
/// `for g in groups.list{} do ... end` asks for one item at a time, so a source
/// that fetches pages on demand fetches only the pages the loop reaches.
/// Also has `:all()`, `:first(n)`, `:count()` and `:peek(n)`.
public final class LuaIterator: Equatable {
    private let nextItem: () throws -> LuaValue?
    private let total: (() throws -> Int)?
    private let expect: ((Int?) -> Void)?
    private var finished = false
    /// Items `peek` fetched and nobody has taken yet; `next` hands them out first.
    private var lookahead: [LuaValue] = []
    /// The function that made the sequence (`groups.subgroups`): its errors are
    /// raised in that name. Set when a Swift function returns the iterator to Lua.
    public internal(set) var function: String?

    /// `next` returns nil when the sequence is over; `count`, when given, answers
    /// `:count()` without draining the sequence; `expect`, when given, is told how many
    /// more items `:first(n)` will take (nil again once it has them), so that a source
    /// fetching by batches fetches no more than that.
    public init(next: @escaping () throws -> LuaValue?, count: (() throws -> Int)? = nil, expect: ((Int?) -> Void)? = nil) {
        self.nextItem = next
        self.total = count
        self.expect = expect
    }

    public func next() throws -> LuaValue? {
        if !lookahead.isEmpty { return lookahead.removeFirst() }
        return try nextFromSource()
    }

    private func nextFromSource() throws -> LuaValue? {
        guard !finished else { return nil }
        guard let item = try nextItem(), !item.isNil else {
            finished = true
            return nil
        }
        return item
    }

    public func all() throws -> [LuaValue] {
        var items: [LuaValue] = []
        while let item = try next() { items.append(item) }
        return items
    }

    public func first(_ n: Int) throws -> [LuaValue] {
        guard n > 0 else { return [] }
        var items = Array(lookahead.prefix(n))
        lookahead.removeFirst(items.count)
        guard !finished, items.count < n else { return items }
        expect?(n - items.count)
        defer { expect?(nil) }
        while items.count < n, let item = try next() { items.append(item) }
        return items
    }

    /// At most n next items, left in the sequence: the loop, `:first` or `:all` that
    /// follows still gets them. The shell shows a list's first page this way, so that
    /// `_:all()` afterwards returns every item.
    public func peek(_ n: Int) throws -> [LuaValue] {
        if lookahead.count < n, !finished {
            let more = n - lookahead.count
            expect?(more)
            defer { expect?(nil) }
            var fetched: [LuaValue] = []
            while fetched.count < more, !finished, let item = try nextFromSource() { fetched.append(item) }
            lookahead += fetched
        }
        return Array(lookahead.prefix(max(n, 0)))
    }

    public func count() throws -> Int {
        if let total { return try total() + lookahead.count }
        var n = 0
        while try next() != nil { n += 1 }
        return n
    }

    /// Runs `step` on behalf of Lua: an error is raised in the name of the function
    /// that made the sequence, not of the iterator method Lua called.
    func raisingAsMaker<T>(_ step: (LuaIterator) throws -> T) throws -> T {
        do {
            return try step(self)
        } catch {
            guard let function else { throw error }
            throw RaisedFor(function: function, error: error)
        }
    }

    public static func == (a: LuaIterator, b: LuaIterator) -> Bool { a === b }
}

extension LuaState {
    /// __call, __index and __tostring of `grove.iterator` userdata.
    func installIteratorMethods() throws {
        func iterator(_ call: LuaCall) throws -> LuaIterator {
            guard case .iterator(let it) = try call.argument(1) else {
                throw call.fail(1, "grove.iterator expected, got \(call.typeName(1))")
            }
            return it
        }
        func count(_ call: LuaCall) throws -> Int {
            let n = try call.integer(2)
            guard n >= 0 else { throw call.fail(2, "must not be negative") }
            return Int(n)
        }
        let methods: [LuaFunction] = [
            LuaFunction(
                LuaFunctionInfo(name: "iterator:all", signature: "it:all()", summary: "Every remaining item, as a list.")
            ) { call in [.array(try iterator(call).raisingAsMaker { try $0.all() })] },
            LuaFunction(
                LuaFunctionInfo(name: "iterator:first", signature: "it:first(n)", summary: "At most n next items, as a list.")
            ) { call in
                let n = try count(call)
                return [.array(try iterator(call).raisingAsMaker { try $0.first(n) })]
            },
            LuaFunction(
                LuaFunctionInfo(name: "iterator:count", signature: "it:count()", summary: "How many items there are.")
            ) { call in [.integer(Int64(try iterator(call).raisingAsMaker { try $0.count() }))] },
            LuaFunction(
                LuaFunctionInfo(name: "iterator:peek", signature: "it:peek(n)", summary: "At most n next items, as a list, left for the loop that follows.")
            ) { call in
                let n = try count(call)
                return [.array(try iterator(call).raisingAsMaker { try $0.peek(n) })]
            },
        ]
        let call = LuaFunction(name: "iterator") { call in [try iterator(call).raisingAsMaker { try $0.next() } ?? .nil] }

        grove_getregistryfield(L, BoxKind.iterator.metatable)
        lua_pushstring(L, "__call")
        pushFunction(call, on: L)
        lua_rawset(L, -3)
        lua_pushstring(L, "__name")
        lua_pushstring(L, "grove.iterator")
        lua_rawset(L, -3)
        lua_pushstring(L, "__index")
        grove_newtable(L)
        for method in methods {
            lua_pushstring(L, method.name.split(separator: ":").last.map(String.init) ?? method.name)
            pushFunction(method, on: L)
            lua_rawset(L, -3)
        }
        lua_rawset(L, -3)
        grove_pop(L, 1)
    }
}
