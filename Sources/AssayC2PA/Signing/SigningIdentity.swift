/// A signing certificate chain, its private key and the COSE algorithm.
public struct SigningIdentity: Sendable {
    /// Certificates, end-entity first, intermediates after; the root is not included.
    public let chain: [Certificate]
    /// The private key of the end-entity certificate.
    public let key: CryptoKey
    /// The COSE algorithm.
    public let algorithm: SigningAlgorithm

    /// Creates an identity, checking that the key matches the certificate and the algorithm.
    /// - Throws: ``C2PAError/Code/invalidKey`` or ``C2PAError/Code/invalidCertificate``.
    public init(chain: [Certificate], key: CryptoKey, algorithm: SigningAlgorithm? = nil) throws {
        guard let leaf = chain.first else { throw C2PAError.invalidCertificate("empty certificate chain") }
        guard let alg = algorithm ?? key.defaultAlgorithm else {
            throw C2PAError.unsupportedAlgorithm("no C2PA algorithm fits this key; pass --alg")
        }
        try key.check(fits: alg)
        guard key.publicKeyEquals(try leaf.publicKey()) else {
            throw C2PAError.invalidKey("the private key does not belong to the signing certificate")
        }
        self.chain = chain
        self.key = key
        self.algorithm = alg
    }

    /// Loads a PEM chain and a PEM key file (which must not be group/world-readable).
    public static func load(certificatePath: String, keyPath: String, algorithm: SigningAlgorithm? = nil) throws
        -> SigningIdentity
    {
        let chain = try TrustSettings.pemFile(certificatePath, Certificate.parsePEMBundle)
        // A root in the chain file is dropped: C2PA chains carry end-entity and intermediates only.
        let trimmed = chain.count > 1 ? chain.filter { !$0.isSelfSignedCA } : chain
        return try SigningIdentity(chain: trimmed, key: try CryptoKey.privateKey(file: keyPath), algorithm: algorithm)
    }

    /// Problems with the end-entity certificate under the C2PA profile (empty = fine).
    public func profileProblems(allowedEKUs: Set<String> = ExtendedKeyUsage.defaultAllowed) -> [String] {
        let now = Int64(time(nil))
        var problems = chain[0].profileProblems(allowedEKUs: allowedEKUs, at: now)
        // c2pa-rs refuses to sign outside the validity period ("not valid at time of signing").
        if !chain[0].isValid(at: now) { problems.append("signing certificate is not valid now (expired or not yet valid)") }
        return problems
    }
}

#if canImport(Glibc)
    import Glibc
#endif
internal import COpenSSL

extension Certificate {
    /// True for a self-signed CA certificate (a root).
    var isSelfSignedCA: Bool {
        let f = X509_get_extension_flags(raw)
        return f & UInt32(EXFLAG_SS) != 0 && X509_check_ca(raw) > 0
    }
}
