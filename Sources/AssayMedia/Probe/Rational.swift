/// A rational number `numerator / denominator`, used for frame rates and time bases.
public struct Rational: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The numerator.
    public var numerator: Int32
    /// The denominator (> 0 for a valid value).
    public var denominator: Int32

    /// Creates `numerator / denominator`.
    public init(_ numerator: Int32, _ denominator: Int32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The value as a floating-point number (0 when the denominator is 0).
    public var doubleValue: Double { denominator == 0 ? 0 : Double(numerator) / Double(denominator) }

    /// Whether both parts are positive.
    public var isValid: Bool { numerator > 0 && denominator > 0 }

    public var description: String { "\(numerator)/\(denominator)" }
}
