/// A four-character code: the type of an ISO BMFF box (`"moov"`), a brand or a handler type.
///
/// Stored as the big-endian `UInt32` of its four bytes. String literals map each Unicode scalar up
/// to U+00FF to one byte (Latin-1), so Apple metadata atoms such as `"©too"` work as literals.
public struct FourCC: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The four bytes as a big-endian integer.
    public var rawValue: UInt32

    /// Wraps a raw big-endian value.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Builds a code from exactly four bytes; `nil` otherwise.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 4 else { return nil }
        self.rawValue = bytes.reduce(0) { ($0 << 8) | UInt32($1) }
    }

    /// Builds a code from a four-character string (Latin-1); `nil` if it is not exactly 4 such characters.
    public init?(string: String) {
        let scalars = Array(string.unicodeScalars)
        guard scalars.count == 4, scalars.allSatisfy({ $0.value <= 0xFF }) else { return nil }
        self.rawValue = scalars.reduce(0) { ($0 << 8) | $1.value }
    }

    /// A literal such as `"moov"`; traps if the literal is not four Latin-1 characters (a programming error).
    public init(stringLiteral value: String) {
        guard let code = FourCC(string: value) else {
            preconditionFailure("FourCC literal must be 4 Latin-1 characters: \(value)")
        }
        self = code
    }

    /// The four bytes, most significant first.
    public var bytes: [UInt8] {
        [UInt8(rawValue >> 24), UInt8((rawValue >> 16) & 0xFF), UInt8((rawValue >> 8) & 0xFF), UInt8(rawValue & 0xFF)]
    }

    /// The code as text; bytes outside printable Latin-1 are shown as `\xNN`.
    public var description: String {
        var s = ""
        for b in bytes {
            if (0x20...0x7E).contains(b) || b >= 0xA0 {
                s.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                s += "\\x" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
            }
        }
        return s
    }
}
