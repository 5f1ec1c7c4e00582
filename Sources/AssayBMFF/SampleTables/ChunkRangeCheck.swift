extension BoxTree {
    /// Checks that every chunk of every track lies inside the source: for each `trak`, the chunk
    /// sizes follow from `stsc` (samples per chunk) and `stsz`/`stz2` (sample sizes), and each chunk
    /// at its `stco`/`co64` offset must end by the end of the file.
    ///
    /// Work and memory are bounded by the sizes of the tables themselves (a constant sample size is
    /// multiplied, never iterated).
    /// - Throws: ``BMFFError/Code/offsetOutOfRange`` naming the chunk's offset entry, or
    ///   ``BMFFError/Code/invalidTable`` for inconsistent tables.
    public func checkChunkRanges(in source: any ByteSource) throws {
        for stbl in boxes(atPath: ["moov", "trak", "mdia", "minf", "stbl"]) {
            guard let offsetsBox = stbl.child("stco") ?? stbl.child("co64"), let stsc = stbl.child("stsc") else {
                continue
            }
            let offsets = try ChunkOffsetTable(box: offsetsBox, in: source)
            let runs = try SampleToChunkTable(box: stsc, in: source)
            let sizes: SampleSizes
            if let stsz = stbl.child("stsz") {
                sizes = try SampleSizes(box: stsz, in: source)
            } else if let stz2 = stbl.child("stz2") {
                sizes = try SampleSizes(box: stz2, in: source)
            } else {
                continue
            }
            let entryWidth: Int64 = offsets.is64Bit ? 8 : 4
            var sample: UInt64 = 0  // index of the chunk's first sample
            for (i, offset) in offsets.offsets.enumerated() {
                let perChunk = runs.samplesPerChunk(chunk: UInt32(truncatingIfNeeded: i + 1))
                let bytes = try sizes.total(from: sample, count: perChunk, source: source)
                sample += perChunk
                let (end, overflow) = offset.addingReportingOverflow(bytes)
                guard !overflow, end <= UInt64(source.size) else {
                    throw BMFFError.offsetOutOfRange(
                        "chunk \(i + 1) at \(offset) with \(bytes) bytes passes the end (\(source.size) bytes)",
                        at: source.location(offsetsBox.payloadOffset + 8 + Int64(i) * entryWidth))
                }
            }
        }
    }
}

/// `stsc`: runs of chunks with the same number of samples.
struct SampleToChunkTable {
    /// (first chunk, samples per chunk), first chunks strictly increasing from 1.
    var runs: [(first: UInt32, samples: UInt32)] = []

    init(box: Box, in source: any ByteSource) throws {
        var c = ByteCursor(
            try TableReader.payload(of: box, in: source), base: box.payloadOffset, sourceName: source.name)
        _ = try c.u32("version/flags")
        let count = Int(try c.u32("entry_count"))
        guard count <= c.remaining / 12 else {
            throw BMFFError.invalidTable("'stsc' entry_count \(count) exceeds the box", at: c.location())
        }
        var previous: UInt32 = 0
        for _ in 0..<count {
            let at = c.position
            let first = try c.u32("first_chunk")
            let samples = try c.u32("samples_per_chunk")
            try c.skip(4, "sample_description_index")
            guard first > previous else {
                throw BMFFError.invalidTable("'stsc' first_chunk \(first) is not increasing", at: c.location(at))
            }
            previous = first
            runs.append((first, samples))
        }
    }

    /// Samples in 1-based `chunk` (0 before the first run).
    func samplesPerChunk(chunk: UInt32) -> UInt64 {
        var lo = 0
        var hi = runs.count
        while lo < hi {  // first run with first > chunk
            let mid = (lo + hi) / 2
            if runs[mid].first <= chunk { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? 0 : UInt64(runs[lo - 1].samples)
    }
}

/// `stsz` / `stz2`: sample sizes, with prefix sums for O(1) chunk totals.
struct SampleSizes {
    var constant: UInt64?
    var count: UInt64
    /// prefix[i] = total size of samples 0..<i (only for per-sample tables).
    var prefix: [UInt64] = []
    let box: Box

    init(box: Box, in source: any ByteSource) throws {
        self.box = box
        var c = ByteCursor(
            try TableReader.payload(of: box, in: source), base: box.payloadOffset, sourceName: source.name)
        _ = try c.u32("version/flags")
        var fieldBits = 32
        if box.type == "stz2" {
            try c.skip(3, "reserved")
            fieldBits = Int(try c.u8("field_size"))
            guard [4, 8, 16].contains(fieldBits) else {
                throw BMFFError.invalidTable("'stz2' field_size \(fieldBits)", at: c.location(7))
            }
        } else {
            let size = try c.u32("sample_size")
            if size != 0 { constant = UInt64(size) }
        }
        count = UInt64(try c.u32("sample_count"))
        guard constant == nil else { return }
        let needed = (count * UInt64(fieldBits) + 7) / 8
        guard needed <= UInt64(c.remaining) else {
            throw BMFFError.invalidTable(
                "'\(box.type)' sample_count \(count) needs \(needed) bytes, box has \(c.remaining)", at: c.location())
        }
        prefix.reserveCapacity(Int(count) + 1)
        prefix.append(0)
        var total: UInt64 = 0
        var i: UInt64 = 0
        while i < count {
            let size: UInt64
            switch fieldBits {
            case 4:
                let b = try c.u8("entry")
                size = UInt64(b >> 4)
                total += size
                prefix.append(total)
                i += 1
                if i < count {
                    total += UInt64(b & 0xF)
                    prefix.append(total)
                    i += 1
                }
                continue
            case 8: size = UInt64(try c.u8("entry"))
            case 16: size = UInt64(try c.u16("entry"))
            default: size = UInt64(try c.u32("entry_size"))
            }
            total += size
            prefix.append(total)
            i += 1
        }
    }

    /// Total bytes of `count` samples starting at sample index `from`.
    func total(from: UInt64, count n: UInt64, source: any ByteSource) throws -> UInt64 {
        let (end, o) = from.addingReportingOverflow(n)
        guard !o, end <= count else {
            throw BMFFError.invalidTable(
                "chunks reference samples up to \(end) but '\(box.type)' has \(count)", at: source.location(box.offset))
        }
        if let constant {
            let (t, o2) = constant.multipliedReportingOverflow(by: n)
            guard !o2 else { throw BMFFError.invalidTable("chunk size overflows", at: source.location(box.offset)) }
            return t
        }
        return prefix[Int(end)] - prefix[Int(from)]
    }
}
