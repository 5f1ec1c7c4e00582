/// The 128-bit identifier of one labeled output, random per output.
///
/// The same value is written in the C2PA manifest (soft-binding assertion), in the GB 45438
/// `AIGC` label (`ProduceID`) and, through ``watermarkPayload``, into the invisible watermark.
public struct ContentID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The 16 bytes, big-endian.
    public let bytes: [UInt8]

    /// Creates an ID from exactly 16 bytes.
    /// - Throws: ``AssayCoreError/Code/invalidContentID`` if `bytes` is not 16 long.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 16 else {
            throw AssayCoreError.invalidContentID("content ID needs 16 bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// Parses 32 hex digits (upper or lower case; dashes are ignored, so UUID form is accepted).
    /// - Throws: ``AssayCoreError/Code/invalidContentID``.
    public init(hex: String) throws {
        let digits = hex.utf8.filter { $0 != UInt8(ascii: "-") }
        guard digits.count == 32 else {
            throw AssayCoreError.invalidContentID("content ID needs 32 hex digits, got \(digits.count)")
        }
        var out = [UInt8]()
        out.reserveCapacity(16)
        var index = digits.startIndex
        while index < digits.endIndex {
            guard let hi = Self.nibble(digits[index]), let lo = Self.nibble(digits[index + 1]) else {
                throw AssayCoreError.invalidContentID("content ID has a non-hex character")
            }
            out.append(hi << 4 | lo)
            index += 2
        }
        self.bytes = out
    }

    /// A fresh random ID from the system's cryptographic generator.
    public static func random() -> ContentID {
        var rng = SystemRandomNumberGenerator()
        return random(using: &rng)
    }

    /// A random ID from the given generator (tests pass a seeded one).
    public static func random<G: RandomNumberGenerator>(using rng: inout G) -> ContentID {
        let a = rng.next() as UInt64
        let b = rng.next() as UInt64
        return ContentID(high: a, low: b)
    }

    /// Creates an ID from two 64-bit halves.
    public init(high: UInt64, low: UInt64) {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            out[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        self.bytes = out
    }

    /// The first 64 bits: what the watermark carries and what the manifest repository indexes.
    public var watermarkPayload: UInt64 {
        bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Lower-case hex, 32 digits.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The same 128 bits in UUID form (8-4-4-4-12), as used in `urn:c2pa:` labels.
    public var uuidString: String {
        let h = Array(hex)
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-"
            + String(h[16..<20]) + "-" + String(h[20..<32])
    }

    public var description: String { hex }

    public static func < (lhs: ContentID, rhs: ContentID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(hex: try container.decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
