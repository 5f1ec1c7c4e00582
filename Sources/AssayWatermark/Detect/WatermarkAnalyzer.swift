import AssayCore

/// The key-independent half of detection: samples frames into time windows and, when a window
/// closes, reduces it to whitened tile spectra for every geometry hypothesis.
///
/// Use ``WatermarkDetector`` for one key. Use the analyzer directly to test many keys against the
/// same video cheaply (``WatermarkAnalysis/evidence(key:falsePositiveRate:)``).
public struct WatermarkAnalyzer: Sendable {
    /// Sampling and windowing options.
    public struct Configuration: Sendable, Hashable {
        /// Window length in seconds (windows are consecutive and do not overlap).
        public var windowDuration: Double
        /// Frames per second to sample; frames closer together than this are skipped.
        public var samplesPerSecond: Double
        /// Upper bound on frames accumulated per window.
        public var maximumFramesPerWindow: Int
        /// Upper bound on windows per clip (later frames are ignored).
        public var maximumWindows: Int
        /// Whether ``WatermarkAnalyzer/finish()`` also tests the pooled residual of the clip under the grid and
        /// native geometry and under the candidates of a geometry search for crop with rescale (scale
        /// 1.0...1.35) and rotation (±4°), and with ``extendedGeometrySearch`` zoom-outs, larger rotations and
        /// flips. Its slots count in the clip's Bonferroni factor whenever it is on.
        public var geometrySearch: Bool
        /// Whether frames smaller than ``WatermarkEmbedder/minimumReadablePixels`` are analysed (measurements
        /// only). By default they are refused: the embedder does not mark them, and a mark on them cannot be read,
        /// so "not present" would be a verdict the lane cannot give.
        public var allowsUnreadableFrames: Bool
        /// Whether the geometry search also covers zoom-outs (scale 0.5...1.0, a frame shrunk inside a larger
        /// canvas), rotations to ±10° at scales 1.0...1.35, and reads each candidate mirrored as well (flip with
        /// crop or rotation). Built in session 5 behind this option; **on by default since session 6**, which cut
        /// its cost to well under 0.15 s CPU per clip and key and qualified it on the benchmark (docs/watermark.md,
        /// "Session 6"). When on, the pooled test pays for ``PooledAnalysis/extendedSlotCount`` (20 with
        /// ``largeCropSearch``, 16 without) slots instead of 5, so the presence threshold rises slightly (z 7.52 ->
        /// 7.58 for a 6 s clip). Only used when ``geometrySearch`` is on.
        public var extendedGeometrySearch: Bool = true
        /// Whether the extended search also covers crops beyond 1.357x rescaled back, to 2.5x (a crop keeping 40 % of
        /// each side), at rotations to ±4.2° (session 11; docs/watermark.md, "Session 11"). Its two candidates, read
        /// plain and mirrored, add 4 pooled slots. Only used when ``extendedGeometrySearch`` is on.
        public var largeCropSearch: Bool = true
        /// Whether each window's high-pass residual is divided by its local RMS before it is folded (session 7): a
        /// key-independent spatial weighting that raises the pilot z of marked clips (most under heavy compression)
        /// and leaves the null distribution, and so the p-value bound, as it is. `false` gives session 6's detector.
        public var residualNormalization: Bool = true
        /// Whether each window's first intra-coded frame (``Frame/isIntra``, reported by the decoder) is also read on
        /// its own, under the window's geometry hypotheses (session 12; docs/watermark.md, "Session 12"). After heavy
        /// compression an encoder's P and B frames carry the mark along with the moving content, each at another
        /// shift, so the window mean smears it; the intra frame keeps it where it was embedded. Its 8 slots per
        /// window count in the clip's Bonferroni factor whenever this is on (16 per window instead of 8), whether
        /// or not a window had an intra frame. **On by default since session 13:** its ship rule held on detection
        /// in session 12 (x264 CRF 35 7 -> 12 payloads of 30, nothing lost, no false positive) and, once session 13
        /// made the detector cheaper with output identical to the bit, on cost too (docs/watermark.md, "Session
        /// 13"). `false` gives session 11's detector (thresholds 7.55 / 7.58 / 7.62 instead of 7.60 / 7.63 / 7.68).
        public var intraFrameTest: Bool = true

        /// Creates a configuration.
        public init(windowDuration: Double = 2.0, samplesPerSecond: Double = 15, maximumFramesPerWindow: Int = 60,
                    maximumWindows: Int = 3600, geometrySearch: Bool = true, allowsUnreadableFrames: Bool = false)
        {
            self.allowsUnreadableFrames = allowsUnreadableFrames
            self.windowDuration = windowDuration
            self.samplesPerSecond = samplesPerSecond
            self.maximumFramesPerWindow = maximumFramesPerWindow
            self.maximumWindows = maximumWindows
            self.geometrySearch = geometrySearch
        }
    }

    /// The configuration.
    public let configuration: Configuration
    private var windows: [WindowAnalysis] = []
    private var sum: [UInt16] = []
    private var width = 0
    private var height = 0
    private var framesInWindow = 0
    private var windowStart = 0.0
    private var windowEnd = 0.0
    private var lastSampled: Double?
    private var residualHistory: FloatImage?
    /// The luma of the open window's first intra frame, when ``Configuration/intraFrameTest`` is on.
    private var intraLuma: Plane?

    /// Creates an analyzer.
    /// - Throws: ``WatermarkError/Code/invalidOption`` for non-positive durations or rates.
    public init(configuration: Configuration = Configuration()) throws {
        guard configuration.windowDuration > 0, configuration.windowDuration.isFinite,
            configuration.samplesPerSecond > 0, configuration.samplesPerSecond.isFinite,
            (1...255).contains(configuration.maximumFramesPerWindow), configuration.maximumWindows >= 1
        else {
            throw WatermarkError.invalidOption(
                "window duration and sampling rate must be positive, frames per window in 1...255")
        }
        self.configuration = configuration
    }

    /// Whether a frame at `time` would be used (callers may skip converting frames that are not).
    public func wantsFrame(at time: MediaTime) -> Bool {
        guard windows.count < configuration.maximumWindows else { return false }
        guard let last = lastSampled else { return true }
        let t = time.seconds
        if t < last { return true }  // time went backwards: a new segment, take it
        return t - last >= 0.9 / configuration.samplesPerSecond
    }

    /// Whether a frame would be used: one on the sampling schedule (``wantsFrame(at:)``), or the first intra-coded
    /// frame of the open window (``Configuration/intraFrameTest``), which is read on its own even between samples.
    public func wants(_ frame: Frame) -> Bool {
        wantsFrame(at: frame.time) || takesIntraFrame(frame)
    }

    /// An intra frame off the sampling schedule that belongs to the open window, which has none yet.
    private func takesIntraFrame(_ frame: Frame) -> Bool {
        guard configuration.intraFrameTest, frame.isIntra, intraLuma == nil, framesInWindow > 0,
            frame.luma.width == width, frame.luma.height == height
        else { return false }
        let t = frame.time.seconds
        return t >= windowStart && t < windowStart + configuration.windowDuration
    }

    /// Adds a frame if it is wanted (see ``wants(_:)``). Frames must come in presentation order.
    /// - Returns: whether the frame was used.
    /// - Throws: ``WatermarkError/Code/unsupportedFrame`` for frames under 64 or over 8192 px on a side, and
    ///   for frames under ``WatermarkEmbedder/minimumReadablePixels`` (the lane cannot judge them) unless
    ///   ``Configuration/allowsUnreadableFrames``.
    @discardableResult
    public mutating func add(_ frame: Frame) throws -> Bool {
        let w = frame.luma.width, h = frame.luma.height
        if configuration.allowsUnreadableFrames {
            try WatermarkEmbedder.checkSize(width: w, height: h, action: "check for the watermark")
        } else {
            try WatermarkEmbedder.checkReadable(width: w, height: h, action: "judge the watermark")
        }
        guard wantsFrame(at: frame.time) else {
            // Between samples: only the open window's first intra frame is kept, for its own test.
            guard takesIntraFrame(frame) else { return false }
            intraLuma = frame.luma
            return true
        }
        let t = frame.time.seconds
        if framesInWindow > 0
            && (w != width || h != height || t >= windowStart + configuration.windowDuration || t < windowStart)
        {
            closeWindow()
            guard windows.count < configuration.maximumWindows else { return false }
        }
        if framesInWindow == 0 {
            width = w
            height = h
            windowStart = t
            sum = [UInt16](repeating: 0, count: w * h)
        }
        guard framesInWindow < configuration.maximumFramesPerWindow else { return false }
        let count = w * h
        frame.luma.samples.withUnsafeBufferPointer { src in
            sum.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                for i in 0..<count { d[i] = d[i] &+ UInt16(truncatingIfNeeded: s[i]) }
            }
        }
        framesInWindow += 1
        if configuration.intraFrameTest && frame.isIntra && intraLuma == nil { intraLuma = frame.luma }
        lastSampled = t
        windowEnd = t + (frame.duration?.seconds ?? 1 / configuration.samplesPerSecond)
        return true
    }

    private mutating func closeWindow() {
        guard framesInWindow > 0 else { return }
        var mean = FloatImage(width: width, height: height)
        let scale = 1 / Float(framesInWindow)
        for i in 0..<sum.count { mean.pixels[i] = Float(sum[i]) * scale }
        let intra = intraLuma.map { plane in
            FloatImage(width: plane.width, height: plane.height, pixels: plane.samples.map { Float($0) })
        }
        windows.append(
            WindowAnalysis(mean: mean, intra: intra, start: windowStart, end: windowEnd, frames: framesInWindow,
                           normalized: configuration.residualNormalization, history: &residualHistory))
        framesInWindow = 0
        sum = []
        intraLuma = nil
    }

    /// Windows closed so far (a window closes when a frame past its end arrives, or at ``finish()``).
    public var closedWindowCount: Int { windows.count }

    /// Pooled-test slots paid for in the clip p-value.
    private var pooledSlots: Int {
        configuration.geometrySearch
            ? PooledAnalysis.slots(extended: configuration.extendedGeometrySearch,
                                   largeCrops: configuration.largeCropSearch)
            : 0
    }

    /// Slots per window paid for in the clip p-value: 8, or 16 with ``Configuration/intraFrameTest``.
    private var windowSlots: Int {
        GeometryHypothesis.slotCount * (configuration.intraFrameTest ? 2 : 1)
    }

    /// The analysis of the windows closed so far; the open window is left as it is. The pooled test (see
    /// ``Configuration/geometrySearch``) is not run here, only paid for in the Bonferroni factor.
    public func closedWindows() -> WatermarkAnalysis {
        WatermarkAnalysis(windows: windows, pooled: nil, windowSlots: windowSlots, pooledSlots: pooledSlots)
    }

    /// Closes the last window and returns the analysis, with the pooled test when it is configured.
    public mutating func finish() -> WatermarkAnalysis {
        closeWindow()
        var pooled: PooledAnalysis?
        if configuration.geometrySearch, let residual = residualHistory, let last = windows.last {
            let count = windows.reversed().prefix { $0.gridPeriod == last.gridPeriod && $0.nativePeriod == last.nativePeriod }
                .count
            pooled = PooledAnalysis(residual: residual, windows: count, gridPeriod: last.gridPeriod,
                                    nativePeriod: last.nativePeriod,
                                    extended: configuration.extendedGeometrySearch,
                                    largeCrops: configuration.largeCropSearch)
        }
        return WatermarkAnalysis(windows: windows, pooled: pooled, windowSlots: windowSlots, pooledSlots: pooledSlots)
    }
}

/// The key-independent analysis of a clip: per window, whitened tile spectra per geometry hypothesis.
public struct WatermarkAnalysis: Sendable {
    let windows: [WindowAnalysis]
    /// The clip-level pooled test, when it ran.
    let pooled: PooledAnalysis?
    /// Slots per window paid for in the Bonferroni factor (8, or 16 with the intra-frame test), whether or not a
    /// window had an intra frame.
    let windowSlots: Int
    /// Pooled-test slots paid for in the Bonferroni factor (whether or not it ran yet).
    let pooledSlots: Int

    init(windows: [WindowAnalysis], pooled: PooledAnalysis?, windowSlots: Int = GeometryHypothesis.slotCount,
         pooledSlots: Int)
    {
        self.windows = windows
        self.pooled = pooled
        self.windowSlots = windowSlots
        self.pooledSlots = pooledSlots
    }

    /// Number of windows analysed.
    public var windowCount: Int { windows.count }

    /// Scores the analysis against a key.
    /// - Parameters:
    ///   - key: the watermark key.
    ///   - falsePositiveRate: decision threshold on the clip's p-value (default 1e-6).
    ///   - bonferroniWindows: windows paid for in the clip p-value when more were planned than analysed
    ///     (a sequential read that stopped early); at least the windows analysed.
    ///   - payloadList: how the CRC-aided list decoder is used (default L = 8 with a second window's confirmation).
    public func evidence(key: WatermarkKey, falsePositiveRate: Double = WatermarkDetector.defaultFalsePositiveRate,
                         bonferroniWindows: Int = 0, payloadList: PayloadCodec.ListPolicy = .default)
        -> WatermarkEvidence
    {
        KeyScorer(key: key).evidence(windows: windows, pooled: pooled, windowSlots: windowSlots,
                                     pooledSlots: pooledSlots,
                                     falsePositiveRate: falsePositiveRate, fingerprint: key.fingerprint,
                                     bonferroniWindows: bonferroniWindows, payloadList: payloadList)
    }

    /// Whether the newest window alone passes the threshold (with `bonferroniWindows` paid for) and its
    /// payload's CRC holds: the cheap test before scoring every window.
    func newestWindowSettles(key: WatermarkKey, falsePositiveRate: Double, bonferroniWindows: Int) -> Bool {
        guard let window = windows.last else { return false }
        let score = KeyScorer(key: key).score(window.spectra)
        let tests = KeyScorer.clipHypotheses(windows: max(1, bonferroniWindows), windowSlots: windowSlots,
                                             pooledSlots: pooledSlots)
        return WatermarkDetector.pValue(z: score.z, hypotheses: tests) <= falsePositiveRate && score.decoded.crcValid
    }

    /// Per-window diagnostics for benchmarks: the best pilot z-score and the hypothesis slot it came from.
    public func diagnostics(key: WatermarkKey) -> [(z: Double, slot: Int, crcValid: Bool, payload: UInt64)] {
        let scorer = KeyScorer(key: key)
        return windows.map { w in
            let r = scorer.score(w.spectra)
            return (r.z, r.slot, r.decoded.crcValid, r.decoded.payload)
        }
    }

    /// Per window and for the pooled test, for benchmarks: the soft bits at the best hypothesis and shift, whether
    /// or not the mark is present there (the null of ``PayloadMatcher`` is measured on them).
    public func softBitDiagnostics(key: WatermarkKey) -> [[Double]] {
        let scorer = KeyScorer(key: key)
        let pooledSoft = pooled.flatMap { $0.spectra.isEmpty ? nil : scorer.score($0.spectra).soft }
        return windows.map { scorer.score($0.spectra).soft } + (pooledSoft.map { [$0] } ?? [])
    }

    /// Diagnostics of the pooled test for benchmarks: the best pilot z-score and its slot (8 grid, 9 native,
    /// 10... search candidates), or nil when the pooled test did not run.
    public func pooledDiagnostics(key: WatermarkKey) -> (z: Double, slot: Int, crcValid: Bool, payload: UInt64)? {
        guard let pooled, !pooled.spectra.isEmpty else { return nil }
        let r = KeyScorer(key: key).score(pooled.spectra)
        return (r.z, r.slot, r.decoded.crcValid, r.decoded.payload)
    }

    /// Per window, for benchmarks: the length of the accepted lattice's x vector (analysis pixels, 0 when no
    /// plausible lattice was found) and the number of geometry hypotheses folded.
    public var latticeDiagnostics: [(length: Double, folds: Int)] {
        windows.map { w in
            let v = w.lattice?.v1 ?? .zero
            return ((v.x * v.x + v.y * v.y).squareRoot(), w.spectra.count)
        }
    }

    /// The geometry search's candidates (scale, rotation in degrees, comb score), for benchmarks.
    public var searchCandidates: [(scale: Double, degrees: Double, score: Double)] {
        (pooled?.candidates ?? []).map { ($0.scale, $0.rotation * 180 / Double.pi, $0.score) }
    }
}
