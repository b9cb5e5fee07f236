import CSV
import Foundation
import GroveLua

/// The CSV parsing and quoting under `grove.csv` (stdlib/grove/csv.lua), done by
/// a well-kept CSV library rather than Lua patterns: quoted fields, embedded
/// commas, quotes and newlines, CRLF.
public enum CSVBindings {
    public static func install(into lua: LuaState) throws {
        try lua.register(module: "grove.csvcodec", summary: "CSV text to lists of fields and back (require \"grove.csv\" reads and writes files with headers)", [
            LuaFunction(
                LuaFunctionInfo(name: "grove.csvcodec.decode", signature: "grove.csvcodec.decode(text) -> rows",
                    summary: "Every record of a CSV text as a list of field lists (the header too).")
            ) { call in
                let text = try call.string(1)
                let reader: CSVReader
                do {
                    reader = try CSVReader(string: text, hasHeaderRow: false)
                } catch {
                    throw StructuredError(message: "grove.csv: \(error)")
                }
                var rows: [LuaValue] = []
                while let row = reader.next() { rows.append(.array(row.map(LuaValue.string))) }
                if let error = reader.error { throw StructuredError(message: "grove.csv: \(error)") }
                return [.array(rows)]
            },
            LuaFunction(
                LuaFunctionInfo(name: "grove.csvcodec.encode", signature: "grove.csvcodec.encode(rows) -> text",
                    summary: "CSV text of a list of field lists, quoting where needed.")
            ) { call in
                guard let rows = try call.table(1).arrayValue else { throw call.fail(1, "list of rows expected") }
                let writer = try CSVWriter(stream: .toMemory())
                for (index, row) in rows.enumerated() {
                    guard let fields = row.arrayValue else { throw call.fail(1, "row \(index + 1) is not a list") }
                    try writer.write(row: fields.map { $0.stringValue ?? $0.intValue.map(String.init) ?? $0.doubleValue.map { "\($0)" } ?? "" },
                                     quotedAtIndex: { index in
                                         let field = fields[index].stringValue ?? ""
                                         return field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                                     })
                }
                writer.stream.close()
                let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
                return [.string(String(decoding: data, as: UTF8.self))]
            },
        ])
    }
}
