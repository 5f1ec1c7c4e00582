/// Maps absolute offsets of the input to the output, piecewise over the kept top-level boxes.
struct OffsetMap: Sendable {
    /// (input start, input end, output start), sorted by input start; ranges do not overlap.
    private var segments: [(from: Int64, end: Int64, to: Int64)]
    private let inputSize: Int64

    init(layout: EditLayout) {
        inputSize = layout.inputSize
        segments = layout.entries.compactMap { e in
            guard case .copied(let from) = e.origin else { return nil }
            return (from, from + e.size, e.offset)
        }.sorted { $0.from < $1.from }
    }

    /// The output offset of input offset `x`, or `nil` when `x` lies in removed or replaced data or past the end.
    func map(_ x: Int64) -> Int64? {
        var lo = 0
        var hi = segments.count
        while lo < hi {  // first segment with from > x
            let mid = (lo + hi) / 2
            if segments[mid].from <= x { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let s = segments[lo - 1]
        if x < s.end { return s.to + (x - s.from) }
        // The end of the input, if the last box was kept (an empty chunk at the very end). Mid-file, the
        // end of one box is the start of the next, which is mapped (or removed) on its own.
        if x == s.end, x == inputSize { return s.to + (s.end - s.from) }
        return nil
    }
}
