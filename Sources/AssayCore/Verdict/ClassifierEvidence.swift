/// What the artifact classifier found. It is the weakest lane and never decides a verdict alone.
public struct ClassifierEvidence: Sendable, Hashable, Codable {
    /// The three-way decision.
    public enum Decision: String, Sendable, Hashable, Codable {
        case artifacts
        case noArtifactsFound = "no-artifacts-found"
        case inconclusive
    }

    /// Score over one window.
    public struct Segment: Sendable, Hashable, Codable {
        /// Window start.
        public var start: MediaTime
        /// Window end.
        public var end: MediaTime
        /// Calibrated score in [0, 1].
        public var score: Double
        /// Creates a segment score.
        public init(start: MediaTime, end: MediaTime, score: Double) {
            self.start = start
            self.end = end
            self.score = score
        }
    }

    /// Model identifier (`Classifiers/<model-id>`).
    public var modelID: String
    /// Calibrated score in [0, 1], `nil` when inconclusive before scoring.
    public var score: Double?
    /// p-value against held-out real footage, if computed.
    public var pValue: Double?
    /// The decision.
    public var decision: Decision
    /// Why: per-feature-group contributions or abstention reasons.
    public var reasons: [String]
    /// Per-window scores.
    public var segments: [Segment]

    /// Creates classifier evidence.
    public init(modelID: String, score: Double?, pValue: Double? = nil, decision: Decision, reasons: [String] = [],
                segments: [Segment] = [])
    {
        self.modelID = modelID
        self.score = score
        self.pValue = pValue
        self.decision = decision
        self.reasons = reasons
        self.segments = segments
    }
}
