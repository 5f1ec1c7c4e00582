internal import COpenSSL

/// An X.509 certificate revocation list (RFC 5280 CRL), owned (freed in `deinit`).
///
/// Validation checks a manifest's signing certificate against the CRLs it is given (offline: the
/// lists come from files, Assay never fetches them). A list counts only if its issuer issued the
/// certificate and its signature verifies with that issuer's key.
public final class RevocationList: @unchecked Sendable {
    let raw: OpaquePointer

    private init(owning raw: OpaquePointer) { self.raw = raw }

    deinit { X509_CRL_free(raw) }

    /// Parses every CRL in a PEM bundle (`-----BEGIN X509 CRL-----`), in order.
    /// - Throws: ``C2PAError/Code/invalidCertificate`` if the bundle has none.
    public static func parsePEMBundle(_ pem: [UInt8]) throws -> [RevocationList] {
        let out = try MemoryBIO.pemObjects(
            pem, labels: ["X509 CRL"], read: { PEM_read_bio_X509_CRL($0, nil, nil, nil) },
            own: RevocationList.init(owning:))
        guard !out.isEmpty else { throw C2PAError.invalidCertificate("no PEM certificate revocation list found") }
        return out
    }

    /// When the list was issued and when the next one is due (seconds since 1970).
    public var thisUpdate: Int64? { Certificate.epoch(X509_CRL_get0_lastUpdate(raw)) }
    /// When the next list is due, if stated.
    public var nextUpdate: Int64? { Certificate.epoch(X509_CRL_get0_nextUpdate(raw)) }

    /// Whether `issuer` issued this list: the same name and a signature its key verifies.
    func isIssued(by issuer: Certificate) -> Bool {
        guard X509_NAME_cmp(X509_CRL_get_issuer(raw), X509_get_subject_name(issuer.raw)) == 0,
            let key = X509_get0_pubkey(issuer.raw)
        else { return false }
        let ok = X509_CRL_verify(raw, key) == 1
        _ = OpenSSL.errorText()
        return ok
    }

    /// When `certificate` was revoked according to this list, or `nil` if it is not listed.
    func revocationTime(of certificate: Certificate) -> Int64? {
        var entry: OpaquePointer?
        guard X509_CRL_get0_by_cert(raw, &entry, certificate.raw) == 1, let entry else { return nil }
        return Certificate.epoch(X509_REVOKED_get0_revocationDate(entry)) ?? Int64.min
    }
}

extension Certificate {
    /// Whether `self` issued `certificate` (names, key identifiers and signature, as OpenSSL checks).
    func issued(_ certificate: Certificate) -> Bool {
        let ok = X509_check_issued(raw, certificate.raw) == X509_V_OK
            && X509_verify(certificate.raw, X509_get0_pubkey(raw)) == 1
        _ = OpenSSL.errorText()
        return ok
    }
}
