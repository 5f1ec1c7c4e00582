import AssayCore
import CZlib

/// A zlib inflate stream (RAII: the `z_stream` lives at a fixed address and is ended in `deinit`).
///
/// One loop serves zip members (raw deflate) and gzip files (RFC 1952, any number of concatenated
/// members, each CRC-32 and length checked by zlib). Output is capped: a stream that expands past
/// `outputLimit` bytes stops with ``ArchiveError/Code/limitExceeded`` before the excess is written.
final class Inflater {
    enum Format {
        /// Raw deflate (zip members).
        case rawDeflate
        /// gzip, concatenated members allowed.
        case gzip
    }

    private let stream: UnsafeMutablePointer<z_stream>
    private let format: Format
    private let location: InputLocation

    init(_ format: Format, location: InputLocation) throws {
        self.format = format
        self.location = location
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard czlib_inflateInit2(stream, format == .gzip ? 16 + 15 : -15) == Z_OK else {
            stream.deallocate()
            throw ArchiveError(.io, "inflateInit2 failed", location)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates everything `read` supplies until the (last) stream ends.
    /// - Parameters:
    ///   - inputSize: Bytes the input holds in all (sizes the input buffer, at most 64 KiB).
    ///   - read: Fills the buffer from the input and returns the number of bytes, 0 at the end of input.
    ///   - outputLimit: Most bytes the whole stream may expand to.
    ///   - limitMessage: Why the limit exists, for the error.
    ///   - outputChunk: Largest output buffer: output is handed over (and a corrupt stream noticed) at
    ///     most this many bytes at a time.
    ///   - expectedOutput: The size the stream claims to expand to, when known: a small claim gets a small
    ///     output buffer (at least 64 KiB, so a false claim costs loop turns, not correctness).
    ///   - write: Receives each piece of output.
    /// - Returns: The number of bytes produced.
    func run(inputSize: Int64, read: (inout [UInt8]) throws -> Int, outputLimit: Int64, limitMessage: String,
             outputChunk: Int = 1 << 20, expectedOutput: Int64? = nil,
             write: (ArraySlice<UInt8>) throws -> Void) throws -> Int64
    {
        // Buffers sized from what is known, not a fixed 1 MiB each: scanning many small members stays cheap.
        var inBuf = [UInt8](repeating: 0, count: Int(max(1, min(inputSize, 1 << 16))))
        let wanted = expectedOutput.map { max(1 << 16, $0 + 1) } ?? Int64(outputChunk)
        var outBuf = [UInt8](repeating: 0, count: Int(min(Int64(outputChunk), wanted)))
        var chunkLength = 0
        var consumedBefore: Int64 = 0  // input bytes in earlier chunks
        var written: Int64 = 0
        while true {
            if stream.pointee.avail_in == 0 {
                consumedBefore += Int64(chunkLength)
                chunkLength = try read(&inBuf)
                guard chunkLength > 0 else {
                    throw ArchiveError(.truncated, "compressed stream ends early", location.at((location.offset ?? 0) + consumedBefore))
                }
                stream.pointee.avail_in = uInt(chunkLength)
            }
            let unconsumed = Int(stream.pointee.avail_in)
            let status: Int32 = inBuf.withUnsafeMutableBufferPointer { inPtr in
                outBuf.withUnsafeMutableBufferPointer { outPtr in
                    // The buffers are re-pinned on every call, so point next_in at the unconsumed tail.
                    stream.pointee.next_in = inPtr.baseAddress! + (chunkLength - unconsumed)
                    stream.pointee.next_out = outPtr.baseAddress
                    stream.pointee.avail_out = uInt(outPtr.count)
                    return CZlib.inflate(stream, Z_NO_FLUSH)
                }
            }
            let position = consumedBefore + Int64(chunkLength - Int(stream.pointee.avail_in))
            guard status == Z_OK || status == Z_STREAM_END else {
                throw ArchiveError(.malformed, "corrupt compressed data (zlib \(status))",
                                   location.at((location.offset ?? 0) + position))
            }
            let produced = outBuf.count - Int(stream.pointee.avail_out)
            if produced > 0 {
                written += Int64(produced)
                guard written <= outputLimit else {
                    throw ArchiveError(.limitExceeded, "expands past \(outputLimit) bytes: \(limitMessage)", location)
                }
                try write(outBuf[0..<produced])
            }
            guard status == Z_STREAM_END else { continue }
            guard format == .gzip else { return written }
            // gzip: another member may follow (`cat a.gz b.gz`); the input's end is the end.
            if stream.pointee.avail_in == 0 {
                consumedBefore += Int64(chunkLength)
                chunkLength = try read(&inBuf)
                guard chunkLength > 0 else { return written }
                stream.pointee.avail_in = uInt(chunkLength)
            }
            guard inflateReset(stream) == Z_OK else { throw ArchiveError(.io, "inflateReset failed", location) }
        }
    }
}
