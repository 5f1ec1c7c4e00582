internal import COpenSSL
#if canImport(Glibc)
    import Glibc
#endif

/// An X.509 certificate held by OpenSSL (RAII wrapper of `X509`).
public final class Certificate: @unchecked Sendable {
    let raw: OpaquePointer

    init(owning raw: OpaquePointer) { self.raw = raw }

    deinit { X509_free(raw) }

    /// Parses DER.
    /// - Throws: ``C2PAError/Code/invalidCertificate``.
    public convenience init(der: [UInt8]) throws {
        let x: OpaquePointer? = der.withUnsafeBufferPointer { b in
            var p: UnsafePointer<UInt8>? = b.baseAddress
            return d2i_X509(nil, &p, b.count)
        }
        guard let x else {
            _ = OpenSSL.errorText()
            throw C2PAError.invalidCertificate("not a DER X.509 certificate (\(der.count) bytes)")
        }
        self.init(owning: x)
    }

    /// Parses every certificate in a PEM bundle, in order.
    /// - Throws: ``C2PAError/Code/invalidCertificate`` if the bundle has none, or if one of them is damaged
    ///   (the error's offset is where its `-----BEGIN` line starts).
    public static func parsePEMBundle(_ pem: [UInt8]) throws -> [Certificate] {
        let out = try MemoryBIO.pemObjects(
            pem, labels: ["CERTIFICATE", "X509 CERTIFICATE"], read: { PEM_read_bio_X509($0, nil, nil, nil) },
            own: Certificate.init(owning:))
        guard !out.isEmpty else { throw C2PAError.invalidCertificate("no PEM certificate found") }
        return out
    }

    /// The DER encoding.
    public var der: [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        let n = i2d_X509(raw, &out)
        guard n > 0, let out else { return [] }
        defer { cossl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(n)))
    }

    /// The PEM encoding.
    public func pem() throws -> [UInt8] {
        let bio = try MemoryBIO()
        try OpenSSL.check(PEM_write_bio_X509(bio.raw, raw), "PEM_write_bio_X509")
        return bio.contents
    }

    /// The public key.
    func publicKey() throws -> CryptoKey {
        CryptoKey(owning: try OpenSSL.check(X509_get_pubkey(raw), "X509_get_pubkey"))
    }

    private func nameEntry(_ name: OpaquePointer?, _ nid: Int32) -> String? {
        guard let name else { return nil }
        var buf = [CChar](repeating: 0, count: 256)
        let n = X509_NAME_get_text_by_NID(name, nid, &buf, Int32(buf.count))
        guard n > 0 else { return nil }
        return String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Subject common name.
    public var subjectCommonName: String? { nameEntry(X509_get_subject_name(raw), NID_commonName) }
    /// Subject organisation.
    public var subjectOrganization: String? { nameEntry(X509_get_subject_name(raw), NID_organizationName) }
    /// Issuer common name.
    public var issuerCommonName: String? { nameEntry(X509_get_issuer_name(raw), NID_commonName) }
    /// Issuer organisation.
    public var issuerOrganization: String? { nameEntry(X509_get_issuer_name(raw), NID_organizationName) }

    /// Serial number in decimal.
    public var serialNumber: String {
        guard let bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(raw), nil) else { return "" }
        defer { BN_free(bn) }
        guard let s = BN_bn2dec(bn) else { return "" }
        defer { cossl_free(s) }
        return String(cString: s)
    }

    /// The dotted EKU OIDs, or `nil` if the extension is absent.
    var extendedKeyUsages: [String]? {
        guard let eku = cossl_X509_get_eku(raw) else { return nil }
        defer { cossl_EXTENDED_KEY_USAGE_free(eku) }
        var out = [String]()
        for i in 0..<cossl_sk_ASN1_OBJECT_num(eku) {
            var buf = [CChar](repeating: 0, count: 128)
            let n = OBJ_obj2txt(&buf, Int32(buf.count), cossl_sk_ASN1_OBJECT_value(eku, i), 1)
            if n > 0 { out.append(String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)) }
        }
        return out
    }

    /// `notAfter` as seconds since the epoch (best effort).
    var notAfter: Int64? { Self.epoch(X509_get0_notAfter(raw)) }
    /// `notBefore` as seconds since the epoch (best effort).
    var notBefore: Int64? { Self.epoch(X509_get0_notBefore(raw)) }

    static func epoch(_ t: UnsafePointer<ASN1_TIME>?) -> Int64? {
        guard let t else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(t, &tm) == 1 else { return nil }
        return Int64(timegm(&tm))
    }

    /// Checks the certificate against the C2PA signing-certificate profile as c2pa-rs does
    /// (`check_certificate_profile`). Returns the problems found (empty = acceptable).
    public func profileProblems(allowedEKUs: Set<String>, at time: Int64) -> [String] {
        var problems = [String]()
        if X509_get_version(raw) != 2 { problems.append("certificate is not X.509 version 3") }
        let flags = X509_get_extension_flags(raw)
        if flags & UInt32(EXFLAG_CRITICAL) != 0 { problems.append("certificate has an unknown critical extension") }
        if X509_check_ca(raw) > 0 && flags & UInt32(EXFLAG_BCONS) != 0 && flags & UInt32(EXFLAG_CA) != 0 {
            problems.append("signing certificate is a CA")
        }
        if flags & UInt32(EXFLAG_SS) != 0 && flags & UInt32(EXFLAG_CA) != 0 {
            problems.append("signing certificate is a self-signed CA")
        }
        var iuid: UnsafePointer<ASN1_BIT_STRING>?
        var suid: UnsafePointer<ASN1_BIT_STRING>?
        X509_get0_uids(raw, &iuid, &suid)
        if iuid != nil || suid != nil { problems.append("certificate has issuer or subject unique IDs") }
        if X509_get_ext_by_NID(raw, NID_authority_key_identifier, -1) < 0 {
            problems.append("certificate has no AuthorityKeyIdentifier")
        }
        if flags & UInt32(EXFLAG_KUSAGE) == 0 {
            problems.append("certificate has no KeyUsage")
        } else {
            let ku = X509_get_key_usage(raw)
            if ku & UInt32(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION) == 0 {
                problems.append("KeyUsage lacks digitalSignature")
            }
            if ku & UInt32(KU_KEY_CERT_SIGN) != 0 { problems.append("end-entity KeyUsage has keyCertSign") }
        }
        if let ekus = extendedKeyUsages {
            if ekus.contains("2.5.29.37.0") { problems.append("anyExtendedKeyUsage is not allowed") }
            let exclusive: Set<String> = ["1.3.6.1.5.5.7.3.8", "1.3.6.1.5.5.7.3.9"]
            if ekus.count > 1 && ekus.contains(where: exclusive.contains) {
                problems.append("timeStamping/OCSPSigning EKU combined with another EKU")
            }
            if !ekus.contains(where: allowedEKUs.contains) { problems.append("certificate missing required EKU") }
        } else {
            problems.append("certificate has no EKU (ExtendedKeyUsage)")
        }
        switch X509_get_signature_nid(raw) {
        case NID_sha256WithRSAEncryption, NID_sha384WithRSAEncryption, NID_sha512WithRSAEncryption,
            NID_ecdsa_with_SHA256, NID_ecdsa_with_SHA384, NID_ecdsa_with_SHA512, NID_rsassaPss, NID_ED25519:
            break
        default: problems.append("certificate signature algorithm is not allowed")
        }
        if let key = try? publicKey() {
            switch key.typeName.uppercased() {
            case "EC":
                if !["prime256v1", "secp384r1", "secp521r1"].contains(key.groupName ?? "") {
                    problems.append("EC curve \(key.groupName ?? "?") is not allowed")
                }
            case "RSA", "RSA-PSS":
                if key.bits < 2048 { problems.append("RSA key shorter than 2048 bits") }
            case "ED25519": break
            default: problems.append("public key type \(key.typeName) is not allowed")
            }
        } else {
            problems.append("public key cannot be read")
        }
        return problems
    }

    /// True when `time` is within the validity period.
    func isValid(at time: Int64) -> Bool {
        guard let nb = notBefore, let na = notAfter else { return false }
        return nb <= time && time <= na
    }
}

/// EKUs c2pa-rs accepts by default (emailProtection, documentSigning, timeStamping, OCSPSigning,
/// MS C2PA signing, C2PA claimSigning).
public enum ExtendedKeyUsage {
    /// emailProtection.
    public static let emailProtection = "1.3.6.1.5.5.7.3.4"
    /// documentSigning.
    public static let documentSigning = "1.3.6.1.5.5.7.3.36"
    /// The full default set.
    public static let defaultAllowed: Set<String> = [
        "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36", "1.3.6.1.5.5.7.3.8", "1.3.6.1.5.5.7.3.9",
        "1.3.6.1.4.1.311.76.59.1.9", "1.3.6.1.4.1.62558.2.1",
    ]
}

/// Trust anchors in an `X509_STORE` (RAII) and the chain check.
final class TrustStore: @unchecked Sendable {
    let raw: OpaquePointer
    let count: Int

    init(anchors: [Certificate]) throws {
        raw = try OpenSSL.check(X509_STORE_new(), "X509_STORE_new")
        for a in anchors { _ = X509_STORE_add_cert(raw, a.raw) }
        _ = OpenSSL.errorText()
        _ = X509_STORE_set_flags(raw, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        count = anchors.count
    }

    deinit { X509_STORE_free(raw) }

    /// Verifies that `leaf` chains (through `intermediates`) to an anchor. Returns nil or the reason.
    func verify(leaf: Certificate, intermediates: [Certificate], at time: Int64?) -> String? {
        guard count > 0 else { return "no trust anchors configured" }
        guard let ctx = X509_STORE_CTX_new() else { return "X509_STORE_CTX_new failed" }
        defer { X509_STORE_CTX_free(ctx) }
        guard let stack = cossl_sk_X509_new_null() else { return "sk_X509_new_null failed" }
        defer { cossl_sk_X509_free(stack) }
        for c in intermediates { _ = cossl_sk_X509_push(stack, c.raw) }
        guard X509_STORE_CTX_init(ctx, raw, leaf.raw, stack) == 1 else { return OpenSSL.errorText() }
        if let time { X509_STORE_CTX_set_time(ctx, 0, time_t(time)) }
        let ok = X509_verify_cert(ctx)
        if ok == 1 { return nil }
        let err = X509_STORE_CTX_get_error(ctx)
        _ = OpenSSL.errorText()
        return String(cString: X509_verify_cert_error_string(Int(err)))
    }
}
