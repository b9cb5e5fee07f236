/// Where a presenter writes an object's fields in order: a `JSONObject` (a tree, for REST
/// and single results) or a `JSONTapeWriter` (a batch of a list's items, for a loop).
public protocol JSONObjectBuilder {
    /// Appends a key the caller knows is new in the object being built.
    mutating func append(_ key: String, _ value: JSONValue)
    /// Appends `key` with the string `head + tail` (an address), without making it first.
    mutating func append(_ key: String, _ head: String, _ tail: String)
    /// Appends `key` with the instant `millis` as `Timestamp.iso8601` writes it.
    mutating func append(_ key: String, iso8601 millis: Int64)
    /// Appends `key` with an object whose fields `fields` appends.
    mutating func appendObject(_ key: String, _ fields: (inout Self) throws -> Void) rethrows
}

extension JSONObject: JSONObjectBuilder {
    public mutating func append(_ key: String, _ head: String, _ tail: String) { append(key, .string(head + tail)) }
    public mutating func append(_ key: String, iso8601 millis: Int64) { append(key, .string(Timestamp.iso8601(millis))) }
    public mutating func appendObject(_ key: String, _ fields: (inout JSONObject) throws -> Void) rethrows {
        var nested = JSONObject()
        try fields(&nested)
        append(key, .object(nested))
    }
}

/// JSON values written one after another into one block of memory: the items of a batch
/// of a list, read back in order. A batch of a thousand items of forty fields is a few
/// allocations here, not forty thousand values to build and then free; a reader pushes
/// them to Lua from the bytes, with no `JSONValue` in between.
///
/// Layout, per value: a tag byte, then `int` and `double` 8 bytes, `string` a 4-byte
/// length and the UTF-8 bytes, `array` a 4-byte count and its values, `object` a 4-byte
/// count and per field a key (4-byte number in `keys`) then its value. Native byte order.
/// A batch's items have the same few dozen names: each is kept once, and a reader pushing
/// to Lua makes one Lua string per name, not per field. Immutable once written, hence
/// Sendable.
public final class JSONTape: @unchecked Sendable {
    enum Tag: UInt8 {
        case null, `false`, `true`, int, double, string, array, object
    }

    private let bytes: UnsafeMutableRawPointer
    private let size: Int
    /// Where each top-level value starts.
    private let starts: [Int]
    /// The object keys, by the number the tape writes for each.
    public let keys: [String]

    fileprivate init(bytes: UnsafeMutableRawPointer, size: Int, starts: [Int], keys: [String]) {
        self.bytes = bytes
        self.size = size
        self.starts = starts
        self.keys = keys
    }

    deinit { bytes.deallocate() }

    /// The number of top-level values.
    public var count: Int { starts.count }

    /// Reads the value at `index` (0 ..< count) through a reader positioned on it.
    public func read<T>(_ index: Int, _ body: (inout Reader) throws -> T) rethrows -> T {
        var reader = Reader(buffer: UnsafeRawBufferPointer(start: bytes, count: size), offset: starts[index], keys: keys)
        return try withExtendedLifetime(self) { try body(&reader) }
    }

    /// The value at `index` as a tree.
    public func value(at index: Int) -> JSONValue { read(index) { $0.value() } }

    /// Every top-level value, as trees.
    public var values: [JSONValue] { (0..<count).map(value(at:)) }

    /// A cursor over a tape's bytes, valid inside `read`. It reads what `JSONTapeWriter`
    /// wrote and nothing else.
    public struct Reader {
        public enum Token {
            case null
            case bool(Bool)
            case int(Int64)
            case double(Double)
            /// UTF-8 bytes, valid inside `read`.
            case string(UnsafeRawBufferPointer)
            /// That many values follow.
            case array(count: Int)
            /// That many keys (`key()`) and values follow.
            case object(count: Int)
        }

        let buffer: UnsafeRawBufferPointer
        var offset: Int
        /// The tape's.
        public let keys: [String]

        public mutating func next() -> Token {
            let tag = Tag(rawValue: buffer[offset]) ?? .null
            offset += 1
            switch tag {
            case .null: return .null
            case .false: return .bool(false)
            case .true: return .bool(true)
            case .int: return .int(Int64(bitPattern: load()))
            case .double: return .double(Double(bitPattern: load()))
            case .string: return .string(bytes())
            case .array: return .array(count: Int(length()))
            case .object: return .object(count: Int(length()))
            }
        }

        /// An object's key: its number in `keys`.
        public mutating func key() -> Int { Int(length()) }

        private mutating func bytes() -> UnsafeRawBufferPointer {
            let n = Int(length())
            defer { offset += n }
            return UnsafeRawBufferPointer(rebasing: buffer[offset ..< offset + n])
        }

        private mutating func length() -> UInt32 {
            defer { offset += 4 }
            return buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        }

        private mutating func load() -> UInt64 {
            defer { offset += 8 }
            return buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        }

        /// The value at the cursor as a tree.
        public mutating func value() -> JSONValue {
            switch next() {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            case .string(let utf8): return .string(String(decoding: utf8, as: UTF8.self))
            case .array(let n): return .array((0..<n).map { _ in value() })
            case .object(let n):
                var object = JSONObject(capacity: n)
                for _ in 0..<n {
                    let k = keys[key()]
                    object.append(k, value())
                }
                return .object(object)
            }
        }
    }
}

/// Writes a `JSONTape`: top-level objects through `appendObject(_:)`, their fields through
/// the `JSONObjectBuilder` methods, then `finish()`. A class: it owns the memory it writes
/// until `finish` hands it to the tape.
public final class JSONTapeWriter: JSONObjectBuilder {
    private typealias Tag = JSONTape.Tag

    private var bytes: UnsafeMutableRawPointer
    private var capacity: Int
    private var size = 0
    private var starts: [Int] = []
    /// Where the count of the object being written is (its fields add to it), and those of
    /// the objects around it.
    private var countAt = -1
    private var outerCounts: [Int] = []
    private var finished = false
    /// The keys written so far, numbered in order, and their numbers.
    private var keys: [String] = []
    private var keyNumbers: [String: UInt32] = [:]
    /// The key at each place of the last top-level value, and its number: the items of a
    /// list have the same names in the same order, so a key is mostly found here by
    /// identity (the same string literal) without hashing it.
    @exclusivity(unchecked) private var keysByPlace: [(name: String, number: UInt32)] = []
    @exclusivity(unchecked) private var place = 0

    public init(capacity: Int = 16_384) {
        self.capacity = max(capacity, 64)
        bytes = .allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { if !finished { bytes.deallocate() } }

    /// The tape written; the writer is spent.
    public func finish() -> JSONTape {
        precondition(!finished && countAt < 0, "a JSONTapeWriter finishes once, with every object closed")
        finished = true
        return JSONTape(bytes: bytes, size: size, starts: starts, keys: keys)
    }

    /// Appends one top-level object whose fields `fields` appends.
    public func appendObject(_ fields: (inout JSONTapeWriter) throws -> Void) rethrows {
        starts.append(size)
        place = 0
        try writeObject(fields)
    }

    /// Appends one top-level value.
    public func appendValue(_ value: JSONValue) {
        starts.append(size)
        place = 0
        write(value)
    }

    public func append(_ key: String, _ value: JSONValue) {
        writeKey(key)
        write(value)
    }

    public func append(_ key: String, _ head: String, _ tail: String) {
        writeKey(key)
        writeTag(.string)
        var head = head, tail = tail
        head.withUTF8 { head in
            tail.withUTF8 { tail in
                writeLength(head.count + tail.count)
                writeBytes(UnsafeRawBufferPointer(head))
                writeBytes(UnsafeRawBufferPointer(tail))
            }
        }
    }

    public func append(_ key: String, iso8601 millis: Int64) {
        writeKey(key)
        writeTag(.string)
        reserve(4 + Timestamp.maximumISO8601Length)
        let written = Timestamp.writeISO8601(millis, to: UnsafeMutableRawBufferPointer(start: bytes + size + 4, count: Timestamp.maximumISO8601Length))
        writeLength(written)
        size += written
    }

    public func appendObject(_ key: String, _ fields: (inout JSONTapeWriter) throws -> Void) rethrows {
        writeKey(key)
        try writeObject(fields)
    }

    private func writeObject(_ fields: (inout JSONTapeWriter) throws -> Void) rethrows {
        writeTag(.object)
        outerCounts.append(countAt)
        countAt = size
        writeLength(0)
        // A presenter that throws leaves the object closed all the same (the batch is dropped).
        defer { countAt = outerCounts.removeLast() }
        var writer = self
        try fields(&writer)
    }

    private func writeKey(_ key: String) {
        if countAt >= 0 {
            let count = bytes.loadUnaligned(fromByteOffset: countAt, as: UInt32.self)
            bytes.storeBytes(of: count &+ 1, toByteOffset: countAt, as: UInt32.self)
        }
        writeKeyNumber(key)
    }

    private func writeKeyNumber(_ key: String) {
        let at = place
        place += 1
        if at < keysByPlace.count, keysByPlace[at].name == key {
            writeLength(Int(keysByPlace[at].number))
            return
        }
        let number: UInt32
        if let known = keyNumbers[key] {
            number = known
        } else {
            // Memory runs out long before a batch has 4 billion different names.
            number = UInt32(clamping: keys.count)
            keys.append(key)
            keyNumbers[key] = number
        }
        if at < keysByPlace.count { keysByPlace[at] = (key, number) } else { keysByPlace.append((key, number)) }
        writeLength(Int(number))
    }

    private func write(_ value: JSONValue) {
        switch value {
        case .null: writeTag(.null)
        case .bool(let b): writeTag(b ? .true : .false)
        case .int(let i):
            writeTag(.int)
            writeWord(UInt64(bitPattern: i))
        case .double(let d):
            writeTag(.double)
            writeWord(d.bitPattern)
        case .string(let s):
            writeTag(.string)
            writeString(s)
        case .array(let items):
            writeTag(.array)
            writeLength(items.count)
            for item in items { write(item) }
        case .object(let object):
            writeTag(.object)
            writeLength(object.count)
            for (key, value) in object {
                writeKeyNumber(key)
                write(value)
            }
        }
    }

    private func writeString(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            writeLength(utf8.count)
            writeBytes(UnsafeRawBufferPointer(utf8))
        }
    }

    @inline(__always) private func reserve(_ n: Int) {
        if n > capacity - size { grow(n) }
    }

    private func grow(_ n: Int) {
        var newCapacity = capacity
        while newCapacity - size < n { newCapacity = newCapacity.multipliedReportingOverflow(by: 2).overflow ? Int.max : newCapacity * 2 }
        let moved = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        moved.copyMemory(from: bytes, byteCount: size)
        bytes.deallocate()
        bytes = moved
        capacity = newCapacity
    }

    @inline(__always) private func writeTag(_ tag: Tag) {
        reserve(1)
        bytes.storeBytes(of: tag.rawValue, toByteOffset: size, as: UInt8.self)
        size += 1
    }

    /// A length or count: JSON values Grove writes stay far below 4 GiB.
    @inline(__always) private func writeLength(_ n: Int) {
        reserve(4)
        bytes.storeBytes(of: UInt32(clamping: n), toByteOffset: size, as: UInt32.self)
        size += 4
    }

    @inline(__always) private func writeWord(_ word: UInt64) {
        reserve(8)
        bytes.storeBytes(of: word, toByteOffset: size, as: UInt64.self)
        size += 8
    }

    @inline(__always) private func writeBytes(_ source: UnsafeRawBufferPointer) {
        guard let base = source.baseAddress, !source.isEmpty else { return }
        reserve(source.count)
        (bytes + size).copyMemory(from: base, byteCount: source.count)
        size += source.count
    }
}
