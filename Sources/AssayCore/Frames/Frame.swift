/// One decoded video frame: planar YUV 4:2:0, 8-bit, with its presentation time.
///
/// Chroma planes are `ceil(width/2) x ceil(height/2)`. AssayMedia converts whatever the decoder
/// produces into this form; the watermark and classifier lanes read ``luma`` and never see FFmpeg.
public struct Frame: Sendable, Hashable {
    /// Luma (Y).
    public var luma: Plane
    /// Blue-difference chroma (Cb / U).
    public var cb: Plane
    /// Red-difference chroma (Cr / V).
    public var cr: Plane
    /// Presentation time of the frame.
    public var time: MediaTime
    /// Duration of the frame, if known.
    public var duration: MediaTime?
    /// Zero-based index of the frame in decode-output order of its stream.
    public var index: Int
    /// Whether the decoder reported the frame as intra coded (an I or key frame, coded without reference to other
    /// frames). `false` for frames that did not come from a decoder. The watermark detector reads such a frame on its
    /// own as well: after heavy compression it keeps the mark where the encoder's input had it.
    public var isIntra: Bool = false

    /// Frame width in pixels.
    public var width: Int { luma.width }
    /// Frame height in pixels.
    public var height: Int { luma.height }

    /// The chroma plane size for a luma size, rounding up.
    public static func chromaSize(width: Int, height: Int) -> (width: Int, height: Int) {
        ((width + 1) / 2, (height + 1) / 2)
    }

    /// Creates a frame from three planes.
    /// - Throws: ``AssayCoreError/Code/invalidFrame`` if chroma planes do not match 4:2:0 geometry.
    public init(luma: Plane, cb: Plane, cr: Plane, time: MediaTime = .zero, duration: MediaTime? = nil, index: Int = 0)
        throws
    {
        let c = Frame.chromaSize(width: luma.width, height: luma.height)
        guard cb.width == c.width, cb.height == c.height, cr.width == c.width, cr.height == c.height else {
            throw AssayCoreError.invalidFrame(
                "4:2:0 frame \(luma.width)x\(luma.height) needs chroma \(c.width)x\(c.height), "
                    + "got \(cb.width)x\(cb.height) and \(cr.width)x\(cr.height)")
        }
        self.luma = luma
        self.cb = cb
        self.cr = cr
        self.time = time
        self.duration = duration
        self.index = index
    }

    /// A frame of one flat colour (tests and padding).
    public init(width: Int, height: Int, y: UInt8 = 16, u: UInt8 = 128, v: UInt8 = 128, time: MediaTime = .zero,
                index: Int = 0) throws
    {
        let c = Frame.chromaSize(width: width, height: height)
        try self.init(
            luma: Plane(width: width, height: height, value: y),
            cb: Plane(width: c.width, height: c.height, value: u),
            cr: Plane(width: c.width, height: c.height, value: v),
            time: time, index: index)
    }
}
