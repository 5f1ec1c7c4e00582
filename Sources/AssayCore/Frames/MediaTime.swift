/// A time as a rational number of seconds: `value / timescale`.
public struct MediaTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Ticks.
    public var value: Int64
    /// Ticks per second (> 0).
    public var timescale: Int32

    /// Creates a time of `value` ticks at `timescale` ticks per second.
    public init(value: Int64, timescale: Int32) {
        self.value = value
        self.timescale = max(timescale, 1)
    }

    /// Zero seconds.
    public static let zero = MediaTime(value: 0, timescale: 1)

    /// Seconds as a floating-point number.
    public var seconds: Double { Double(value) / Double(timescale) }

    /// Creates a time from seconds at microsecond precision.
    public init(seconds: Double) {
        self.init(value: Int64((seconds * 1_000_000).rounded()), timescale: 1_000_000)
    }

    public static func < (lhs: MediaTime, rhs: MediaTime) -> Bool {
        // Cross-multiply in 128-bit-safe form to avoid overflow.
        let l = lhs.value.multipliedFullWidth(by: Int64(rhs.timescale))
        let r = rhs.value.multipliedFullWidth(by: Int64(lhs.timescale))
        return (l.high, l.low) < (r.high, r.low)
    }

    public static func == (lhs: MediaTime, rhs: MediaTime) -> Bool {
        !(lhs < rhs) && !(rhs < lhs)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(seconds) }

    public var description: String {
        let s = seconds
        let ms = Int((s * 1000).rounded())
        return "\(ms / 1000).\(String(ms % 1000 + 1000).dropFirst())s"
    }
}
