import Foundation
import GroveCore
import GroveLua

/// Names GitLab's documentation uses for calls that are one operation with fixed options:
/// `groups.search(text)` (GET /groups?search=), `groups.upload_avatar(group, path_or_bytes)`
/// and `groups.remove_avatar(group)` (PUT /groups/:id with `avatar`). They go through the
/// session's backend like every binding, so they work on both backends.
enum GroupConveniences {
    static func functions(session: GroveSession, registry: OperationRegistry) -> [LuaFunction] {
        guard let list = registry["groups.list"]?.descriptor, let update = registry["groups.update"]?.descriptor,
              let idSpec = update.pathParams.first else { return [] }
        return [
            LuaFunction(
                LuaFunctionInfo(name: "groups.search", signature: "groups.search(text)",
                                summary: "Groups whose name or path contains text: groups.list{search = text}, lazily.",
                                example: "for g in groups.search('plat') do print(g.full_path) end")
            ) { call in
                let text = try call.string(1)
                return [.iterator(try session.backend.list(list, params: JSONObject([("search", .string(text))]), as: session.actingAs))]
            },
            LuaFunction(
                LuaFunctionInfo(name: "groups.upload_avatar", signature: "groups.upload_avatar(id, path_or_bytes [, filename])",
                                summary: "Sets a group's avatar from an image file's path or its bytes (filename names bytes; default avatar.png): groups.update(id, {avatar = ...}).",
                                example: "groups.upload_avatar('platform', 'logo.png')")
            ) { call in
                let id = try CoreBindings.positionalArgument(call, 1, idSpec)
                let source = try call.argument(2)
                let (filename, bytes): (String, [UInt8])
                switch source {
                case .string(let text) where FileManager.default.fileExists(atPath: text):
                    guard let data = FileManager.default.contents(atPath: text) else { throw call.fail(2, "cannot read \(text)") }
                    (filename, bytes) = ((text as NSString).lastPathComponent, [UInt8](data))
                case .string(let text):
                    (filename, bytes) = (try Self.filename(call), Array(text.utf8))
                case .bytes(let raw):
                    (filename, bytes) = (try Self.filename(call), raw)
                default:
                    throw call.fail(2, "path or bytes expected, got \(call.typeName(2))")
                }
                guard !bytes.isEmpty else { throw call.fail(2, "the image is empty") }
                let file: JSONValue = .object([("filename", .string(filename)), ("content", .string(Data(bytes).base64EncodedString()))])
                return [try session.backend.perform(update, params: JSONObject([("id", id), ("avatar", file)]), as: session.actingAs)?.luaResult ?? .nil]
            },
            LuaFunction(
                LuaFunctionInfo(name: "groups.remove_avatar", signature: "groups.remove_avatar(id)",
                                summary: "Removes a group's avatar: groups.update(id, {avatar = ''}).",
                                example: "groups.remove_avatar('platform')")
            ) { call in
                let id = try CoreBindings.positionalArgument(call, 1, idSpec)
                return [try session.backend.perform(update, params: JSONObject([("id", id), ("avatar", "")]), as: session.actingAs)?.luaResult ?? .nil]
            },
        ]
    }

    private static func filename(_ call: LuaCall) throws -> String {
        guard call.count >= 3 else { return "avatar.png" }
        return try call.string(3)
    }
}
