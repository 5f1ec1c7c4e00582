/// A CBOR data item (RFC 8949), as C2PA uses it: definite lengths, maps that keep key order.
public indirect enum CBOR: Sendable, Hashable {
    /// Major type 0.
    case unsigned(UInt64)
    /// Major type 1: the value is `-1 - n`.
    case negative(UInt64)
    /// Major type 2.
    case bytes([UInt8])
    /// Major type 3.
    case text(String)
    /// Major type 4.
    case array([CBOR])
    /// Major type 5, in the order written.
    case map([Pair])
    /// Major type 6.
    case tagged(UInt64, CBOR)
    /// `true` / `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// `undefined`.
    case undefined
    /// Another simple value.
    case simple(UInt8)
    /// A half, single or double float (encoded as a double).
    case float(Double)

    /// One map entry.
    public struct Pair: Sendable, Hashable {
        /// The key.
        public var key: CBOR
        /// The value.
        public var value: CBOR
        /// Creates an entry.
        public init(_ key: CBOR, _ value: CBOR) {
            self.key = key
            self.value = value
        }
    }

    /// An integer item.
    public static func int(_ v: Int64) -> CBOR { v >= 0 ? .unsigned(UInt64(v)) : .negative(UInt64(-(v + 1))) }

    /// A map from text keys, in the given order.
    public static func textMap(_ entries: [(String, CBOR)]) -> CBOR {
        .map(entries.map { Pair(.text($0.0), $0.1) })
    }

    /// The value for a text key in a map (the first one), or `nil`. `null` values count as absent.
    public subscript(key: String) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        for p in pairs where p.key == .text(key) {
            return p.value == .null ? nil : p.value
        }
        return nil
    }

    /// The value for an integer key in a map, or `nil`.
    public subscript(intKey key: Int64) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == .int(key) }?.value
    }

    /// The text, if this is a text string.
    public var textValue: String? { if case .text(let s) = self { return s } else { return nil } }
    /// The bytes, if this is a byte string.
    public var bytesValue: [UInt8]? { if case .bytes(let b) = self { return b } else { return nil } }
    /// The elements, if this is an array.
    public var arrayValue: [CBOR]? { if case .array(let a) = self { return a } else { return nil } }
    /// The entries, if this is a map.
    public var mapValue: [Pair]? { if case .map(let m) = self { return m } else { return nil } }
    /// The integer, if this is an integer that fits in `Int64`.
    public var intValue: Int64? {
        switch self {
        case .unsigned(let u): return u <= UInt64(Int64.max) ? Int64(u) : nil
        case .negative(let n): return n <= UInt64(Int64.max) ? -1 - Int64(n) : nil
        default: return nil
        }
    }
    /// The map's text keys in order (non-text keys are skipped).
    public var textKeys: [String] { mapValue?.compactMap { $0.key.textValue } ?? [] }

    /// The encoded bytes.
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        CBOREncoder.encode(self, into: &out)
        return out
    }

    /// Decodes exactly one item that fills `bytes`.
    /// - Throws: ``C2PAError`` with code ``C2PAError/Code/malformedCBOR`` and the byte offset.
    public static func decode(_ bytes: [UInt8], maxDepth: Int = CBORDecoder.defaultMaxDepth) throws -> CBOR {
        var d = CBORDecoder(bytes: bytes[...], maxDepth: maxDepth)
        let v = try d.decodeItem()
        guard d.position == bytes.count else {
            throw C2PAError.malformedCBOR(
                "\(bytes.count - d.position) trailing bytes after the item", offset: d.position)
        }
        return v
    }
}

/// Writes CBOR with minimal-length heads and definite lengths.
public enum CBOREncoder {
    /// Appends the head of an item (major type and argument).
    public static func head(_ major: UInt8, _ n: UInt64, into out: inout [UInt8]) {
        let mt = major << 5
        switch n {
        case 0..<24: out.append(mt | UInt8(n))
        case 24...0xff: out.append(mt | 24); out.append(UInt8(n))
        case 0x100...0xffff:
            out.append(mt | 25)
            out.append(UInt8(n >> 8)); out.append(UInt8(n & 0xff))
        case 0x10000...0xffff_ffff:
            out.append(mt | 26)
            for s in stride(from: 24, through: 0, by: -8) { out.append(UInt8((n >> UInt64(s)) & 0xff)) }
        default:
            out.append(mt | 27)
            for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8((n >> UInt64(s)) & 0xff)) }
        }
    }

    /// Appends the encoding of `value`.
    public static func encode(_ value: CBOR, into out: inout [UInt8]) {
        switch value {
        case .unsigned(let u): head(0, u, into: &out)
        case .negative(let n): head(1, n, into: &out)
        case .bytes(let b): head(2, UInt64(b.count), into: &out); out.append(contentsOf: b)
        case .text(let s):
            let u = Array(s.utf8)
            head(3, UInt64(u.count), into: &out); out.append(contentsOf: u)
        case .array(let a):
            head(4, UInt64(a.count), into: &out)
            for e in a { encode(e, into: &out) }
        case .map(let m):
            head(5, UInt64(m.count), into: &out)
            for p in m { encode(p.key, into: &out); encode(p.value, into: &out) }
        case .tagged(let t, let v): head(6, t, into: &out); encode(v, into: &out)
        case .bool(let b): out.append(b ? 0xf5 : 0xf4)
        case .null: out.append(0xf6)
        case .undefined: out.append(0xf7)
        case .simple(let s):
            if s < 24 { out.append(0xe0 | s) } else { out.append(0xf8); out.append(s) }
        case .float(let d):
            out.append(0xfb)
            let bits = d.bitPattern
            for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8((bits >> UInt64(s)) & 0xff)) }
        }
    }
}

/// A bounded CBOR decoder for hostile input.
///
/// Limits: nesting depth (``defaultMaxDepth``), every length is checked against the bytes that
/// remain before anything is allocated, indefinite lengths are rejected (C2PA does not use them),
/// text must be valid UTF-8.
public struct CBORDecoder {
    /// Default nesting limit.
    public static let defaultMaxDepth = 32
    let bytes: ArraySlice<UInt8>
    let maxDepth: Int
    /// Offset of the next byte, relative to the start of the input.
    public private(set) var position: Int

    /// Creates a decoder over `bytes`.
    public init(bytes: ArraySlice<UInt8>, maxDepth: Int = CBORDecoder.defaultMaxDepth) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.position = 0
    }

    var remaining: Int { bytes.count - position }

    mutating func byte() throws -> UInt8 {
        guard remaining >= 1 else { throw C2PAError.malformedCBOR("truncated CBOR", offset: position) }
        let b = bytes[bytes.startIndex + position]
        position += 1
        return b
    }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, remaining >= n else {
            throw C2PAError.malformedCBOR("length \(n) exceeds the \(remaining) bytes left", offset: position)
        }
        let s = bytes.startIndex + position
        position += n
        return bytes[s..<(s + n)]
    }

    mutating func argument(_ info: UInt8, at start: Int) throws -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24...27:
            let n = 1 << Int(info - 24)
            var v: UInt64 = 0
            for b in try take(n) { v = v << 8 | UInt64(b) }
            return v
        case 31: throw C2PAError.malformedCBOR("indefinite-length items are not supported", offset: start)
        default: throw C2PAError.malformedCBOR("reserved additional information \(info)", offset: start)
        }
    }

    /// Decodes the next item.
    public mutating func decodeItem() throws -> CBOR { try decode(depth: 0) }

    mutating func decode(depth: Int) throws -> CBOR {
        let start = position
        guard depth < maxDepth else {
            throw C2PAError.malformedCBOR("CBOR nested deeper than \(maxDepth)", offset: start)
        }
        let initial = try byte()
        let major = initial >> 5
        let info = initial & 0x1f
        if major == 7 {
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 23: return .undefined
            case 24:
                let s = try byte()
                guard s >= 32 else { throw C2PAError.malformedCBOR("invalid simple value \(s)", offset: start) }
                return .simple(s)
            case 25:
                let h = try take(2)
                return .float(Self.half(UInt16(h[h.startIndex]) << 8 | UInt16(h[h.startIndex + 1])))
            case 26:
                var v: UInt32 = 0
                for b in try take(4) { v = v << 8 | UInt32(b) }
                return .float(Double(Float(bitPattern: v)))
            case 27:
                var v: UInt64 = 0
                for b in try take(8) { v = v << 8 | UInt64(b) }
                return .float(Double(bitPattern: v))
            case 0..<20: return .simple(info)
            case 31: throw C2PAError.malformedCBOR("unexpected break", offset: start)
            default: throw C2PAError.malformedCBOR("reserved simple encoding \(info)", offset: start)
            }
        }
        let arg = try argument(info, at: start)
        switch major {
        case 0: return .unsigned(arg)
        case 1: return .negative(arg)
        case 2:
            guard arg <= UInt64(remaining) else {
                throw C2PAError.malformedCBOR(
                    "byte string of \(arg) bytes exceeds the \(remaining) left", offset: start)
            }
            return .bytes(Array(try take(Int(arg))))
        case 3:
            guard arg <= UInt64(remaining) else {
                throw C2PAError.malformedCBOR("text of \(arg) bytes exceeds the \(remaining) left", offset: start)
            }
            let raw = try take(Int(arg))
            guard let s = String(validating: raw, as: UTF8.self) else {
                throw C2PAError.malformedCBOR("text string is not valid UTF-8", offset: start)
            }
            return .text(s)
        case 4:
            // Every element takes at least one byte: never reserve more than what is left.
            guard arg <= UInt64(remaining) else {
                throw C2PAError.malformedCBOR(
                    "array of \(arg) items exceeds the \(remaining) bytes left", offset: start)
            }
            var items = [CBOR]()
            items.reserveCapacity(Int(arg))
            for _ in 0..<arg { items.append(try decode(depth: depth + 1)) }
            return .array(items)
        case 5:
            guard arg <= UInt64(remaining / 2) else {
                throw C2PAError.malformedCBOR(
                    "map of \(arg) entries exceeds the \(remaining) bytes left", offset: start)
            }
            var pairs = [CBOR.Pair]()
            pairs.reserveCapacity(Int(arg))
            for _ in 0..<arg {
                let k = try decode(depth: depth + 1)
                let v = try decode(depth: depth + 1)
                pairs.append(CBOR.Pair(k, v))
            }
            return .map(pairs)
        default:
            return .tagged(arg, try decode(depth: depth + 1))
        }
    }

    static func half(_ h: UInt16) -> Double {
        let exp = Int((h >> 10) & 0x1f)
        let mant = Double(h & 0x3ff)
        let sign: Double = (h & 0x8000) != 0 ? -1 : 1
        switch exp {
        case 0: return sign * mant * 0x1p-24
        case 31: return mant == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mant / 1024) * Double(sign: .plus, exponent: exp - 15, significand: 1)
        }
    }
}
