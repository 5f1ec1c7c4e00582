#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The geometry of the watermark tile: a `size x size` tile on a normalised grid, built in the
/// 2-D DFT domain from a ring of bins (radius ``bandLow``...``bandHigh`` of ``size``).
///
/// The band's half-plane bins are split by a key-seeded permutation into message bins
/// (``binsPerCodedBit`` per coded bit) and pilot bins; every bin gets a key-seeded phase.
enum TileGeometry {
    /// Tile side on the normalised grid (pixels).
    static let size = 256
    /// Band, in DFT bins of ``size``: 6...40 = 0.023...0.156 cycles/pixel on the normalised grid.
    static let bandLow = 6.0
    static let bandHigh = 40.0
    /// DFT bins per coded bit.
    static let binsPerCodedBit = 8
    /// Height of the normalised grid: frames of at least this many lines carry the tile at
    /// period `size * height / gridHeight`; smaller frames carry it at `size` pixels.
    static let gridHeight = 720.0

    /// Signed frequency of index `i` (numpy `fftfreq * n`).
    @inline(__always)
    static func signedFrequency(_ i: Int) -> Int { i < size / 2 ? i : i - size }

    /// Half-plane band bins (`row * size + col`), in a fixed order.
    static let band: [Int32] = {
        var out = [Int32]()
        for row in 0..<size {
            for col in 0..<size {
                let v = signedFrequency(row), u = signedFrequency(col)
                let r = (Double(u * u + v * v)).squareRoot()
                let half = v > 0 || (v == 0 && u > 0)
                if half && r >= bandLow && r <= bandHigh { out.append(Int32(row * size + col)) }
            }
        }
        return out
    }()

    /// The Hermitian partner of a bin.
    @inline(__always)
    static func conjugate(_ bin: Int) -> Int {
        let row = bin / size, col = bin % size
        return ((size - row) % size) * size + (size - col) % size
    }

    /// Tile period in frame pixels: `size * height / 720` from 720 lines up, `size` below, and the frame's
    /// smaller side (at least 128) when that is under `size`, so that small frames still hold a whole tile.
    static func period(width: Int, height: Int) -> Double {
        if Double(height) >= gridHeight { return Double(size) * Double(height) / gridHeight }
        let side = min(width, height)
        return side >= size ? Double(size) : Double(max(128, side))
    }
}

/// The key-dependent layout: which band bins carry which coded bit, which are pilots, and phases.
struct KeyLayout: Sendable {
    /// Message bins and the coded-bit index of each.
    let messageBins: [Int32]
    let messageBit: [Int16]
    let messagePhase: [Double]
    /// Pilot bins and their phases.
    let pilotBins: [Int32]
    let pilotPhase: [Double]

    init(key: WatermarkKey) {
        var rng = KeyStream(secret: key.secret, label: "assay-watermark-layout v1")
        var bins = TileGeometry.band
        // Fisher-Yates with a fixed, documented draw (so layouts never change with the stdlib).
        for i in stride(from: bins.count - 1, to: 0, by: -1) {
            let j = Int((rng.next() >> 11) % UInt64(i + 1))
            bins.swapAt(i, j)
        }
        let phases = (0..<bins.count).map { _ in 2 * Double.pi * rng.nextUnit() }
        let nMessage = PayloadCodec.codedBits * TileGeometry.binsPerCodedBit
        messageBins = Array(bins[0..<nMessage])
        messageBit = (0..<nMessage).map { Int16($0 / TileGeometry.binsPerCodedBit) }
        messagePhase = Array(phases[0..<nMessage])
        pilotBins = Array(bins[nMessage...])
        pilotPhase = Array(phases[nMessage...])
    }

    /// The spatial tile (`size x size`, row-major, unit RMS) carrying the coded bits.
    func tile(coded: [UInt8]) -> [Float] {
        let n = TileGeometry.size
        var re = [Double](repeating: 0, count: n * n)
        var im = [Double](repeating: 0, count: n * n)
        func put(_ bin: Int, _ phase: Double, _ sign: Double) {
            let c = sign * cos(phase), s = sign * sin(phase)
            re[bin] = c
            im[bin] = s
            let k = TileGeometry.conjugate(bin)
            re[k] = c
            im[k] = -s
        }
        for i in 0..<messageBins.count {
            put(Int(messageBins[i]), messagePhase[i], coded[Int(messageBit[i])] == 0 ? 1 : -1)
        }
        for i in 0..<pilotBins.count { put(Int(pilotBins[i]), pilotPhase[i], 1) }
        FFT2D(rows: n, cols: n).transform(re: &re, im: &im, inverse: true)
        var sumSquares = 0.0
        for v in re { sumSquares += v * v }
        let scale = 1.0 / (sumSquares / Double(n * n)).squareRoot()
        return re.map { Float($0 * scale) }
    }
}
