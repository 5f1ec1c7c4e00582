public import AssayCore

/// Random-access, read-only bytes: a file or an in-memory buffer.
///
/// Reads are bounded by the caller: ``read(at:count:)`` returns exactly `count` bytes or throws
/// ``BMFFError/Code/truncated``; it never returns a short read.
public protocol ByteSource: Sendable {
    /// The total number of bytes.
    var size: Int64 { get }
    /// Reads `count` bytes starting at `offset`.
    /// - Throws: ``BMFFError`` (``BMFFError/Code/truncated`` if the range passes the end).
    func read(at offset: Int64, count: Int) throws -> [UInt8]
    /// The file path (or another name) used in error locations; `nil` for anonymous input.
    var name: String? { get }
    /// Reads exactly `buffer.count` bytes at `offset` into caller-owned memory (no allocation).
    /// - Throws: ``BMFFError`` (``BMFFError/Code/truncated`` if the range passes the end).
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws
}

extension ByteSource {
    /// Anonymous by default.
    public var name: String? { nil }

    /// Default: copies from ``read(at:count:)``.
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws {
        let bytes = try read(at: offset, count: buffer.count)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
    }

    /// A location in this source, for errors.
    public func location(_ offset: Int64) -> InputLocation {
        InputLocation(path: name, offset: offset)
    }

    /// Checks that `count` bytes at `offset` lie inside the source.
    func checkRange(_ offset: Int64, _ count: Int) throws {
        guard count >= 0, offset >= 0, offset <= size, Int64(count) <= size - offset else {
            throw BMFFError.truncated(
                "read of \(count) bytes at \(offset) passes the end (\(size) bytes)", at: location(offset))
        }
    }
}

/// Bytes held in memory.
public struct MemoryByteSource: ByteSource {
    /// The bytes.
    public let bytes: [UInt8]
    /// The name used in error locations.
    public let name: String?

    /// Wraps `bytes`; `name` appears in error locations.
    public init(_ bytes: [UInt8], name: String? = nil) {
        self.bytes = bytes
        self.name = name
    }

    /// The number of bytes.
    public var size: Int64 { Int64(bytes.count) }

    /// Returns a copy of `count` bytes at `offset`.
    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        try checkRange(offset, count)
        let start = Int(offset)
        return Array(bytes[start..<start + count])
    }

    /// Copies `buffer.count` bytes at `offset` into `buffer`.
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws {
        try checkRange(offset, buffer.count)
        let start = Int(offset)
        bytes.withUnsafeBytes { src in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + buffer.count]))
        }
    }
}
