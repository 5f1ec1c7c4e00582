/// One 8-bit image plane, tightly packed (`bytesPerRow == width`), row-major.
///
/// Lanes (watermark, classifier) work on planes and never see FFmpeg types.
public struct Plane: Sendable, Hashable {
    /// Width in samples.
    public let width: Int
    /// Height in rows.
    public let height: Int
    /// `width * height` samples, row-major.
    public var samples: [UInt8]

    /// Creates a plane from packed samples.
    /// - Throws: ``AssayCoreError/Code/invalidFrame`` if the sample count does not match.
    public init(width: Int, height: Int, samples: [UInt8]) throws {
        guard width > 0, height > 0, width <= 1 << 15, height <= 1 << 15 else {
            throw AssayCoreError.invalidFrame("plane size \(width)x\(height) out of range")
        }
        guard samples.count == width * height else {
            throw AssayCoreError.invalidFrame(
                "plane \(width)x\(height) needs \(width * height) samples, got \(samples.count)")
        }
        self.width = width
        self.height = height
        self.samples = samples
    }

    /// A plane filled with one value.
    public init(width: Int, height: Int, value: UInt8) throws {
        try self.init(width: width, height: height, samples: [UInt8](repeating: value, count: width * height))
    }

    /// The sample at column `x`, row `y`.
    @inlinable
    public subscript(x: Int, y: Int) -> UInt8 {
        get { samples[y * width + x] }
        set { samples[y * width + x] = newValue }
    }

    /// Mean sample value.
    public var mean: Double {
        var total = 0
        for s in samples { total += Int(s) }
        return Double(total) / Double(samples.count)
    }
}
