internal import COpenSSL

/// Streaming SHA-256 over OpenSSL 3 EVP (uses SHA-NI where the CPU has it).
///
/// A value type with copy-on-write state: copying a hasher and updating the copy does not affect
/// the original. ``update(source:range:)`` reads in 1 MiB chunks into one reused buffer.
/// ``finalize()`` returns the digest and resets the hasher for reuse.
public struct SHA256Hasher {
    /// Bytes per read when hashing a ``ByteSource`` range.
    public static let chunkSize = 1 << 20

    private var state: HashState

    /// A fresh hasher.
    public init() {
        state = HashState()
    }

    private mutating func uniqueState() -> HashState {
        if !isKnownUniquelyReferenced(&state) { state = state.copy() }
        return state
    }

    /// Hashes raw bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        uniqueState().update(bytes)
    }

    /// Hashes an array of bytes.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Hashes `range` of `source`, streamed in ``chunkSize`` reads through a reused buffer.
    /// - Throws: ``BMFFError`` if the range passes the end of the source or a read fails.
    public mutating func update(source: any ByteSource, range: Range<Int64>) throws {
        guard range.lowerBound >= 0, range.upperBound <= source.size else {
            throw BMFFError.truncated(
                "hash range \(range) passes the end (\(source.size) bytes)", at: source.location(range.lowerBound))
        }
        let s = uniqueState()
        let buffer = s.buffer(forRange: range.upperBound - range.lowerBound)
        var offset = range.lowerBound
        while offset < range.upperBound {
            let n = Int(min(Int64(buffer.count), range.upperBound - offset))
            let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n])
            try source.read(at: offset, into: chunk)
            s.update(UnsafeRawBufferPointer(chunk))
            offset += Int64(n)
        }
    }

    /// Returns the 32-byte digest of everything hashed so far and resets the hasher.
    public mutating func finalize() -> [UInt8] {
        uniqueState().finalize()
    }

    /// The SHA-256 digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var h = SHA256Hasher()
        h.update(bytes)
        return h.finalize()
    }

    /// The SHA-256 digest of `range` of `source` (the whole source by default).
    public static func digest(source: any ByteSource, range: Range<Int64>? = nil) throws -> [UInt8] {
        var h = SHA256Hasher()
        try h.update(source: source, range: range ?? 0..<source.size)
        return h.finalize()
    }
}

/// Owns the `EVP_MD_CTX` (freed in `deinit`) and the read buffer.
private final class HashState {
    let context: OpaquePointer
    private var storage: UnsafeMutableRawBufferPointer?

    init() {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        context = ctx
        Self.initialise(ctx)
    }

    private init(copying other: HashState) {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        guard EVP_MD_CTX_copy_ex(ctx, other.context) == 1 else { fatalError("EVP_MD_CTX_copy_ex failed") }
        context = ctx
    }

    deinit {
        EVP_MD_CTX_free(context)
        storage?.deallocate()
    }

    /// An EVP failure on an initialised SHA-256 context means memory corruption or a broken
    /// libcrypto; there is no meaningful recovery, so these trap.
    private static func initialise(_ ctx: OpaquePointer) {
        guard EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1 else { fatalError("EVP_DigestInit_ex(sha256) failed") }
    }

    func copy() -> HashState { HashState(copying: self) }

    /// The read buffer for a range of `length` bytes: no larger than the range (most ranges of a small
    /// file, and of a manifest, are a few bytes) and at most ``SHA256Hasher/chunkSize``; grown when a
    /// later range needs more.
    func buffer(forRange length: Int64) -> UnsafeMutableRawBufferPointer {
        let wanted = Int(max(4096, min(length, Int64(SHA256Hasher.chunkSize))))
        if let storage, storage.count >= wanted { return storage }
        storage?.deallocate()
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: wanted, alignment: 64)
        storage = b
        return b
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        guard EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else {
            fatalError("EVP_DigestUpdate failed")
        }
    }

    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &out, &len) == 1, len == 32 else { fatalError("EVP_DigestFinal_ex failed") }
        Self.initialise(context)
        return out
    }
}
