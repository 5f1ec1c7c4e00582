import AssayCore
internal import COpenSSL

/// One helper per C call path: turns OpenSSL's error queue into a ``C2PAError``.
enum OpenSSL {
    /// Drains the OpenSSL error queue into one line (never contains key material).
    static func errorText() -> String {
        var parts = [String]()
        while true {
            let e = ERR_get_error()
            if e == 0 { break }
            var buf = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(e, &buf, buf.count)
            parts.append(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return parts.isEmpty ? "no OpenSSL error detail" : parts.joined(separator: "; ")
    }

    /// Throws ``C2PAError/Code/cryptoFailure`` when `result` is not positive.
    static func check(_ result: Int32, _ what: @autoclosure () -> String) throws {
        guard result > 0 else { throw C2PAError.cryptoFailure("\(what()) failed: \(errorText())") }
    }

    /// Throws when `pointer` is nil.
    static func check<P>(_ pointer: P?, _ what: @autoclosure () -> String) throws -> P {
        guard let pointer else { throw C2PAError.cryptoFailure("\(what()) failed: \(errorText())") }
        return pointer
    }

    static func digest(named name: String) -> OpaquePointer? {
        switch name {
        case "sha256": return EVP_sha256()
        case "sha384": return EVP_sha384()
        case "sha512": return EVP_sha512()
        default: return nil
        }
    }
}

/// A memory BIO (RAII).
final class MemoryBIO {
    /// Every object `read` parses from a PEM bundle, in order (OpenSSL's end-of-bundle error is cleared).
    /// Reads PEM objects until `read` fails. A failure at the end of the bundle is its end; a failure
    /// while an object with one of `labels` (`-----BEGIN <label>-----`) is still ahead is a damaged object,
    /// reported with its byte offset rather than silently dropping it and everything after it (a trust
    /// bundle or revocation list that loses entries must not pass for a complete one).
    /// Each object is handed to `own` (its RAII wrapper) as soon as it is read.
    static func pemObjects<T>(_ pem: [UInt8], labels: [String], read: (OpaquePointer) -> OpaquePointer?,
                              own: (OpaquePointer) -> T) throws -> [T]
    {
        let bio = try MemoryBIO(pem)
        var out = [T]()
        while true {
            let start = pem.count - Int(BIO_ctrl_pending(bio.raw))
            if let object = read(bio.raw) {
                out.append(own(object))
                continue
            }
            let detail = OpenSSL.errorText()  // at the end of the bundle: a "no start line" entry
            let markers = labels.map { Array("-----BEGIN \($0)-----".utf8) }
            if let at = firstMarker(markers, in: pem, from: start) {
                throw C2PAError(code: .invalidCertificate, reason: "unreadable PEM object (\(detail))",
                                location: InputLocation(offset: Int64(at)))
            }
            return out
        }
    }

    private static func firstMarker(_ markers: [[UInt8]], in bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        return (start..<bytes.count).first { i in
            markers.contains { m in bytes.count - i >= m.count && bytes[i..<i + m.count].elementsEqual(m) }
        }
    }

    let raw: OpaquePointer

    init() throws { raw = try OpenSSL.check(BIO_new(BIO_s_mem()), "BIO_new") }

    init(_ bytes: [UInt8]) throws {
        raw = try OpenSSL.check(
            bytes.withUnsafeBytes { BIO_new_mem_buf($0.baseAddress, Int32($0.count)) },
            "BIO_new_mem_buf")
        // BIO_new_mem_buf does not copy: keep the bytes alive for the BIO's life.
        storage = bytes
    }

    private var storage: [UInt8] = []

    var contents: [UInt8] {
        var ptr: UnsafeMutablePointer<CChar>?
        let n = cossl_BIO_get_mem_data(raw, &ptr)
        guard n > 0, let ptr else { return [] }
        return ptr.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    }

    deinit { BIO_free(raw) }
}

/// Computes a digest in one call.
enum Digest {
    static func sha256(_ bytes: [UInt8]) -> [UInt8] { hash("sha256", bytes) }

    static func hash(_ alg: String, _ bytes: [UInt8]) -> [UInt8] {
        guard let md = OpenSSL.digest(named: alg) else { return [] }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        bytes.withUnsafeBytes { b in _ = EVP_Digest(b.baseAddress, b.count, &out, &len, md, nil) }
        return Array(out.prefix(Int(len)))
    }
}

/// A streaming digest over OpenSSL EVP (RAII).
final class StreamingDigest {
    let ctx: OpaquePointer

    init(_ alg: String) throws {
        guard let md = OpenSSL.digest(named: alg) else { throw C2PAError.unsupportedAlgorithm("hash \(alg)") }
        ctx = try OpenSSL.check(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        try OpenSSL.check(EVP_DigestInit_ex(ctx, md, nil), "EVP_DigestInit_ex")
    }

    func update(_ p: UnsafeRawBufferPointer) { _ = EVP_DigestUpdate(ctx, p.baseAddress, p.count) }
    func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        _ = EVP_DigestFinal_ex(ctx, &out, &len)
        return Array(out.prefix(Int(len)))
    }

    deinit { EVP_MD_CTX_free(ctx) }
}
