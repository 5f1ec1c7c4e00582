import AssayCore

extension UInt32 {
    /// Reads a big-endian value at `index` (the caller has checked the bounds).
    init(bigEndian bytes: [UInt8], at index: Int) {
        self =
            UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8
            | UInt32(bytes[index + 3])
    }
}

extension UInt64 {
    /// Reads a big-endian value at `index` (the caller has checked the bounds).
    init(bigEndian bytes: [UInt8], at index: Int) {
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(bytes[index + i]) }
        self = v
    }
}

/// A bounds-checked big-endian cursor over an in-memory payload; errors name the absolute offset.
struct ByteCursor {
    let bytes: [UInt8]
    /// Absolute file offset of `bytes[0]`.
    let base: Int64
    let sourceName: String?
    var position = 0

    init(_ bytes: [UInt8], base: Int64, sourceName: String?) {
        self.bytes = bytes
        self.base = base
        self.sourceName = sourceName
    }

    var remaining: Int { bytes.count - position }
    var absolutePosition: Int64 { base + Int64(position) }

    func location(_ at: Int? = nil) -> InputLocation { .init(path: sourceName, offset: base + Int64(at ?? position)) }

    mutating func need(_ n: Int, _ what: String) throws {
        guard n >= 0, n <= remaining else {
            throw BMFFError.invalidTable("\(what) needs \(n) bytes, \(remaining) left in its box", at: location())
        }
    }

    mutating func u8(_ what: String) throws -> UInt8 {
        try need(1, what)
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u16(_ what: String) throws -> UInt16 {
        try need(2, what)
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    mutating func u24(_ what: String) throws -> UInt32 {
        try need(3, what)
        defer { position += 3 }
        return UInt32(bytes[position]) << 16 | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2])
    }

    mutating func u32(_ what: String) throws -> UInt32 {
        try need(4, what)
        defer { position += 4 }
        return UInt32(bigEndian: bytes, at: position)
    }

    mutating func u64(_ what: String) throws -> UInt64 {
        try need(8, what)
        defer { position += 8 }
        return UInt64(bigEndian: bytes, at: position)
    }

    /// Reads an unsigned integer of `width` bytes (0, 1, 2, 4 or 8; 0 reads as 0).
    mutating func uint(width: Int, _ what: String) throws -> UInt64 {
        try need(width, what)
        var v: UInt64 = 0
        for i in 0..<width { v = v << 8 | UInt64(bytes[position + i]) }
        position += width
        return v
    }

    mutating func skip(_ n: Int, _ what: String) throws {
        try need(n, what)
        position += n
    }

    mutating func take(_ n: Int, _ what: String) throws -> [UInt8] {
        try need(n, what)
        defer { position += n }
        return Array(bytes[position..<position + n])
    }
}

/// Big-endian encoders for building boxes.
enum BE {
    static func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func u32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
    static func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8((v >> (56 - 8 * UInt64($0))) & 0xFF) } }
    /// `value` in `width` bytes (the caller has checked it fits).
    static func uint(_ v: UInt64, width: Int) -> [UInt8] {
        (0..<width).map { UInt8((v >> (8 * UInt64(width - 1 - $0))) & 0xFF) }
    }
    /// Writes `value` in `width` bytes into `bytes` at `index`.
    static func put(_ v: UInt64, width: Int, into bytes: inout [UInt8], at index: Int) {
        for i in 0..<width { bytes[index + i] = UInt8((v >> (8 * UInt64(width - 1 - i))) & 0xFF) }
    }
}
