import Foundation

/// Instants are stored as milliseconds since the epoch (UTC) and rendered the way GitLab's
/// API does: `2026-01-02T03:04:05.678Z`; dates as `2026-01-02`.
public enum Timestamp {
    public static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    public static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    public static func iso8601(_ millis: Int64) -> String {
        String(unsafeUninitializedCapacity: maximumISO8601Length) { writeISO8601(millis, to: UnsafeMutableRawBufferPointer($0)) }
    }

    /// The longest `iso8601` text: a year of Int64 milliseconds has at most nine digits
    /// and a sign.
    public static let maximumISO8601Length = 32

    /// Writes `iso8601(millis)` as UTF-8 at the start of `out` (at least
    /// `maximumISO8601Length` bytes) and answers its length: one buffer, no string.
    public static func writeISO8601(_ millis: Int64, to out: UnsafeMutableRawBufferPointer) -> Int {
        let (secs, ms) = floorDiv(millis, 1000)
        let c = civil(secs)
        var n = writeDay(c, to: out)
        put(UInt8(ascii: "T"), out, &n)
        put(c.hh, width: 2, out, &n); put(UInt8(ascii: ":"), out, &n)
        put(c.mm, width: 2, out, &n); put(UInt8(ascii: ":"), out, &n)
        put(c.ss, width: 2, out, &n); put(UInt8(ascii: "."), out, &n)
        put(Int(ms), width: 3, out, &n); put(UInt8(ascii: "Z"), out, &n)
        return n
    }

    /// `YYYY-MM-DD` of the UTC day of an instant.
    public static func day(_ millis: Int64) -> String {
        String(unsafeUninitializedCapacity: maximumISO8601Length) {
            writeDay(civil(floorDiv(millis, 1000).0), to: UnsafeMutableRawBufferPointer($0))
        }
    }

    // Zero-padded digits by hand, in place: String(format:) dominated response rendering,
    // and an array per field still cost more than the rest of a timestamp.
    private static func put(_ byte: UInt8, _ out: UnsafeMutableRawBufferPointer, _ n: inout Int) {
        out[n] = byte
        n += 1
    }

    private static func put(_ value: Int, width: Int, _ out: UnsafeMutableRawBufferPointer, _ n: inout Int) {
        var v = value.magnitude
        var i = n + width - 1
        while i >= n { out[i] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10; i -= 1 }
        n += width
    }

    private static func writeDay(_ c: (y: Int, m: Int, d: Int, hh: Int, mm: Int, ss: Int), to out: UnsafeMutableRawBufferPointer) -> Int {
        var n = 0
        // A year past 0000-9999 (an accepted date at either end with an offset, in UTC) is
        // written whole and signed, as Ruby does (`-0001`, `10000`), never cut to four digits.
        if c.y < 0 { put(UInt8(ascii: "-"), out, &n) }
        var width = 4
        var rest = c.y.magnitude / 10_000
        while rest > 0 { width += 1; rest /= 10 }
        put(c.y, width: width, out, &n); put(UInt8(ascii: "-"), out, &n)
        put(c.m, width: 2, out, &n); put(UInt8(ascii: "-"), out, &n)
        put(c.d, width: 2, out, &n)
        return n
    }

    /// Parses `YYYY-MM-DD` (a four-digit year, 0000-9999) to the first millisecond of that UTC day.
    public static func parseDay(_ text: String) -> Int64? {
        parseDay(Array(text.utf8)[...])
    }

    private static func parseDay(_ s: ArraySlice<UInt8>) -> Int64? {
        let b = s.startIndex
        guard s.count == 10, s[b + 4] == UInt8(ascii: "-"), s[b + 7] == UInt8(ascii: "-"),
              let y = digits(s[b..<b + 4]), let m = digits(s[b + 5..<b + 7]), let d = digits(s[b + 8..<b + 10]),
              (1...12).contains(m), (1...daysIn(month: m, year: y)).contains(d) else { return nil }
        return daysFromCivil(y, m, d) * 86_400_000
    }

    /// Parses ISO-8601 date-times (`2026-01-02T03:04:05Z`, with an optional fraction of any
    /// length, read to the millisecond, and an optional offset `±HH:MM`, `±HHMM` or `±HH` up
    /// to 23:59) or a bare date. Anything else, a year outside 0000-9999 included, is nil
    /// (the caller's `<param> is invalid`), never a trap.
    public static func parseDateTime(_ text: String) -> Int64? {
        let s = Array(text.utf8)
        if s.count == 10 { return parseDay(s[...]) }
        guard s.count >= 19, let day = parseDay(s[0..<10]),
              s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t") || s[10] == UInt8(ascii: " "),
              s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
              let hh = digits(s[11..<13]), let mi = digits(s[14..<16]), let ss = digits(s[17..<19]),
              hh < 24, mi < 60, ss < 61 else { return nil }
        var i = 19
        var ms: Int64 = 0
        if i < s.count, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ",") {
            i += 1
            var count = 0
            while i < s.count, isDigit(s[i]) {
                if count < 3 { ms = ms * 10 + Int64(s[i] - 0x30) }
                count += 1; i += 1
            }
            guard count > 0 else { return nil }
            var scale = count
            while scale < 3 { ms *= 10; scale += 1 }
        }
        var offset: Int64 = 0
        if i < s.count {
            if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") { i += 1 }
            else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                let sign: Int64 = s[i] == UInt8(ascii: "+") ? 1 : -1
                let t = i + 1, n = s.count - t
                let minutes: ArraySlice<UInt8>? = switch n {
                case 2: []
                case 4: s[t + 2..<t + 4]
                case 5 where s[t + 2] == UInt8(ascii: ":"): s[t + 3..<t + 5]
                default: nil
                }
                guard let minutes, let oh = digits(s[t..<t + 2]), let om = minutes.isEmpty ? 0 : digits(minutes),
                      oh < 24, om < 60 else { return nil }
                offset = sign * Int64(oh * 3600 + om * 60) * 1000
                i = s.count
            } else { return nil }
        }
        guard i == s.count else { return nil }
        return day + Int64(hh * 3600 + mi * 60 + ss) * 1000 + ms - offset
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// The value of a run of ASCII digits only (no sign, no space: `Int("+1")` is 1).
    private static func digits(_ s: ArraySlice<UInt8>) -> Int? {
        guard !s.isEmpty, s.count <= 9 else { return nil }
        var v = 0
        for c in s { guard isDigit(c) else { return nil }; v = v * 10 + Int(c - 0x30) }
        return v
    }

    /// Division rounding down, for b > 0: the remainder is never negative. Written so that
    /// no step overflows, down to Int64.min.
    private static func floorDiv(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var q = a / b
        var r = a % b
        if r < 0 { q -= 1; r += b }
        return (q, r)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's civil-from-days algorithms: no calendar objects, no locale, thread-safe.
    private static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = Int64(m <= 2 ? y0 - 1 : y0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((m + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(_ secs: Int64) -> (y: Int, m: Int, d: Int, hh: Int, mm: Int, ss: Int) {
        let (days, rem) = floorDiv(secs, 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d), Int(rem / 3600), Int(rem % 3600 / 60), Int(rem % 60))
    }
}
