import AssayCore

/// The features of one segment (a run of consecutive frames) with the profile used for abstention.
public struct SegmentFeatures: Sendable, Hashable {
    /// Presentation time of the first frame.
    public var start: MediaTime
    /// End of the last frame (its time plus duration when known).
    public var end: MediaTime
    /// Feature values in ``FeatureSet`` order, or `nil` when the segment had nothing to measure.
    public var values: [Double]?
    /// Measurements for abstention rules.
    public var profile: ContentProfile
}

/// Extracts the ``FeatureSet`` from runs of consecutive frames at native resolution.
///
/// Spatial features come from every other frame of the run, on up to ``maximumTilesPerFrame``
/// usable 64×64 tiles of a fixed grid; temporal features come from every consecutive pair.
/// Deterministic: the same frames always give the same numbers.
public struct FeatureExtractor: Sendable {
    /// Upper bound on tiles analysed per frame (bounds work on huge frames).
    public var maximumTilesPerFrame: Int
    private let fft = FFT2D(size: TileGrid.tileSize)
    private let window: [Double]
    private let upscaleProbe = UpscaleProbe()

    /// Whether ``features(segment:)`` measures ``ContentProfile/upscale`` (about 15 % of the extraction's CPU).
    public var measuresUpscale: Bool

    /// Creates an extractor.
    public init(maximumTilesPerFrame: Int = 24, measuresUpscale: Bool = true) {
        self.maximumTilesPerFrame = max(1, min(maximumTilesPerFrame, 256))
        self.measuresUpscale = measuresUpscale
        window = FFT2D(size: TileGrid.tileSize).hannWindow()
    }

    /// The classical-upscale measure of one segment alone (the value ``features(segment:)`` puts in its profile):
    /// measured on the same frames, every other frame of the run.
    public func upscaleMeasure(segment frames: [Frame]) -> UpscaleMeasure? {
        upscaleProbe.measure(stride(from: 0, to: frames.count, by: 2).map { frames[$0].luma })
    }

    /// The content profile of one segment without its features (what a ``TileCNNModel`` needs for the abstention
    /// rules), with the tile candidates of its first frame. Equal to the profile ``features(segment:)`` gives.
    public func profile(segment frames: [Frame]) -> (features: SegmentFeatures, candidates: [(x: Int, y: Int)]) {
        precondition(!frames.isEmpty)
        let analysed = Array(stride(from: 0, to: frames.count, by: 2))
        let selection = TileGrid.usableTiles(of: frames[0].luma, limit: maximumTilesPerFrame)
        var usable = 0
        for index in analysed {
            for t in selection.usable where TileGrid.isUsable(frames[index].luma, x: t.x, y: t.y) { usable += 1 }
        }
        var profile = ContentProfile.measure(
            frames: frames, analysed: analysed, usableTiles: usable, totalTiles: selection.total * analysed.count)
        if measuresUpscale { profile.upscale = upscaleMeasure(segment: frames) }
        let (start, end) = Self.span(frames)
        return (SegmentFeatures(start: start, end: end, values: nil, profile: profile), selection.usable)
    }

    /// Start time of the first frame and end of the last (its time plus duration when known).
    static func span(_ frames: [Frame]) -> (MediaTime, MediaTime) {
        let first = frames[0], last = frames[frames.count - 1]
        return (first.time, last.duration.map { MediaTime(seconds: last.time.seconds + $0.seconds) } ?? last.time)
    }

    /// Features of one segment. Frames must share one size (the classifier checks this).
    public func features(segment frames: [Frame]) -> SegmentFeatures {
        precondition(!frames.isEmpty)
        let first = frames[0]
        let (start, end) = Self.span(frames)
        let analysed = Array(stride(from: 0, to: frames.count, by: 2))
        let selection = TileGrid.usableTiles(of: first.luma, limit: maximumTilesPerFrame)
        let tiles = selection.usable
        var spatial = SpatialAccumulator(fft: fft, window: window)
        var bands = BandAccumulator()
        var usable = 0
        let s = TileGrid.tileSize
        for index in analysed {
            let f = frames[index]
            for t in tiles where TileGrid.isUsable(f.luma, x: t.x, y: t.y) {
                usable += 1
                let luma = TileGrid.block(f.luma, x: t.x, y: t.y, size: s)
                let cb = TileGrid.block(f.cb, x: t.x / 2, y: t.y / 2, size: s / 2)
                let cr = TileGrid.block(f.cr, x: t.x / 2, y: t.y / 2, size: s / 2)
                spatial.add(luma: luma, cb: cb, cr: cr)
                bands.add(luma: luma)
            }
        }
        var temporal = TemporalAnalyzer()
        for (i, f) in frames.enumerated() {
            temporal.addEnergy(of: f.luma, tiles: tiles)
            if i > 0 { temporal.addPair(previous: frames[i - 1].luma, current: f.luma) }
        }
        var profile = ContentProfile.measure(
            frames: frames, analysed: analysed, usableTiles: usable, totalTiles: selection.total * analysed.count)
        if measuresUpscale { profile.upscale = upscaleMeasure(segment: frames) }
        var values: [Double]?
        if let sp = spatial.features(), let tp = temporal.features(), let bp = bands.features() {
            let v = sp + tp + bp
            values = v.allSatisfy(\.isFinite) ? v : nil
        }
        return SegmentFeatures(start: start, end: end, values: values, profile: profile)
    }
}
