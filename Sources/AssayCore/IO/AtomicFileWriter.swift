#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an output file atomically: a temp file in the destination's folder, `fsync`, `rename`.
///
/// Readers see either the old file (or none) or the complete new one, never a partial file, even
/// if the process is killed. Write through ``write(_:)`` / ``write(_:at:)``, or let a library write
/// to ``temporaryPath`` by name (FFmpeg's muxer does); then ``commit()``. A writer that is never
/// committed removes its temp file when it is deinitialised.
public final class AtomicFileWriter: @unchecked Sendable {
    /// The final path.
    public let destinationPath: String
    /// The temp file's path (same folder as the destination, so `rename` is atomic).
    public let temporaryPath: String
    /// The temp file's descriptor, open for reading and writing.
    public let fileDescriptor: Int32
    private var finished = false

    /// Creates the temp file next to `destinationPath`.
    /// - Parameter permissions: mode of the new file; `nil` gives what `open(…, 0666)` would under the
    ///   process's umask (usually 0644), as any other tool's output. Secrets pass 0o600.
    /// - Throws: ``AssayCoreError`` with code ``AssayCoreError/Code/ioFailure`` if the folder is not writable.
    public init(destinationPath: String, permissions: mode_t? = nil) throws {
        self.destinationPath = destinationPath
        let slash = destinationPath.lastIndex(of: "/")
        let dir = slash.map { String(destinationPath[..<$0]) } ?? "."
        let base = slash.map { String(destinationPath[destinationPath.index(after: $0)...]) } ?? destinationPath
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).assay-tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw AssayCoreError.ioFailure("cannot create a temp file beside \(destinationPath)", errno: errno)
        }
        self.fileDescriptor = fd
        self.temporaryPath = String(cString: template.map { UInt8(bitPattern: $0) } + [])
        // mkstemp makes 0600 files; outputs get the usual mode unless asked otherwise.
        let mode = permissions ?? (0o666 & ~Self.processUmask)
        guard fchmod(fd, mode) == 0 else {
            let e = errno
            close(fd)
            unlink(temporaryPath)
            throw AssayCoreError.ioFailure("cannot set the mode of \(temporaryPath)", errno: e)
        }
    }

    /// The process umask, read once (reading it means setting it, so it is not read per file).
    private static let processUmask: mode_t = {
        let m = umask(0o022)
        umask(m)
        return m
    }()

    /// Appends bytes at the current position.
    public func write(_ bytes: some Collection<UInt8>) throws {
        try withContiguous(bytes) { buffer in
            var done = 0
            while done < buffer.count {
                let n = Glibc.write(fileDescriptor, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw AssayCoreError.ioFailure("write to \(temporaryPath) failed", errno: errno)
                }
                done += n
            }
        }
    }

    /// Overwrites bytes at an absolute offset (used to patch a placeholder in place).
    public func write(_ bytes: some Collection<UInt8>, at offset: Int64) throws {
        try withContiguous(bytes) { buffer in
            var done = 0
            while done < buffer.count {
                let n = pwrite(fileDescriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw AssayCoreError.ioFailure("write to \(temporaryPath) failed", errno: errno)
                }
                done += n
            }
        }
    }

    /// Flushes the temp file to disk, renames it over the destination and syncs the folder.
    public func commit() throws {
        guard !finished else { return }
        guard fsync(fileDescriptor) == 0 else {
            let e = errno
            abort()
            throw AssayCoreError.ioFailure("fsync of \(temporaryPath) failed", errno: e)
        }
        close(fileDescriptor)
        finished = true
        guard rename(temporaryPath, destinationPath) == 0 else {
            let e = errno
            unlink(temporaryPath)
            throw AssayCoreError.ioFailure("cannot rename the output into place at \(destinationPath)", errno: e)
        }
        let dir = destinationPath.lastIndex(of: "/").map { String(destinationPath[..<$0]) } ?? "."
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Removes the temp file; the destination is untouched.
    public func abort() {
        guard !finished else { return }
        finished = true
        close(fileDescriptor)
        unlink(temporaryPath)
    }

    deinit { abort() }

    private func withContiguous<R>(_ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) throws -> R)
        rethrows -> R
    {
        if let r = try bytes.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) { return r }
        return try Array(bytes).withUnsafeBytes(body)
    }
}
