import GroveCore
import GroveHookDelivery
import GroveLua
import Testing
@testable import GroveBindings

@Suite("Core operations from Lua")
struct CoreBindingsTests {
    let lua = LuaState()
    let store: GroveStore

    init() throws {
        let store = try GroveStore.inMemory(hookTransport: HTTPHookTransport())
        self.store = store
        try CoreBindings.install(into: lua, session: GroveSession { store }, registry: store.registry)
    }

    @Test func createAndGetByPathWithRESTFieldNames() throws {
        let results = try lua.run("""
            local g = groups.create{name = "Platform", path = "platform", visibility = "internal"}
            local sub = groups.create{name = "API", path = "api", parent_id = g.id}
            local fetched = groups.get("platform/api")
            return fetched.id == sub.id, fetched.full_path, fetched.parent_id == g.id, fetched.visibility
            """)
        #expect(results == [true, "platform/api", true, "private"], "a subgroup gets the instance default, private")
    }

    @Test func jsonNullsAreGroveNull() throws {
        let results = try lua.run("""
            local g = groups.create{name = "Data", path = "data"}
            return g.parent_id == grove.null, g.parent_id ~= nil
            """)
        #expect(results == [true, true])
    }

    @Test func validationErrorsAreStructured() throws {
        let results = try lua.run("""
            groups.create{name = "Platform", path = "platform"}
            local ok, err = pcall(groups.create, {name = "Other", path = "platform"})
            return ok, err.status, err.errors.path[1], tostring(err)
            """)
        #expect(results == [false, 400, "has already been taken", #"groups.create: 400 {path = "has already been taken"}"#])
    }

    @Test func notFoundReadsLikeGitLab() throws {
        let results = try lua.run("local ok, err = pcall(groups.get, 'nope') return err.status, tostring(err)")
        #expect(results == [404, "groups.get: 404 Group Not Found"])
    }

    @Test func unknownOptionsAreErrorsListingAcceptedNames() throws {
        let error = try #require(throws: ScriptError.self) { try lua.run("groups.create{name = 'A', path = 'a', visibilty = 'private'}") }
        #expect(error.message.contains("visibilty"))
        #expect(error.message.contains("accepted:"))
        #expect(error.message.contains("visibility"))
    }

    @Test func positionalArgumentsAreNeitherListedNorTakenAsOptions() throws {
        let results = try lua.run("""
            local listed = {}
            """ + Self.everyHelpEntry + """
            for fn, info in pairs(entries) do
              if type(fn) == "function" and info.options then
                local positional = {}
                for name in info.signature:match("%((.*)%)"):gmatch("[^, ]+") do positional[name] = true end
                for _, o in ipairs(info.options) do
                  if positional[o.name] then listed[#listed + 1] = info.name .. ": " .. o.name end
                end
              end
            end
            groups.create{name = "Platform", path = "platform"}
            local _, err = pcall(members.update, "platform", 1, {user_id = 2, access_level = 30})
            return table.concat(listed, ", "), tostring(err)
            """)
        #expect(results == ["", "members.update: 400 user_id is argument #2, not an option"])
    }

    @Test func argumentTypesAreChecked() throws {
        let error = try #require(throws: ScriptError.self) { try lua.run("groups.get({})", chunkName: "=t.lua") }
        #expect(error.message == "t.lua:1: bad argument #1 to 'groups.get' (id: id or full path expected, got table)")
        let options = try #require(throws: ScriptError.self) { try lua.run("groups.create('x')", chunkName: "=t.lua") }
        #expect(options.message == "t.lua:1: bad argument #1 to 'groups.create' (table expected, got string)")
    }

    @Test func listsAreLazyIteratorsOverEveryPage() throws {
        let results = try lua.run("""
            for i = 1, 130 do groups.create{name = "G" .. i, path = "g" .. i} end
            local seen = 0
            for g in groups.list{search = "g"} do seen = seen + 1 end
            return seen, groups.list{search = "g"}:count(), #groups.list{search = "g"}:first(5),
                   #groups.list{search = "g", page = 2, per_page = 50}:all()
            """)
        #expect(results == [130, 130, 5, 50])
    }

    @Test func helpComesFromTheOperationDescriptions() throws {
        try lua.run("_out = {} print = function(s) _out[#_out + 1] = s end help(groups.create) help(groups.get)")
        let text = try lua.run("return table.concat(_out, '\\n')").first?.stringValue ?? ""
        #expect(text.contains("groups.create({options})"))
        #expect(text.contains("visibility"))
        #expect(text.contains("groups.get(id"))
        #expect(text.contains("Example:"))
        #expect(text.contains("groups.create{name = \"API\""))
    }

    @Test func functionNamesFollowGitLabsSectionTitles() throws {
        let names = ["branches.protect", "branches.unprotect", "branches.access", "hooks.add", "hooks.edit", "hooks.test",
                     "push_rules.add", "push_rules.check", "service_accounts.rotate_token", "security.update",
                     "ldap_links.sync", "saml_links.add", "members.add", "audit.list", "groups.transfer_locations"]
        for name in names {
            #expect(try lua.run("return type(\(name))") == ["function"], "\(name)")
        }
        let results = try lua.run("""
            local g = groups.create{name = "Platform", path = "platform"}
            local rule = branches.protect(g.id, {name = "release/*", push_access_level = 30})
            local ok, err = pcall(branches.protect, g.id, {name = "release/*"})
            return rule.name, #branches.list(g.id):all(), err.status, tostring(err):match("^branches.protect: ") ~= nil
            """)
        #expect(results == ["release/*", 1, 409, true])
    }

    @Test func anEmptyTableIsAnEmptyListForListParameters() throws {
        let results = try lua.run("""
            local g = groups.create{name = "Platform", path = "platform"}
            return #groups.list{skip_groups = {}}:all()
            """)
        #expect(results == [1])
    }

    /// Lua that leaves `entries`: the help entry of every function of every module.
    /// Help entries are made when first asked for, so the help table itself holds only
    /// those asked for so far.
    static var everyHelpEntry: String { """
        local help, entries, seen = debug.getregistry()["grove.help"], {}, {}
        local function walk(module)
          if seen[module] then return end
          seen[module] = true
          for _, value in pairs(module) do
            if type(value) == "table" then walk(value) elseif help[value] then entries[value] = help[value] end
          end
        end
        for _, name in ipairs{\(CoreBindings.globals.map { "\"\($0)\"" }.joined(separator: ", "))} do walk(_G[name]) end
        walk(grove)
        """
    }

    /// A host installs the bindings when a chunk first reads one of `CoreBindings.globals`:
    /// the list must be exactly what `install` defines.
    @Test func theGlobalsListedAreTheGlobalsInstalled() throws {
        let fresh = LuaState()
        let before = try fresh.run("local names = {} for k in pairs(_G) do names[#names + 1] = k end return names")
        try CoreBindings.install(into: fresh, session: GroveSession { store }, registry: store.registry)
        let after = try fresh.call(fresh.load("""
            local before, new = {}, {}
            for _, k in ipairs(...) do before[k] = true end
            for k in pairs(_G) do if not before[k] then new[#new + 1] = k end end
            table.sort(new)
            return table.concat(new, " ")
            """, chunkName: "=(test)"), before)
        #expect(after == [.string(CoreBindings.globals.sorted().joined(separator: " "))])
    }

    @Test func everyHelpExampleIsValidLua() throws {
        let results = try lua.run("""
            local checked, broken = 0, {}
            """ + Self.everyHelpEntry + """
            for _, info in pairs(entries) do
              if info.example then
                checked = checked + 1
                -- an example may be an expression (as typed in the shell) or statements
                if not (load("return " .. info.example) or load(info.example)) then broken[#broken + 1] = info.name .. ": " .. info.example end
              end
            end
            return checked, table.concat(broken, "\\n")
            """)
        #expect((results.first?.intValue ?? 0) > 80)
        #expect(results.last == "")
    }

    @Test func countAnswersFromTheFirstPageTotal() throws {
        let results = try lua.run("""
            for i = 1, 130 do groups.create{name = "G" .. i, path = "g" .. i} end
            local it = groups.list{search = "g", per_page = 20}
            local n = it:count()
            local first = it()   -- not drained: count() read the total, the items are still there
            local rest = groups.list{search = "g"}
            rest(); rest()
            return n, first ~= nil, rest:count()
            """)
        #expect(results == [130, true, 128])
    }

    @Test func iterationByKeyMatchesTheOffsetPagesInEveryOrder() throws {
        let results = try lua.run("""
            for i = 1, 130 do groups.create{name = "G" .. (i % 7), path = "g" .. i} end
            local mismatches = {}
            for _, o in ipairs{{"name", "asc"}, {"name", "desc"}, {"path", "desc"}, {"id", "desc"}} do
              local looped = {}
              for g in groups.list{order_by = o[1], sort = o[2], per_page = 3} do looped[#looped + 1] = g.id end
              local paged, page = {}, 1
              while true do
                local items = groups.list{order_by = o[1], sort = o[2], page = page, per_page = 20}:all()
                if #items == 0 then break end
                for _, g in ipairs(items) do paged[#paged + 1] = g.id end
                page = page + 1
              end
              if table.concat(looped, ",") ~= table.concat(paged, ",") or #looped ~= 130 then mismatches[#mismatches + 1] = o[1] .. " " .. o[2] end
            end
            return table.concat(mismatches, "; ")
            """)
        #expect(results == [""])
    }

    @Test func firstFetchesNoMoreThanItTakesAndCountFetchesNoItem() throws {
        for i in 1...30 { _ = try store.perform("groups.create", params: ["name": .string("G\(i)"), "path": .string("g\(i)")], as: .root) }
        var requests: [ListRequest] = []
        var fetched = 0
        let it = CoreBindings.pages(params: [:]) { [store] request in
            requests.append(request)
            let result = try store.perform("groups.list", params: [:], as: .root, list: request)
            fetched += result.items.count
            return result
        }
        #expect(try it.count() == 30)
        #expect(requests == [.count(after: nil)] && fetched == 0)
        #expect(try it.first(7).count == 7)
        #expect(requests.last == .after(nil, limit: 7) && fetched == 7)
        #expect(try it.first(0).isEmpty && fetched == 7)
        #expect(try it.count() == 23 && fetched == 7)
        guard case .count(after: .some) = requests.last else { Issue.record("count after the last key: \(requests)"); return }
        #expect(try it.next() != nil && fetched > 7)
        let buffered = fetched - 8
        #expect(try it.first(2).count == 2)
        #expect(fetched == 8 + max(buffered, 2))
        #expect(try it.all().count == 20)
        #expect(fetched == 30)
    }
}
