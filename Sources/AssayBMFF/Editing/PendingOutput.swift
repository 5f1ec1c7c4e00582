public import AssayCore

/// An edited file written to a temp file but not yet in place: hash it, patch placeholders, then commit.
///
/// If it is never committed, the temp file is removed when the value is released.
public final class PendingOutput: @unchecked Sendable {
    /// The temp file writer; use ``AtomicFileWriter/write(_:at:)`` to patch bytes in place.
    public let writer: AtomicFileWriter
    /// The output's top-level layout.
    public let layout: EditLayout

    init(writer: AtomicFileWriter, layout: EditLayout) {
        self.writer = writer
        self.layout = layout
    }

    /// A reader over the temp file, for hashing the final layout before commit.
    /// - Throws: ``BMFFError/Code/ioFailure`` if the temp file cannot be opened.
    public func openOutput() throws -> FileByteSource {
        try FileByteSource(path: writer.temporaryPath)
    }

    /// Renames the temp file into place (after `fsync`).
    /// - Throws: ``BMFFError/Code/ioFailure`` if that fails; the temp file is then removed.
    public func commit() throws {
        do {
            try writer.commit()
        } catch let e as AssayCoreError {
            throw BMFFError.ioFailure(e.reason, at: InputLocation(path: writer.destinationPath))
        }
    }

    /// Discards the temp file.
    public func abort() { writer.abort() }
}
