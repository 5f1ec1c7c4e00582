import AssayCore

/// Where a table stores absolute file offsets, as positions inside its payload (internal to the patcher).
struct OffsetFields: Sendable, Hashable {
    /// One stored integer: its position in the payload, its width in bytes and its value.
    struct Field: Sendable, Hashable {
        var position: Int
        var width: Int
        var value: UInt64
    }

    /// A base offset plus extents relative to it (an `iloc` item with `base_offset_size` > 0).
    struct Group: Sendable, Hashable {
        var base: Field
        var extents: [Field]
    }

    /// Fields that hold absolute offsets on their own.
    var absolute: [Field] = []
    /// Base + relative extent groups.
    var groups: [Group] = []

    var isEmpty: Bool { absolute.isEmpty && groups.isEmpty }

    /// Rewrites every field of `payload` through `map` (old absolute offset → new absolute offset).
    /// - Throws: ``BMFFError/Code/offsetOverflow`` when a new value does not fit its field, or
    ///   whatever `map` throws for offsets that point outside the kept data.
    func patch(
        _ payload: inout [UInt8], base: Int64, sourceName: String?, map: (UInt64, Int64) throws -> UInt64
    ) throws {
        func store(_ value: UInt64, _ field: Field) throws {
            let location = InputLocation(path: sourceName, offset: base + Int64(field.position))
            guard field.width == 8 || value < (UInt64(1) << (8 * UInt64(field.width))) else {
                throw BMFFError.offsetOverflow(
                    "new offset \(value) does not fit a \(field.width)-byte field", at: location)
            }
            BE.put(value, width: field.width, into: &payload, at: field.position)
        }
        for f in absolute {
            try store(try map(f.value, base + Int64(f.position)), f)
        }
        for g in groups {
            let location = InputLocation(path: sourceName, offset: base + Int64(g.base.position))
            guard let first = g.extents.first else {
                try store(try map(g.base.value, base + Int64(g.base.position)), g.base)
                continue
            }
            let (oldAbs0, o0) = g.base.value.addingReportingOverflow(first.value)
            guard !o0 else { throw BMFFError.offsetOutOfRange("base + extent offset overflows", at: location) }
            let newAbs0 = try map(oldAbs0, base + Int64(first.position))
            // Shift the base by the first extent's move; re-express every extent relative to it.
            guard newAbs0 >= first.value else {
                throw BMFFError.offsetOverflow("new base offset would be negative", at: location)
            }
            let newBase = newAbs0 - first.value
            try store(newBase, g.base)
            for e in g.extents {
                let (oldAbs, o) = g.base.value.addingReportingOverflow(e.value)
                guard !o else { throw BMFFError.offsetOutOfRange("base + extent offset overflows", at: location) }
                let newAbs = try map(oldAbs, base + Int64(e.position))
                guard newAbs >= newBase else {
                    throw BMFFError.offsetOverflow("extent would precede its base offset", at: location)
                }
                try store(newAbs - newBase, e)
            }
        }
    }
}
