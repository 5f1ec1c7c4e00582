import Foundation

/// Settings of `assay verify` (and of every file `assay scan` verifies).
public struct VerifyOptions: Sendable {
    /// Extra trust anchors (PEM bundle), on top of `$XDG_CONFIG_HOME/assay/trust.pem`.
    public var trustPath: String?
    /// Certificate revocation lists (PEM) to check signers against, on top of `$XDG_CONFIG_HOME/assay/crl.pem`.
    public var revocationListPaths: [String] = []
    /// Watermark key; `nil` uses `$XDG_CONFIG_HOME/assay/watermark.key` if it exists.
    public var watermarkKeyPath: String?
    /// Manifest repository; `nil` uses the default one if it exists.
    public var repositoryPath: String?
    /// Classifier model folder; `nil` searches ``AssayPaths/classifierSearchPath(executable:)``.
    public var classifierModel: String?
    /// Run the watermark lane.
    public var watermark: Bool
    /// Run the classifier lane.
    public var classifier: Bool
    /// Seconds of video decoded for the watermark and classifier lanes (from the start).
    public var decodeSeconds: Double
    /// Decoder threads.
    public var decoderThreads: Int
    /// Key frames to keep as thumbnails (for HTML reports).
    public var thumbnails: Int
    /// Stop the watermark lane at the first window that shows the mark present with its payload decoded
    /// (the false-positive bound still pays for every planned window); `false` analyses the whole span.
    /// When the watermark is the only frame lane, decoding stops there too.
    public var watermarkStopsWhenSettled = true
    /// Also search zoom-outs (0.5...1.0), rotations to about ±10° and mirrored candidates in the watermark
    /// detector's geometry search (`WatermarkAnalyzer.Configuration.extendedGeometrySearch`; on by default since
    /// session 6): under 0.1 s more CPU per clip and key, and a slightly higher presence threshold (20 pooled slots
    /// instead of 5). `false` gives session 4's search (crop with rescale 1.0...1.35, rotation ±4°).
    public var watermarkExtendedGeometrySearch = true
    /// With the extended search, also search crops beyond 1.357x rescaled back, to 2.5x
    /// (`WatermarkAnalyzer.Configuration.largeCropSearch`, session 11): 4 more pooled slots. `false` gives
    /// sessions 6-10's search.
    public var watermarkLargeCropSearch = true
    /// Also read each window's first intra-coded frame on its own (`WatermarkAnalyzer.Configuration.intraFrameTest`,
    /// session 12): 8 more slots per window. On by default since session 13: it reads heavily compressed clips
    /// better (x264 CRF 35: 12 payloads of 30 instead of 7) for a few hundredths of a second of detector CPU per
    /// 3 s clip; `false` gives session 11's detector.
    public var watermarkIntraFrameTest = true
    /// Divide the watermark detector's residual by its local RMS before folding it
    /// (`WatermarkAnalyzer.Configuration.residualNormalization`; on by default since session 7): a key-independent
    /// weighting that raises the evidence of re-encoded marked clips and leaves the false-positive bound as it is.
    /// `false` gives session 6's detector.
    public var watermarkResidualNormalization = true
    /// When a present watermark's payload could not be decoded, match its soft bits against every payload the
    /// manifest repository holds (`PayloadMatcher`, session 9): a stored payload is taken only when its codeword
    /// alone correlates above a threshold that bounds a wrong match by 1e-6 per clip (counting at least 2^20 stored
    /// payloads) and its manifest declares that watermark. `false` gives session 8's recovery (decoded payloads and
    /// list candidates only).
    public var watermarkRepositoryMatch = true
    /// The environment (config and data folders).
    public var environment: [String: String]

    /// Creates options.
    public init(trustPath: String? = nil, watermarkKeyPath: String? = nil, repositoryPath: String? = nil,
                classifierModel: String? = nil, watermark: Bool = true, classifier: Bool = true, decodeSeconds: Double = 6,
                decoderThreads: Int = 2, thumbnails: Int = 0,
                environment: [String: String] = ProcessInfo.processInfo.environment)
    {
        self.trustPath = trustPath
        self.watermarkKeyPath = watermarkKeyPath
        self.repositoryPath = repositoryPath
        self.classifierModel = classifierModel
        self.watermark = watermark
        self.classifier = classifier
        self.decodeSeconds = decodeSeconds
        self.decoderThreads = decoderThreads
        self.thumbnails = thumbnails
        self.environment = environment
    }
}
