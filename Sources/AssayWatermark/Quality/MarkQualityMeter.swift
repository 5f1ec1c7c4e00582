#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AssayCore

/// What a mark costs in picture quality, accumulated over frames compared before and after embedding: PSNR-Y from
/// the squared error pooled over every compared frame, and the mean and worst SSIM-Y (``StructuralSimilarity``) of
/// the frames it is asked to measure (SSIM costs far more than the error). The definitions of the lane's quality
/// goal (PSNR-Y >= 48 dB, SSIM-Y >= 0.995), as `wm-bench embed` and `assay label` report them.
public struct MarkQualityMeter: Sendable {
    /// Frames compared.
    public private(set) var frames = 0
    /// Frames whose SSIM-Y was measured.
    public private(set) var ssimFrames = 0
    /// The largest absolute luma change of any compared sample.
    public private(set) var maxAbs = 0
    /// The lowest SSIM-Y of a measured frame (1 before any).
    public private(set) var worstSSIM = 1.0
    private var squaredError = 0.0
    private var samples = 0
    private var ssimTotal = 0.0

    /// Creates an empty meter.
    public init() {}

    /// Compares a frame's luma before (`original`) and after (`marked`) embedding; `measuresSSIM` also measures its
    /// SSIM-Y. The planes must have the same size.
    public mutating func add(original: Plane, marked: Plane, measuresSSIM: Bool) {
        precondition(original.width == marked.width && original.height == marked.height,
                     "quality of planes of different sizes")
        var se = 0.0
        var largest = maxAbs
        original.samples.withUnsafeBufferPointer { a in
            marked.samples.withUnsafeBufferPointer { b in
                for i in 0..<a.count {
                    let d = Int(b[i]) - Int(a[i])
                    se += Double(d * d)
                    largest = max(largest, abs(d))
                }
            }
        }
        maxAbs = largest
        squaredError += se
        samples += original.samples.count
        frames += 1
        if measuresSSIM {
            let s = StructuralSimilarity.mean(original, marked)
            ssimTotal += s
            ssimFrames += 1
            worstSSIM = min(worstSSIM, s)
        }
    }

    /// PSNR-Y in dB over every compared sample; infinity when nothing changed (or nothing was compared).
    public var psnr: Double {
        samples == 0 || squaredError == 0 ? .infinity : 10 * log10(255 * 255 / (squaredError / Double(samples)))
    }

    /// Mean SSIM-Y of the measured frames; NaN before any.
    public var ssimMean: Double { ssimFrames == 0 ? .nan : ssimTotal / Double(ssimFrames) }
}
