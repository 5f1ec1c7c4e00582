/// One top-level change for ``BoxEditor``: insert, replace or remove a box.
public struct BoxEdit: Sendable, Hashable {
    /// Where an inserted box goes.
    public enum Position: Sendable, Hashable {
        /// Immediately after the `ftyp` box (at the start if there is none). Where C2PA puts its manifest.
        case afterFileType
        /// Before the top-level box with this index in the input (the box count means the end).
        case beforeIndex(Int)
        /// After the last top-level box.
        case end
    }

    enum Kind: Sendable, Hashable {
        case insert([UInt8], Position)
        case replace(Box, [UInt8])
        case remove(Box)
    }

    let kind: Kind

    /// Inserts `bytes` (one or more complete boxes) at `position`.
    public static func insert(_ bytes: [UInt8], at position: Position = .afterFileType) -> BoxEdit {
        BoxEdit(kind: .insert(bytes, position))
    }

    /// Replaces the top-level `box` with `bytes` (one or more complete boxes). Absolute offsets
    /// inside `bytes` (for example the `stco` tables of a rebuilt `moov`) are taken as offsets of
    /// the input file and patched like those of copied boxes.
    public static func replace(_ box: Box, with bytes: [UInt8]) -> BoxEdit {
        BoxEdit(kind: .replace(box, bytes))
    }

    /// Removes the top-level `box`.
    public static func remove(_ box: Box) -> BoxEdit {
        BoxEdit(kind: .remove(box))
    }

    /// The new bytes this edit writes (empty for a removal).
    public var bytes: [UInt8] {
        switch kind {
        case .insert(let b, _), .replace(_, let b): return b
        case .remove: return []
        }
    }
}
