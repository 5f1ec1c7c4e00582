import AssayCore

/// A small convolutional network that scores 64×64 luma tiles, read from `model.json` (`kind: tile-cnn`).
///
/// The network sees the NPR residual of a tile (``TileCNNInput``) and gives one logit; a segment's score is the
/// mean logit of its tiles. Layers: 2-D convolutions with ReLU, a global mean over the last map, and a linear
/// layer to one output. Weights are in PyTorch's layout (`[out][in][ky][kx]`) in the file and re-laid here so
/// that the innermost loop runs over output channels. Arithmetic is `Float`, as in PyTorch.
public struct TileCNNModel: Sendable, Hashable {
    /// The JSON document.
    struct Document: Codable {
        struct Input: Codable {
            var tileSize: Int
            var candidateTilesPerFrame: Int
            var tilesPerFrame: Int
            var residual: String
            var scale: Double
            var frameStep: Int
        }
        struct Layer: Codable {
            var kind: String
            var inChannels: Int?
            var outChannels: Int?
            var kernel: Int?
            var stride: Int?
            var padding: Int?
            var activation: String?
            var weight: [Double]?
            var bias: [Double]?
        }
        var schema: Int
        var modelID: String
        var kind: String
        var inputVersion: String
        var input: Input
        var aggregation: String
        var layers: [Layer]
    }

    /// One convolution, weights as `[ky][kx][in][out]`.
    struct Convolution: Sendable, Hashable {
        var inChannels: Int
        var outChannels: Int
        var kernel: Int
        var stride: Int
        var padding: Int
        var weight: [Float]
        var bias: [Float]

        func outputSize(_ input: Int) -> Int { (input + 2 * padding - kernel) / stride + 1 }
    }

    /// The `kind` value of this model type in `model.json`.
    static let kind = "tile-cnn"

    /// Model identifier (the folder name under `Classifiers/`).
    public let modelID: String
    /// Input version the model was trained on (``TileCNNInput/version``).
    public let inputVersion: String
    /// Tiles scored per analysed frame at most.
    public let tilesPerFrame: Int
    /// The residual is divided by this before the first layer.
    public let inputScale: Float
    let convolutions: [Convolution]
    let linearWeight: [Float]
    let linearBias: Float

    /// Loads `model.json` and checks it against this build's ``TileCNNInput``.
    /// - Throws: ``ClassifierError`` (`modelNotFound`, `malformedModel`, `unsupportedModelKind`,
    ///   `featureSetMismatch` when the input version or the input recipe differs).
    public init(contentsOf path: String) throws {
        try ModelHeader.require(kind: Self.kind, at: path)
        let location = InputLocation(path: path)
        let doc = try ModelFiles.decode(Document.self, at: path)
        guard doc.inputVersion == TileCNNInput.version else {
            throw ClassifierError.featureSetMismatch(
                "model was trained on input version '\(doc.inputVersion)', this build prepares '\(TileCNNInput.version)'",
                location: location)
        }
        let i = doc.input
        guard i.tileSize == TileGrid.tileSize, i.candidateTilesPerFrame == TileCNNInput.candidateTilesPerFrame,
            i.residual == TileCNNInput.residual, i.frameStep == 2, doc.aggregation == "mean-tile-logit"
        else {
            throw ClassifierError.featureSetMismatch(
                "model's input recipe (tile \(i.tileSize), \(i.candidateTilesPerFrame) candidates, residual "
                    + "'\(i.residual)', frame step \(i.frameStep), aggregation '\(doc.aggregation)') differs from "
                    + "'\(TileCNNInput.version)'",
                location: location)
        }
        guard (1...64).contains(i.tilesPerFrame), i.scale.isFinite, i.scale > 0 else {
            throw ClassifierError.malformedModel("tilesPerFrame must be 1...64 and scale positive", location: location)
        }
        (convolutions, linearWeight, linearBias) = try Self.layers(doc.layers, location: location)
        modelID = doc.modelID
        inputVersion = doc.inputVersion
        tilesPerFrame = i.tilesPerFrame
        inputScale = Float(i.scale)
    }

    /// Checks the layer list (convolutions, one global mean, one linear layer to one output) and re-lays weights.
    private static func layers(_ layers: [Document.Layer], location: InputLocation) throws
        -> ([Convolution], [Float], Float)
    {
        func bad(_ why: String) -> ClassifierError { .malformedModel("layers: \(why)", location: location) }
        guard layers.count >= 3, layers[layers.count - 2].kind == "global-mean-pool",
            let last = layers.last, last.kind == "linear"
        else { throw bad("expected convolutions, then global-mean-pool, then linear") }
        var convolutions: [Convolution] = []
        var channels = 1
        var size = TileGrid.tileSize
        for (n, l) in layers.dropLast(2).enumerated() {
            guard l.kind == "conv2d", l.activation == "relu", let cin = l.inChannels, let cout = l.outChannels,
                let k = l.kernel, let s = l.stride, let p = l.padding, let w = l.weight, let b = l.bias
            else { throw bad("layer \(n) is not a complete conv2d with relu") }
            guard cin == channels, (1...256).contains(cout), (1...7).contains(k), (1...4).contains(s), (0...3).contains(p),
                w.count == cout * cin * k * k, b.count == cout
            else { throw bad("layer \(n) has inconsistent shapes") }
            try ModelFiles.requireFinite(w + b, "layer \(n)", path: location.path ?? "model.json")
            var relaid = [Float](repeating: 0, count: w.count)
            for o in 0..<cout {
                for c in 0..<cin {
                    for ky in 0..<k {
                        for kx in 0..<k {
                            relaid[((ky * k + kx) * cin + c) * cout + o] = Float(w[((o * cin + c) * k + ky) * k + kx])
                        }
                    }
                }
            }
            let conv = Convolution(
                inChannels: cin, outChannels: cout, kernel: k, stride: s, padding: p, weight: relaid,
                bias: b.map(Float.init))
            size = conv.outputSize(size)
            guard size >= 1 else { throw bad("layer \(n) leaves no output") }
            convolutions.append(conv)
            channels = cout
        }
        guard last.inChannels == channels, last.outChannels == 1, let w = last.weight, let b = last.bias,
            w.count == channels, b.count == 1
        else { throw bad("linear layer must map \(channels) channels to 1") }
        try ModelFiles.requireFinite(w + b, "linear layer", path: location.path ?? "model.json")
        return (convolutions, w.map(Float.init), Float(b[0]))
    }

    /// The logit of one tile, given its residual (``TileCNNInput/residual(_:x:y:scale:into:)``), 64×64 row-major.
    public func logit(residual: [Float]) -> Float {
        precondition(residual.count == TileGrid.tileSize * TileGrid.tileSize)
        var buffers = Buffers()
        return logit(residual: residual, buffers: &buffers)
    }

    /// Scratch maps reused across tiles.
    struct Buffers {
        var a: [Float] = []
        var b: [Float] = []
    }

    /// The logit of one tile, reusing `buffers`.
    func logit(residual: [Float], buffers: inout Buffers) -> Float {
        var size = TileGrid.tileSize
        buffers.a = residual
        for conv in convolutions {
            let out = conv.outputSize(size)
            Self.convolve(conv, input: buffers.a, size: size, output: &buffers.b, outSize: out)
            swap(&buffers.a, &buffers.b)
            size = out
        }
        // Global mean per channel (channels last), then the linear layer.
        let channels = convolutions.last?.outChannels ?? 1
        var means = [Float](repeating: 0, count: channels)
        buffers.a.withUnsafeBufferPointer { p in
            for i in 0..<(size * size) { for c in 0..<channels { means[c] += p[i * channels + c] } }
        }
        var logit = linearBias
        let n = Float(size * size)
        for c in 0..<channels { logit += linearWeight[c] * (means[c] / n) }
        return logit
    }

    /// One convolution with ReLU; maps are channels-last (`[y][x][c]`), zero padding.
    static func convolve(_ conv: Convolution, input: [Float], size: Int, output: inout [Float], outSize: Int) {
        let cin = conv.inChannels, cout = conv.outChannels, k = conv.kernel, s = conv.stride, pad = conv.padding
        let count = outSize * outSize * cout
        if output.count != count { output = [Float](repeating: 0, count: count) }
        input.withUnsafeBufferPointer { inp in
            conv.weight.withUnsafeBufferPointer { w in
                conv.bias.withUnsafeBufferPointer { bias in
                    output.withUnsafeMutableBufferPointer { out in
                        for oy in 0..<outSize {
                            for ox in 0..<outSize {
                                let acc = out.baseAddress! + (oy * outSize + ox) * cout
                                for o in 0..<cout { acc[o] = bias[o] }
                                for ky in 0..<k {
                                    let iy = oy * s - pad + ky
                                    if iy < 0 || iy >= size { continue }
                                    for kx in 0..<k {
                                        let ix = ox * s - pad + kx
                                        if ix < 0 || ix >= size { continue }
                                        let src = inp.baseAddress! + (iy * size + ix) * cin
                                        let wk = w.baseAddress! + (ky * k + kx) * cin * cout
                                        for c in 0..<cin {
                                            let v = src[c]
                                            let wc = wk + c * cout
                                            for o in 0..<cout { acc[o] += v * wc[o] }
                                        }
                                    }
                                }
                                for o in 0..<cout where acc[o] < 0 { acc[o] = 0 }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The mean tile logit of a segment: the tiles ``TileCNNInput/tiles(of:candidates:perFrame:)`` picks from
    /// the analysed frames. `nil` when no tile is usable.
    public func score(frames: [Frame], analysed: [Int], candidates: [(x: Int, y: Int)]) -> (score: Double, tiles: Int)? {
        var buffers = Buffers()
        var residual = [Float](repeating: 0, count: TileGrid.tileSize * TileGrid.tileSize)
        var total = 0.0
        var count = 0
        for index in analysed {
            let luma = frames[index].luma
            for t in TileCNNInput.tiles(of: luma, candidates: candidates, perFrame: tilesPerFrame) {
                TileCNNInput.residual(luma, x: t.x, y: t.y, scale: inputScale, into: &residual)
                total += Double(logit(residual: residual, buffers: &buffers))
                count += 1
            }
        }
        return count > 0 ? (total / Double(count), count) : nil
    }
}
