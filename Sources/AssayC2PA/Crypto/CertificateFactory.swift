internal import COpenSSL

/// Makes development certificates that c2pa-rs accepts: a root CA and C2PA signing certificates
/// (v3, SKI, AKI, KU digitalSignature, EKU emailProtection + documentSigning, CA:FALSE).
public enum CertificateFactory {
    /// A generated identity.
    public struct Identity: Sendable {
        /// The certificate.
        public let certificate: Certificate
        /// Its private key.
        public let key: CryptoKey
    }

    /// Makes a self-signed root CA (EC P-256, CA:TRUE, keyCertSign + cRLSign).
    public static func makeRootCA(commonName: String, organization: String, days: Int = 3650) throws -> Identity {
        let key = try CryptoKey.generate(for: .es256)
        let x = try newCertificate(subject: (commonName, organization), key: key, days: days)
        try OpenSSL.check(X509_set_issuer_name(x.raw, X509_get_subject_name(x.raw)), "X509_set_issuer_name")
        try addExtensions(
            to: x, issuer: x,
            [
                (NID_basic_constraints, "critical,CA:TRUE"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ])
        try sign(x, with: key)
        return Identity(certificate: x, key: key)
    }

    /// Makes a C2PA signing certificate for `algorithm`, issued by `issuer`.
    public static func makeSigningCertificate(
        commonName: String, organization: String, algorithm: SigningAlgorithm, issuer: Identity, days: Int = 3650
    ) throws -> Identity {
        let rsaBits = algorithm == .ps384 ? 3072 : algorithm == .ps512 ? 4096 : 2048
        let key = try CryptoKey.generate(for: algorithm, rsaBits: rsaBits)
        return try makeEndEntity(commonName: commonName, organization: organization, key: key, issuer: issuer,
                                 extendedKeyUsage: "emailProtection,1.3.6.1.5.5.7.3.36", days: days)
    }

    /// Makes an RFC 3161 time-stamping certificate (critical EKU timeStamping), issued by `issuer`.
    public static func makeTimeStampingCertificate(
        commonName: String, organization: String, issuer: Identity,
        days: Int = 3650
    ) throws -> Identity {
        try makeEndEntity(commonName: commonName, organization: organization, key: try CryptoKey.generate(for: .es256),
                          issuer: issuer, extendedKeyUsage: "critical,timeStamping", days: days)
    }

    /// An end-entity certificate (CA:FALSE, KU digitalSignature, SKI, AKI) with the given EKU.
    private static func makeEndEntity(
        commonName: String, organization: String, key: CryptoKey, issuer: Identity, extendedKeyUsage: String, days: Int
    ) throws -> Identity {
        let x = try newCertificate(subject: (commonName, organization), key: key, days: days)
        try OpenSSL.check(
            X509_set_issuer_name(x.raw, X509_get_subject_name(issuer.certificate.raw)),
            "X509_set_issuer_name")
        try addExtensions(
            to: x, issuer: issuer.certificate,
            [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature"),
                (NID_ext_key_usage, extendedKeyUsage),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ])
        try sign(x, with: issuer.key)
        return Identity(certificate: x, key: key)
    }

    private static func newCertificate(subject: (String, String), key: CryptoKey, days: Int) throws -> Certificate {
        let x = Certificate(owning: try OpenSSL.check(X509_new(), "X509_new"))
        try OpenSSL.check(X509_set_version(x.raw, 2), "X509_set_version")
        var serial = [UInt8](repeating: 0, count: 16)
        try OpenSSL.check(RAND_bytes(&serial, Int32(serial.count)), "RAND_bytes")
        serial[0] &= 0x7f
        serial[0] |= 0x01
        let bn = serial.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        defer { BN_free(bn) }
        _ = try OpenSSL.check(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x.raw)), "BN_to_ASN1_INTEGER")
        _ = try OpenSSL.check(X509_gmtime_adj(X509_getm_notBefore(x.raw), -86400), "X509_gmtime_adj")
        _ = try OpenSSL.check(X509_gmtime_adj(X509_getm_notAfter(x.raw), days * 86400), "X509_gmtime_adj")
        try OpenSSL.check(X509_set_pubkey(x.raw, key.raw), "X509_set_pubkey")
        let name = try OpenSSL.check(X509_NAME_new(), "X509_NAME_new")
        defer { X509_NAME_free(name) }
        for (field, value) in [("C", "US"), ("O", subject.1), ("CN", subject.0)] {
            try OpenSSL.check(
                X509_NAME_add_entry_by_txt(name, field, cossl_mbstring_asc(), value, -1, -1, 0),
                "X509_NAME_add_entry_by_txt")
        }
        try OpenSSL.check(X509_set_subject_name(x.raw, name), "X509_set_subject_name")
        return x
    }

    private static func addExtensions(to x: Certificate, issuer: Certificate, _ exts: [(Int32, String)]) throws {
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuer.raw, x.raw, nil, nil, 0)
        for (nid, value) in exts {
            let ext = try OpenSSL.check(X509V3_EXT_conf_nid(nil, &ctx, nid, value), "X509V3_EXT_conf_nid(\(value))")
            defer { X509_EXTENSION_free(ext) }
            try OpenSSL.check(X509_add_ext(x.raw, ext, -1), "X509_add_ext")
        }
    }

    private static func sign(_ x: Certificate, with key: CryptoKey) throws {
        let md: OpaquePointer? = key.typeName.uppercased() == "ED25519" ? nil : EVP_sha256()
        guard X509_sign(x.raw, key.raw, md) > 0 else {
            throw C2PAError.cryptoFailure("X509_sign failed: \(OpenSSL.errorText())")
        }
    }
}
