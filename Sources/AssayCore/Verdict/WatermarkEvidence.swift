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
    /// For a payload matched against the repository (``PayloadConfirmation/repositoryMatch``): how strongly.
    public var payloadMatch: PayloadMatch?
    /// The soft-decision vectors (172 coded bits each, > 0 favours bit 0) that a present clip without a payload
    /// could not be decoded from; set only when ``present`` and ``payload`` is `nil`. A caller that knows which
    /// payloads to expect can match them (`PayloadMatcher` in AssayWatermark). Not serialised.
    public var payloadSoftBits: [[Double]]?

    /// The correlation of a matched payload's codeword with the clip's soft bits, and the threshold it passed.
    public struct PayloadMatch: Sendable, Hashable, Codable {
        /// Normalised correlation `r` (−1...1) of the payload's codeword with the best soft-bit vector.
        public var correlation: Double
        /// The threshold `τ` for the number of payloads compared (a wrong match ≤ 1e-6 per present clip).
        public var threshold: Double
        /// Distinct payloads compared.
        public var comparedPayloads: Int
        /// Creates a match record.
        public init(correlation: Double, threshold: Double, comparedPayloads: Int) {
            self.correlation = correlation
            self.threshold = threshold
            self.comparedPayloads = comparedPayloads
        }
    }

    /// What confirmed a payload the detector reported only as a candidate.
    public enum PayloadConfirmation: String, Sendable, Hashable, Codable {
        /// The candidate is the content ID of a manifest in the repository that declares this watermark
        /// (its `c2pa.soft-binding`).
        case manifestRepository = "manifest-repository"
        /// No decoder found the payload; its codeword is the only one of the repository's payloads that correlates
        /// with the clip's soft bits above the threshold (``payloadMatch``), and the repository holds a manifest
        /// that declares it.
        case repositoryMatch = "repository-match"

        /// How a report names it, e.g. "list-decoded, confirmed by the repository".
        public var summary: String {
            switch self {
            case .manifestRepository: "list-decoded, confirmed by the repository"
            case .repositoryMatch: "matched against the repository's payloads"
            }
        }
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
        case present, pValue, threshold, payload, segments, keyFingerprint, candidatePayloads, payloadConfirmation,
             payloadMatch
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
        payloadMatch = try c.decodeIfPresent(PayloadMatch.self, forKey: .payloadMatch)
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
        try c.encodeIfPresent(payloadMatch, forKey: .payloadMatch)
    }

    /// Equality over what a report carries: ``payloadSoftBits`` (working data, not serialised) is left out, so
    /// evidence equals its own JSON round trip.
    public static func == (a: Self, b: Self) -> Bool {
        a.present == b.present && a.pValue == b.pValue && a.threshold == b.threshold && a.payload == b.payload
            && a.segments == b.segments && a.keyFingerprint == b.keyFingerprint
            && a.candidatePayloads == b.candidatePayloads && a.payloadConfirmation == b.payloadConfirmation
            && a.payloadMatch == b.payloadMatch
    }

    /// Hashes what ``==`` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(present)
        hasher.combine(pValue)
        hasher.combine(threshold)
        hasher.combine(payload)
        hasher.combine(segments)
        hasher.combine(keyFingerprint)
        hasher.combine(candidatePayloads)
        hasher.combine(payloadConfirmation)
        hasher.combine(payloadMatch)
    }

    /// Takes `candidate`, one of ``candidatePayloads``, as the payload because `confirmation` vouches for it.
    public mutating func confirm(candidate: UInt64, by confirmation: PayloadConfirmation) {
        payload = candidate
        payloadConfirmation = confirmation
        candidatePayloads = nil
        payloadSoftBits = nil
    }

    /// Takes `payload`, matched against the repository's payloads with `match`, as the payload.
    public mutating func confirm(matched payload: UInt64, match: PayloadMatch) {
        confirm(candidate: payload, by: .repositoryMatch)
        payloadMatch = match
    }
}
