/// What the watermark lane found.
public struct WatermarkEvidence: Sendable, Hashable, Codable {
    /// Detection over one window of the clip.
    public struct Segment: Sendable, Hashable, Codable {
        /// Window start.
        public var start: MediaTime
        /// Window end.
        public var end: MediaTime
        /// p-value under "no watermark with this key" for this window.
        public var pValue: Double
        /// Whether the window passed the decision threshold.
        public var present: Bool
        /// The decoded payload, if present and decoded (error-corrected, CRC-checked).
        public var payload: UInt64?
        /// Creates a segment result.
        public init(start: MediaTime, end: MediaTime, pValue: Double, present: Bool, payload: UInt64? = nil) {
            self.start = start
            self.end = end
            self.pValue = pValue
            self.present = present
            self.payload = payload
        }
    }

    /// Whether a watermark with the key was found anywhere.
    public var present: Bool
    /// Smallest p-value over the clip, corrected for the number of windows.
    public var pValue: Double
    /// Decision threshold that was applied to `pValue`.
    public var threshold: Double
    /// The payload agreed by the windows that decoded, if any.
    public var payload: UInt64?
    /// Per-window results.
    public var segments: [Segment]
    /// Which key was used (its public fingerprint, never the key).
    public var keyFingerprint: String?

    /// Creates watermark evidence.
    public init(present: Bool, pValue: Double, threshold: Double, payload: UInt64? = nil, segments: [Segment] = [],
                keyFingerprint: String? = nil)
    {
        self.present = present
        self.pValue = pValue
        self.threshold = threshold
        self.payload = payload
        self.segments = segments
        self.keyFingerprint = keyFingerprint
    }
}
