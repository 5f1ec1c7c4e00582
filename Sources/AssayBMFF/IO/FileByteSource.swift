#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read with `pread(2)` through a read-only descriptor.
///
/// The size is taken once at open. If the file shrinks afterwards, reads past its new end throw
/// ``BMFFError/Code/truncated`` (no `mmap`, so truncation can never crash the process).
/// Safe to share between threads: `pread` does not move a file position.
public final class FileByteSource: ByteSource, @unchecked Sendable {
    /// The path the file was opened from.
    public let path: String
    /// The size at open time.
    public let size: Int64
    /// The read-only descriptor (for `sendfile` in the editor).
    let fd: Int32

    /// Opens `path` read-only.
    /// - Throws: ``BMFFError`` with code ``BMFFError/Code/ioFailure`` if it cannot be opened or is
    ///   not a regular file.
    public init(path: String) throws {
        let fd = try Syscall.openReadOnly(path)
        do {
            self.size = try Syscall.fileSize(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// The path, for error locations.
    public var name: String? { path }

    /// Reads `count` bytes at `offset`.
    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        try checkRange(offset, count)
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(at: offset, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// Reads exactly `buffer.count` bytes at `offset` into `buffer`.
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws {
        try checkRange(offset, buffer.count)
        let n = try Syscall.preadFully(fd, buffer, at: offset, path: path)
        guard n == buffer.count else {
            throw BMFFError.truncated(
                "file shrank while reading: \(n) of \(buffer.count) bytes", at: location(offset + Int64(n)))
        }
    }
}
