import Foundation
import GRDB
import Testing

/// Issue 15: a store on a small file system that fills up during a bulk script. The script
/// stops with an error naming the store and exit status 1; the store still opens (on the
/// full file system), passes `PRAGMA integrity_check` and holds every group whose creation
/// the script printed.
///
/// The file system is a 4 MiB tmpfs mounted in a private mount namespace (`unshare
/// --mount`, with `--user --map-root-user` when not root), so nothing is left mounted.
@Suite("A full disk")
struct FullDiskTests {
    static let script = """
        for i = 1, 100000 do
            groups.create{name = "Filler " .. i, path = "filler-" .. i, description = string.rep("x", 2000)}
            io.stdout:write("created filler-", i, "\\n")
            io.stdout:flush()
        end
        """

    @Test("a bulk script on a full tmpfs", .timeLimit(.minutes(3)))
    func bulkScriptOnAFullDisk() throws {
        let dir = try GroveProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let small = dir.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let scriptPath = dir.appendingPathComponent("fill.lua").path
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let store = small + "/grove.sqlite"
        // In the namespace: mount, fill, then read the store back while the disk is still
        // full, and copy it out (the tmpfs goes with the namespace).
        let shell = """
            set -u
            mount -t tmpfs -o size=4m tmpfs "$SMALL" || exit 97
            "$GROVE" --db "$STORE" run "$SCRIPT" > "$OUT/run.stdout" 2> "$OUT/run.stderr"
            echo $? > "$OUT/run.status"
            "$GROVE" --db "$STORE" -e 'print(groups.list{search = "filler"}:count())' > "$OUT/count.stdout" 2> "$OUT/count.stderr"
            echo $? > "$OUT/count.status"
            df -k "$SMALL" | tail -n 1 > "$OUT/df"
            cp "$STORE"* "$OUT/"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = (getuid() == 0 ? ["--mount"] : ["--user", "--map-root-user", "--mount"]) + ["sh", "-c", shell]
        var env = ProcessInfo.processInfo.environment
        env["XDG_STATE_HOME"] = NSTemporaryDirectory() + "grove-cli-state"
        env["GROVE"] = GroveProcess.executable.path
        env["SMALL"] = small
        env["STORE"] = store
        env["SCRIPT"] = scriptPath
        env["OUT"] = out
        process.environment = env
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let namespaceErrors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus != 97 && process.terminationStatus == 0,
                     "no small file system could be mounted here (unshare --mount and a tmpfs): \(namespaceErrors)")

        func read(_ name: String) -> String {
            (try? String(contentsOfFile: out + "/" + name, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }
        let printed = read("run.stdout").split(separator: "\n").compactMap { $0.hasPrefix("created ") ? String($0.dropFirst(8)) : nil }
        let stderr = read("run.stderr")
        #expect(read("run.status") == "1", "exit status \(read("run.status")), stderr: \(stderr)")
        #expect(stderr.contains("the store \(store) is full"), "\(stderr)")
        #expect(!stderr.contains("Fatal error"), "\(stderr)")
        #expect(printed.count > 10, "the script created \(printed.count) groups before the disk was full (df: \(read("df")))")

        // The store opened on the full file system and counted what was committed.
        #expect(read("count.status") == "0", "the store does not open on the full disk: \(read("count.stderr"))")
        #expect(Int(read("count.stdout")) == printed.count, "counted \(read("count.stdout")), printed \(printed.count)")

        let copy = try DatabaseQueue(path: out + "/grove.sqlite")
        defer { try? copy.close() }
        try copy.read { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            let stored = Set(try String.fetchAll(db, sql: "SELECT path FROM namespaces WHERE path LIKE 'filler-%'"))
            #expect(Set(printed) == stored, "printed but not stored: \(Set(printed).subtracting(stored).sorted().prefix(5)); stored but not printed: \(stored.subtracting(printed).sorted().prefix(5))")
        }
        print("full disk: \(printed.count) groups committed before the 4 MiB tmpfs was full; \(stderr.split(separator: "\n").first ?? "")")
    }
}
