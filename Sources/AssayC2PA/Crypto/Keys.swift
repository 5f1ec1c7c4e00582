internal import COpenSSL
#if canImport(Glibc)
    import Glibc
#endif

/// A private or public key held by OpenSSL (RAII wrapper of `EVP_PKEY`). Never printed.
public final class CryptoKey: @unchecked Sendable {
    let raw: OpaquePointer

    init(owning raw: OpaquePointer) { self.raw = raw }

    deinit { EVP_PKEY_free(raw) }

    /// Reads a PEM private key (PKCS#8 or traditional, unencrypted).
    /// - Throws: ``C2PAError/Code/invalidKey``.
    public static func privateKey(pem: [UInt8]) throws -> CryptoKey {
        let bio = try MemoryBIO(pem)
        guard let k = PEM_read_bio_PrivateKey(bio.raw, nil, nil, nil) else {
            _ = OpenSSL.errorText()
            throw C2PAError.invalidKey("not a PEM private key (encrypted keys are not supported)")
        }
        return CryptoKey(owning: k)
    }

    /// Reads a private key file, refusing files readable by group or others.
    /// - Throws: ``C2PAError/Code/insecureKeyFile``, ``C2PAError/Code/ioFailure``, ``C2PAError/Code/invalidKey``.
    public static func privateKey(file path: String) throws -> CryptoKey {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw C2PAError.ioFailure("cannot read key file: \(String(cString: strerror(errno)))", path: path)
        }
        if st.st_mode & 0o077 != 0 {
            throw C2PAError.insecureKeyFile(
                "private key \(path) is readable by group or others (mode \(String(st.st_mode & 0o777, radix: 8))); "
                    + "run: chmod 600 \(path)")
        }
        return try privateKey(pem: try FileIO.readAll(path))
    }

    /// Generates a key for `algorithm` (P-256/384/521, RSA-`rsaBits`, or Ed25519).
    public static func generate(for algorithm: SigningAlgorithm, rsaBits: Int = 2048) throws -> CryptoKey {
        let name: String =
            switch algorithm {
            case .es256, .es384, .es512: "EC"
            case .ps256, .ps384, .ps512: "RSA"
            case .ed25519: "ED25519"
            }
        let ctx = try OpenSSL.check(EVP_PKEY_CTX_new_from_name(nil, name, nil), "EVP_PKEY_CTX_new_from_name")
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSL.check(EVP_PKEY_keygen_init(ctx), "EVP_PKEY_keygen_init")
        if let curve = algorithm.curveName {
            try OpenSSL.check(EVP_PKEY_CTX_set_group_name(ctx, curve), "EVP_PKEY_CTX_set_group_name")
        }
        if algorithm.isRSAPSS {
            try OpenSSL.check(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(rsaBits)), "set_rsa_keygen_bits")
        }
        var key: OpaquePointer?
        try OpenSSL.check(EVP_PKEY_generate(ctx, &key), "EVP_PKEY_generate")
        return CryptoKey(owning: try OpenSSL.check(key, "EVP_PKEY_generate"))
    }

    /// The private key as unencrypted PKCS#8 PEM (for writing a 0600 key file only).
    public func privateKeyPEM() throws -> [UInt8] {
        let bio = try MemoryBIO()
        try OpenSSL.check(PEM_write_bio_PrivateKey(bio.raw, raw, nil, nil, 0, nil, nil), "PEM_write_bio_PrivateKey")
        return bio.contents
    }

    /// OpenSSL key type name: `EC`, `RSA`, `RSA-PSS`, `ED25519`, …
    var typeName: String {
        guard let n = EVP_PKEY_get0_type_name(raw) else { return "unknown" }
        return String(cString: n)
    }

    /// Key size in bits.
    var bits: Int { Int(EVP_PKEY_get_bits(raw)) }

    /// EC group name (`prime256v1`, …), if an EC key.
    var groupName: String? {
        var buf = [CChar](repeating: 0, count: 64)
        var len = 0
        guard EVP_PKEY_get_group_name(raw, &buf, buf.count, &len) > 0 else { return nil }
        return String(decoding: buf.prefix(len).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The algorithm that fits this key best (ES* by curve, PS256 for RSA, Ed25519).
    public var defaultAlgorithm: SigningAlgorithm? {
        switch typeName.uppercased() {
        case "EC":
            switch groupName {
            case "prime256v1", "P-256": return .es256
            case "secp384r1", "P-384": return .es384
            case "secp521r1", "P-521": return .es512
            default: return nil
            }
        case "RSA", "RSA-PSS": return .ps256
        case "ED25519": return .ed25519
        default: return nil
        }
    }

    /// Checks the key fits `algorithm` (type, curve, RSA ≥ 2048).
    func check(fits algorithm: SigningAlgorithm) throws {
        let t = typeName.uppercased()
        switch algorithm {
        case .es256, .es384, .es512:
            guard t == "EC", let g = groupName, g == algorithm.curveName else {
                throw C2PAError.invalidKey(
                    "\(algorithm.rawValue) needs an EC \(algorithm.curveName ?? "") key, got \(t) \(groupName ?? "")")
            }
        case .ps256, .ps384, .ps512:
            guard t == "RSA" || t == "RSA-PSS" else {
                throw C2PAError.invalidKey("\(algorithm.rawValue) needs an RSA key, got \(t)")
            }
            guard bits >= 2048 else { throw C2PAError.invalidKey("RSA keys must have at least 2048 bits, got \(bits)") }
        case .ed25519:
            guard t == "ED25519" else { throw C2PAError.invalidKey("Ed25519 needs an Ed25519 key, got \(t)") }
        }
    }

    /// Signs `message` (the digest is applied inside). ECDSA signatures come back as raw r‖s.
    func sign(_ message: [UInt8], algorithm: SigningAlgorithm) throws -> [UInt8] {
        try check(fits: algorithm)
        let mctx = try OpenSSL.check(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        defer { EVP_MD_CTX_free(mctx) }
        var pctx: OpaquePointer?
        let md = algorithm.digestName.flatMap(OpenSSL.digest(named:))
        try OpenSSL.check(EVP_DigestSignInit(mctx, &pctx, md, nil, raw), "EVP_DigestSignInit")
        if algorithm.isRSAPSS { try Self.configurePSS(pctx, md) }
        var len = 0
        try message.withUnsafeBytes { m in
            try OpenSSL.check(EVP_DigestSign(mctx, nil, &len, m.baseAddress, m.count), "EVP_DigestSign (size)")
        }
        var sig = [UInt8](repeating: 0, count: len)
        try message.withUnsafeBytes { m in
            try OpenSSL.check(EVP_DigestSign(mctx, &sig, &len, m.baseAddress, m.count), "EVP_DigestSign")
        }
        sig = Array(sig.prefix(len))
        if let n = algorithm.ecCoordinateSize { return try ECDSASignature.derToRaw(sig, coordinateSize: n) }
        return sig
    }

    /// Verifies a signature (raw r‖s for ECDSA). Returns false on mismatch, never throws for a bad signature.
    func verify(_ signature: [UInt8], message: [UInt8], algorithm: SigningAlgorithm) -> Bool {
        guard (try? check(fits: algorithm)) != nil else { return false }
        var sig = signature
        if let n = algorithm.ecCoordinateSize {
            guard signature.count == 2 * n, let der = try? ECDSASignature.rawToDER(signature) else { return false }
            sig = der
        }
        guard let mctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(mctx) }
        var pctx: OpaquePointer?
        let md = algorithm.digestName.flatMap(OpenSSL.digest(named:))
        guard EVP_DigestVerifyInit(mctx, &pctx, md, nil, raw) > 0 else { _ = OpenSSL.errorText(); return false }
        if algorithm.isRSAPSS { guard (try? Self.configurePSS(pctx, md)) != nil else { return false } }
        let ok = sig.withUnsafeBytes { s in
            message.withUnsafeBytes { m in
                EVP_DigestVerify(mctx, s.bindMemory(to: UInt8.self).baseAddress, s.count, m.baseAddress, m.count)
            }
        }
        _ = OpenSSL.errorText()
        return ok == 1
    }

    private static func configurePSS(_ pctx: OpaquePointer?, _ md: OpaquePointer?) throws {
        try OpenSSL.check(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), "set_rsa_padding")
        try OpenSSL.check(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST), "set_rsa_pss_saltlen")
        try OpenSSL.check(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md), "set_rsa_mgf1_md")
    }

    /// True when this key's public half equals `other`'s.
    func publicKeyEquals(_ other: CryptoKey) -> Bool { EVP_PKEY_eq(raw, other.raw) == 1 }
}

/// Converts ECDSA signatures between DER and IEEE P1363 (raw r‖s).
enum ECDSASignature {
    static func derToRaw(_ der: [UInt8], coordinateSize n: Int) throws -> [UInt8] {
        let sig: OpaquePointer = try der.withUnsafeBufferPointer { b in
            var p: UnsafePointer<UInt8>? = b.baseAddress
            return try OpenSSL.check(d2i_ECDSA_SIG(nil, &p, b.count), "d2i_ECDSA_SIG")
        }
        defer { ECDSA_SIG_free(sig) }
        var out = [UInt8](repeating: 0, count: 2 * n)
        guard let r = ECDSA_SIG_get0_r(sig), let s = ECDSA_SIG_get0_s(sig) else {
            throw C2PAError.cryptoFailure("ECDSA_SIG_get0 failed")
        }
        out.withUnsafeMutableBufferPointer { o in
            _ = BN_bn2binpad(r, o.baseAddress, Int32(n))
            _ = BN_bn2binpad(s, o.baseAddress! + n, Int32(n))
        }
        return out
    }

    static func rawToDER(_ raw: [UInt8]) throws -> [UInt8] {
        let n = raw.count / 2
        let sig = try OpenSSL.check(ECDSA_SIG_new(), "ECDSA_SIG_new")
        defer { ECDSA_SIG_free(sig) }
        let r = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32(n), nil) }
        let s = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + n, Int32(n), nil) }
        guard let r, let s, ECDSA_SIG_set0(sig, r, s) == 1 else {
            throw C2PAError.cryptoFailure("ECDSA_SIG_set0 failed")
        }
        var out: UnsafeMutablePointer<UInt8>?
        let len = i2d_ECDSA_SIG(sig, &out)
        guard len > 0, let out else { throw C2PAError.cryptoFailure("i2d_ECDSA_SIG failed") }
        defer { cossl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(len)))
    }
}

/// Whole-file reads and small writes for keys and PEM files.
enum FileIO {
    /// Reads a small file (at most `limit` bytes).
    static func readAll(_ path: String, limit: Int = 16 << 20) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw C2PAError.ioFailure("cannot open: \(String(cString: strerror(errno)))", path: path) }
        defer { close(fd) }
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw C2PAError.ioFailure("read failed: \(String(cString: strerror(errno)))", path: path)
            }
            if n == 0 { break }
            out.append(contentsOf: buf.prefix(n))
            guard out.count <= limit else { throw C2PAError.ioFailure("file larger than \(limit) bytes", path: path) }
        }
        return out
    }
}
