/// Where the cursor is in the line being typed, as far as completion cares: the name
/// of an option being typed in a function's options table (`groups.create{vis`), or a
/// string being typed as an option's value (`visibility = "int`) or as a positional
/// argument (`groups.get("plat`). Read from the text before the cursor with a small
/// scanner of Lua's strings, comments and brackets; anything else is `.code`.
enum CompletionContext: Equatable {
    /// Ordinary code: globals and fields complete.
    case code
    /// A key of the options table of `function`; `partial` typed so far.
    case optionName(function: String, partial: String)
    /// Inside a string (opened by `quote`) given as the option `option` of `function`.
    case optionValue(function: String, option: String, typed: String, quote: Character)
    /// Inside a string given as positional argument `position` (1-based) of `function`.
    case argument(function: String, position: Int, typed: String, quote: Character)

    private struct Frame {
        let opener: Character
        let start: Int
        var commas = 0
        /// Where the current item (after the opener or the last comma) begins.
        var itemStart: Int
    }

    init(line: String) {
        let chars = Array(line)
        var frames: [Frame] = []
        var string: (quote: Character, start: Int)?
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let open = string {
                if c == "\\" { i += 2; continue }
                if c == open.quote { string = nil }
                i += 1
                continue
            }
            switch c {
            case "\"", "'":
                string = (c, i)
            case "-" where i + 1 < chars.count && chars[i + 1] == "-":
                self = .code  // a comment: nothing to complete in it
                return
            case "(", "{", "[":
                frames.append(Frame(opener: c, start: i, itemStart: i + 1))
            case ")", "}", "]":
                if !frames.isEmpty { frames.removeLast() }
            case ",", ";":
                if !frames.isEmpty {
                    frames[frames.count - 1].commas += 1
                    frames[frames.count - 1].itemStart = i + 1
                }
            default:
                break
            }
            i += 1
        }
        guard let frame = frames.last else {
            self = .code
            return
        }
        let item = String(chars[frame.itemStart..<(string?.start ?? chars.count)])
        let trimmed = item.trimmingCharacters(in: .whitespaces)
        if let string {
            let typed = String(chars[(string.start + 1)...])
            if frame.opener == "{", let key = trimmed.wholeMatch(of: /([A-Za-z_][A-Za-z0-9_]*)\s*=/)?.1,
               let function = Self.function(owning: frames.count - 1, frames, chars) {
                self = .optionValue(function: function, option: String(key), typed: typed, quote: string.quote)
                return
            }
            if frame.opener == "(", trimmed.isEmpty, let function = Self.name(before: frame.start, chars) {
                self = .argument(function: function, position: frame.commas + 1, typed: typed, quote: string.quote)
                return
            }
            self = .code
            return
        }
        if frame.opener == "{", trimmed.isEmpty || trimmed.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]*/) != nil,
           let function = Self.function(owning: frames.count - 1, frames, chars) {
            self = .optionName(function: function, partial: trimmed)
            return
        }
        self = .code
    }

    /// The function a table is the options of: `f{` or `f(a, {`.
    private static func function(owning index: Int, _ frames: [Frame], _ chars: [Character]) -> String? {
        let start = frames[index].start
        if let name = name(before: start, chars) { return name }
        var j = start - 1
        while j >= 0, chars[j] == " " || chars[j] == "\t" { j -= 1 }
        guard j >= 0, chars[j] == "(" || chars[j] == ",", index > 0, frames[index - 1].opener == "(" else { return nil }
        return name(before: frames[index - 1].start, chars)
    }

    /// The dotted name right before `position` (spaces allowed between): `groups.create`.
    private static func name(before position: Int, _ chars: [Character]) -> String? {
        var end = position
        while end > 0, chars[end - 1] == " " || chars[end - 1] == "\t" { end -= 1 }
        var start = end
        while start > 0, chars[start - 1].isLetter || chars[start - 1].isNumber || "_.".contains(chars[start - 1]) { start -= 1 }
        let name = String(chars[start..<end])
        return name.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/) != nil ? name : nil
    }
}
