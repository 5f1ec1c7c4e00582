/// A 64-bit watermark payload in JSON: 16 lower-case hex digits (`"00c0ffee12345678"`), the form `repository list`
/// and the text reports use.
///
/// A JSON number cannot carry it: most JSON readers (JavaScript, `jq`) hold numbers as doubles and round any
/// integer above 2^53, so a payload printed as a number is silently changed on its way to them. Decoding also
/// accepts a JSON number, for reports written before `assay.verify/2`.
struct HexPayload: Codable, Hashable, Sendable {
    let value: UInt64

    init(_ value: UInt64) { self.value = value }

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            guard text.count == 16, let v = UInt64(text, radix: 16) else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "a watermark payload is 16 hex digits, not \"\(text.prefix(40))\"")
            }
            value = v
        } else {
            value = try c.decode(UInt64.self)
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex64(value))
    }
}
