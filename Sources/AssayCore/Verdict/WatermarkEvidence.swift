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

        enum CodingKeys: String, CodingKey { case start, end, pValue, present, payload }

        /// Decodes a segment; the payload may be 16 hex digits or (before `assay.verify/2`) a number.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            start = try c.decode(MediaTime.self, forKey: .start)
            end = try c.decode(MediaTime.self, forKey: .end)
            pValue = try c.decode(Double.self, forKey: .pValue)
            present = try c.decode(Bool.self, forKey: .present)
            payload = try c.decodeIfPresent(HexPayload.self, forKey: .payload)?.value
        }

        /// Encodes a segment, the payload as 16 hex digits.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(start, forKey: .start)
            try c.encode(end, forKey: .end)
            try c.encode(pValue, forKey: .pValue)
            try c.encode(present, forKey: .present)
            try c.encodeIfPresent(payload.map(HexPayload.init), forKey: .payload)
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
    /// CRC-valid payloads that only the list decoder found and no second window confirmed, in the order found; set only
    /// when the watermark is present and ``payload`` is `nil`. Each may be wrong with a probability of about
    /// (list size) × 2⁻¹⁶ per decode, far above the lane's 10⁻⁶, so none is a payload on its own. A caller that
    /// knows which IDs to expect (the manifest repository) can confirm one: a wrong candidate equals one of N
    /// stored 64-bit IDs with probability N × 2⁻⁶⁴.
    public var candidatePayloads: [UInt64]?
    /// How ``payload`` was established when the detector alone did not report it; `nil` when it did.
    public var payloadConfirmation: PayloadConfirmation?

    /// What confirmed a payload the detector reported only as a candidate.
    public enum PayloadConfirmation: String, Sendable, Hashable, Codable {
        /// The candidate is the content ID of a manifest in the repository that declares this watermark
        /// (its `c2pa.soft-binding`).
        case manifestRepository = "manifest-repository"
    }

    /// Creates watermark evidence.
    public init(present: Bool, pValue: Double, threshold: Double, payload: UInt64? = nil, segments: [Segment] = [],
                keyFingerprint: String? = nil, candidatePayloads: [UInt64]? = nil)
    {
        self.present = present
        self.pValue = pValue
        self.threshold = threshold
        self.payload = payload
        self.segments = segments
        self.keyFingerprint = keyFingerprint
        self.candidatePayloads = candidatePayloads
    }

    enum CodingKeys: String, CodingKey {
        case present, pValue, threshold, payload, segments, keyFingerprint, candidatePayloads, payloadConfirmation
    }

    /// Decodes evidence; payloads may be 16 hex digits or (before `assay.verify/2`) numbers.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        present = try c.decode(Bool.self, forKey: .present)
        pValue = try c.decode(Double.self, forKey: .pValue)
        threshold = try c.decode(Double.self, forKey: .threshold)
        payload = try c.decodeIfPresent(HexPayload.self, forKey: .payload)?.value
        segments = try c.decodeIfPresent([Segment].self, forKey: .segments) ?? []
        keyFingerprint = try c.decodeIfPresent(String.self, forKey: .keyFingerprint)
        candidatePayloads = try c.decodeIfPresent([HexPayload].self, forKey: .candidatePayloads)?.map(\.value)
        payloadConfirmation = try c.decodeIfPresent(PayloadConfirmation.self, forKey: .payloadConfirmation)
    }

    /// Encodes evidence, every payload as 16 hex digits (a JSON number would lose bits above 2^53 in most readers).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(present, forKey: .present)
        try c.encode(pValue, forKey: .pValue)
        try c.encode(threshold, forKey: .threshold)
        try c.encodeIfPresent(payload.map(HexPayload.init), forKey: .payload)
        try c.encode(segments, forKey: .segments)
        try c.encodeIfPresent(keyFingerprint, forKey: .keyFingerprint)
        try c.encodeIfPresent(candidatePayloads?.map(HexPayload.init), forKey: .candidatePayloads)
        try c.encodeIfPresent(payloadConfirmation, forKey: .payloadConfirmation)
    }

    /// Takes `candidate`, one of ``candidatePayloads``, as the payload because `confirmation` vouches for it.
    public mutating func confirm(candidate: UInt64, by confirmation: PayloadConfirmation) {
        payload = candidate
        payloadConfirmation = confirmation
        candidatePayloads = nil
    }
}
