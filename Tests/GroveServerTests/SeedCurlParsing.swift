import Foundation
import GroveCore

/// One `curl` example of GitLab's REST docs (the seeds, copied in `Tests/seeds`), as written.
struct SeedCurlExample: Sendable {
    let file: String
    /// 1-based line of the `curl` word.
    let line: Int
    /// The command's text, its lines joined with `\n` (continuations kept).
    let command: String
    /// True when a line was joined although the line before did not end in `\` (a seed typo).
    let joinedWithoutBackslash: Bool
    /// The JSON text after "Example response:" (or "Response:"), before the next example or section.
    let documentedResponse: String?

    var id: String { "\(file):\(line)" }
}

struct SeedCurlError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Finds the examples and their documented responses in the seed files.
enum SeedCurlDocs {
    static let files = ["groups_api.txt", "groups_api_older_edition.md", "group_protected_branches_api.md",
                        "group_push_rules_api.md", "group_security_settings_api.md"]

    /// `Tests/seeds`: the seeds, copied into the repository so that every checkout has them
    /// (this file is `Tests/GroveServerTests/…`).
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("seeds")
    }

    /// Every example of every seed file; a missing folder or file is an error, never an empty list.
    static func load() throws -> [SeedCurlExample] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SeedCurlError("the seeds folder \(directory.path) (Tests/seeds in the repository) is missing")
        }
        return try files.flatMap { name in
            let url = directory.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw SeedCurlError("seed file \(url.path) is missing or unreadable") }
            return examples(in: text, file: name)
        }
    }

    static func examples(in text: String, file: String) -> [SeedCurlExample] {
        let lines = text.replacingOccurrences(of: "\r", with: "").components(separatedBy: "\n")
        let markdown = file.hasSuffix(".md")
        var found: [SeedCurlExample] = []
        var i = 0
        while i < lines.count {
            guard lines[i].hasPrefix("curl -") else { i += 1; continue }
            let start = i
            var command = lines[i]
            var joined = false
            while i + 1 < lines.count {
                if SeedCurlShell.isUnfinished(command) {
                    command += "\n" + lines[i + 1]
                } else if lines[i + 1].first?.isWhitespace == true, lines[i + 1].trimmingCharacters(in: .whitespaces).hasPrefix("--") {
                    // An indented option right after the command: its `\` was forgotten.
                    command += "\n" + lines[i + 1]
                    joined = true
                } else {
                    break
                }
                i += 1
            }
            found.append(SeedCurlExample(file: file, line: start + 1, command: command, joinedWithoutBackslash: joined,
                                         documentedResponse: response(lines, after: i, markdown: markdown)))
            i += 1
        }
        return found
    }

    /// The first JSON block after a response label, unless another example, an endpoint line
    /// (`GET /groups/...`) or (Markdown) a heading comes first.
    static func response(_ lines: [String], after end: Int, markdown: Bool) -> String? {
        var labelled = false
        var k = end + 1
        while k < lines.count {
            let trimmed = lines[k].trimmingCharacters(in: .whitespaces)
            let lower = trimmed.lowercased()
            if lines[k].hasPrefix("curl -") || isEndpointLine(trimmed) || (markdown && trimmed.hasPrefix("#")) { return nil }
            if lower.hasPrefix("example response") || lower.hasSuffix("response:") {
                labelled = true
            } else if labelled, markdown, trimmed == "```json" {
                let body = lines[(k + 1)...].prefix { $0.trimmingCharacters(in: .whitespaces) != "```" }
                return body.joined(separator: "\n")
            } else if labelled, !markdown, trimmed == "{" || trimmed == "[" {
                return balanced(lines, from: k)
            }
            k += 1
        }
        return nil
    }

    static func isEndpointLine(_ line: String) -> Bool {
        ["GET /", "POST /", "PUT /", "PATCH /", "DELETE /"].contains { line.hasPrefix($0) }
    }

    /// The lines from `start` up to the one that closes the bracket opened there.
    static func balanced(_ lines: [String], from start: Int) -> String {
        var depth = 0
        var taken: [String] = []
        for line in lines[start...] {
            taken.append(line)
            var inString = false, escaped = false
            for c in SeedCurlJSON.withoutComment(line) {
                if escaped { escaped = false; continue }
                if inString {
                    if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                } else if c == "\"" {
                    inString = true
                } else if c == "{" || c == "[" {
                    depth += 1
                } else if c == "}" || c == "]" {
                    depth -= 1
                }
            }
            if depth <= 0 { break }
        }
        return taken.joined(separator: "\n")
    }
}

/// Just enough of the shell's word rules to run an example without a shell.
enum SeedCurlShell {
    /// True when the text ends inside quotes or right after a `\` (the command goes on).
    static func isUnfinished(_ text: String) -> Bool {
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped { escaped = false; continue }
            switch quote {
            case "'": if c == "'" { quote = nil }
            case "\"": if c == "\\" { escaped = true } else if c == "\"" { quote = nil }
            default: if c == "\\" { escaped = true } else if c == "'" || c == "\"" { quote = c }
            }
        }
        return quote != nil || escaped
    }

    /// The argument vector: blanks separate words, `\`-newline continues, `'…'` is literal,
    /// `"…"` honours `\"`, `\\`, `\$`. Expansions and operators are refused: after the
    /// substitutions none may be left.
    static func words(_ text: String) throws -> [String] {
        let chars = Array(text)
        var words: [String] = []
        var current = ""
        var inWord = false
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            case "\\":
                i += 1
                guard i < chars.count else { throw SeedCurlError("a trailing backslash") }
                if chars[i] != "\n" { current.append(chars[i]); inWord = true }
            case "'":
                inWord = true
                i += 1
                while i < chars.count, chars[i] != "'" { current.append(chars[i]); i += 1 }
                guard i < chars.count else { throw SeedCurlError("an unterminated single quote") }
            case "\"":
                inWord = true
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count, "\"\\$`\n".contains(chars[i + 1]) {
                        i += 1
                        if chars[i] != "\n" { current.append(chars[i]) }
                    } else if chars[i] == "$" || chars[i] == "`" {
                        throw SeedCurlError("a shell expansion (\(chars[i])) inside double quotes")
                    } else {
                        current.append(chars[i])
                    }
                    i += 1
                }
                guard i < chars.count else { throw SeedCurlError("an unterminated double quote") }
            case "$", "`", "|", ";", "&", "<", ">", "(", ")":
                throw SeedCurlError("shell syntax '\(c)' outside quotes")
            default:
                current.append(c)
                inWord = true
            }
            i += 1
        }
        if inWord { words.append(current) }
        return words
    }
}

/// Documented JSON made parseable, and the shape comparison.
enum SeedCurlJSON {
    /// The line without a `//` comment outside strings.
    static func withoutComment(_ line: String) -> String {
        var inString = false, escaped = false
        let chars = Array(line)
        for (i, c) in chars.enumerated() {
            if escaped { escaped = false; continue }
            if inString {
                if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == "/", i + 1 < chars.count, chars[i + 1] == "/" {
                return String(chars[..<i])
            }
        }
        return line
    }

    /// Drops `//` comments and `...` elision lines, then the commas they leave before `]` / `}`.
    static func normalised(_ text: String) -> String {
        let lines = text.components(separatedBy: "\n").map(withoutComment).filter {
            let t = $0.trimmingCharacters(in: .whitespaces)
            return t != "..." && t != "...,"
        }
        let chars = Array(lines.joined(separator: "\n"))
        var out = ""
        var inString = false, escaped = false
        for (i, c) in chars.enumerated() {
            if escaped { escaped = false; out.append(c); continue }
            if inString {
                if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == "," {
                let next = chars[(i + 1)...].first { !$0.isWhitespace }
                if next == "]" || next == "}" { continue }
            }
            out.append(c)
        }
        return out
    }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    struct Report {
        var mismatches: [String] = []
        /// Keys Grove sends that the example does not show (listed, not failed).
        var extras: [String] = []
        /// The documented paths looked at.
        var visited: Set<String> = []
    }

    /// Same kind; objects: every documented key present, with the same kind unless the
    /// documented value is null; arrays: the first elements compared. `tolerated` paths may be
    /// missing, null or an empty array in Grove's answer whatever the example shows.
    static func compare(_ documented: JSONValue, _ actual: JSONValue, path: String = "$", tolerated: Set<String>, into report: inout Report) {
        report.visited.insert(path)
        if documented.isNull { return }
        if tolerated.contains(path), actual.isNull || actual.arrayValue?.isEmpty == true { return }
        guard kind(documented) == kind(actual) else {
            report.mismatches.append("\(path): documented \(kind(documented)), got \(kind(actual)) \(JSONText.encode(actual).prefix(80))")
            return
        }
        switch (documented, actual) {
        case (.object(let d), .object(let a)):
            for (key, value) in d {
                if let got = a[key] {
                    compare(value, got, path: "\(path).\(key)", tolerated: tolerated, into: &report)
                } else if tolerated.contains("\(path).\(key)") {
                    report.visited.insert("\(path).\(key)")
                } else {
                    report.mismatches.append("\(path).\(key): missing")
                }
            }
            let documentedKeys = Set(d.keys)
            report.extras += a.keys.filter { !documentedKeys.contains($0) }.map { "\(path).\($0)" }
        case (.array(let d), .array(let a)):
            guard let first = d.first else { return }
            guard let got = a.first else {
                report.mismatches.append("\(path): documented a non-empty array, got [] (element shape unchecked)")
                return
            }
            compare(first, got, path: "\(path)[0]", tolerated: tolerated, into: &report)
        default:
            break
        }
    }
}

/// Runs the real `curl` (no shell) and splits its output into body and status.
enum SeedCurlRunner {
    static let marker = "\n__grove_curl_status__"

    static func executable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/curl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw SeedCurlError("curl is not installed (scripts/setup installs Debian's curl)")
    }

    struct Reply {
        let status: Int
        let body: String
    }

    /// `curl -sS -w …` plus the example's own arguments, in `directory`.
    static func run(_ words: [String], in directory: URL) async throws -> Reply {
        let program = try executable()
        let arguments = ["-sS", "--max-time", "30", "-w", marker + "%{http_code}"] + words
        // A thread of its own: the server under test needs the cooperative pool meanwhile.
        return try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runBlocking(program, arguments, in: directory) }) }.start()
        }
    }

    private static func runBlocking(_ program: String, _ arguments: [String], in directory: URL) throws -> Reply {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let errorFile = directory.appendingPathComponent(".curl-stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let errors = try FileHandle(forWritingTo: errorFile)
        defer { try? errors.close() }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0, let split = text.range(of: marker, options: .backwards),
              let status = Int(text[split.upperBound...]) else {
            let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw SeedCurlError("curl exited \(process.terminationStatus): \(stderr) \(text.prefix(300))")
        }
        return Reply(status: status, body: String(text[..<split.lowerBound]))
    }
}
