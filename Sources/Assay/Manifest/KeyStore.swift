public import AssayC2PA
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// The development key store under `$XDG_CONFIG_HOME/assay/` (default `~/.config/assay/`):
/// a root CA, a C2PA signing certificate issued by it, their 0600 keys, and `trust.pem`.
public struct KeyStore: Sendable {
    /// The folder.
    public let directory: String

    /// The store in the default config folder.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        directory = TrustSettings.configDirectory(environment: environment)
    }

    /// A store in an explicit folder.
    public init(directory: String) { self.directory = directory }

    /// Root CA certificate path.
    public var rootCertificatePath: String { directory + "/root-ca.pem" }
    /// Root CA key path.
    public var rootKeyPath: String { directory + "/root-ca.key" }
    /// Signing certificate chain path.
    public var signerCertificatePath: String { directory + "/signer.pem" }
    /// Signing key path.
    public var signerKeyPath: String { directory + "/signer.key" }
    /// Trust anchors read by `verify`.
    public var trustPath: String { directory + "/trust.pem" }

    /// True when a signing identity exists.
    public var hasSigningIdentity: Bool {
        FileManager.default.fileExists(atPath: signerCertificatePath)
            && FileManager.default.fileExists(atPath: signerKeyPath)
    }

    /// What `initialize` wrote.
    public struct Created: Sendable {
        /// Paths written.
        public let files: [String]
        /// Subject CN of the signing certificate.
        public let signerName: String
        /// Algorithm of the signing key.
        public let algorithm: SigningAlgorithm
    }

    /// Creates a development root CA and a signing certificate (refuses to overwrite unless `force`).
    /// The root is appended to `trust.pem` so that local `verify` trusts files signed here.
    public func initialize(organization: String, algorithm: SigningAlgorithm = .es256, force: Bool = false) throws
        -> Created
    {
        if hasSigningIdentity && !force {
            throw C2PAError.invalidArgument(
                "a signing identity already exists in \(directory) (use --force to replace it)")
        }
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let root = try CertificateFactory.makeRootCA(
            commonName: "\(organization) Assay Development Root",
            organization: organization)
        let signer = try CertificateFactory.makeSigningCertificate(
            commonName: "\(organization) Assay Signer", organization: organization, algorithm: algorithm, issuer: root)
        try writeSecret(rootKeyPath, try root.key.privateKeyPEM())
        try writeSecret(signerKeyPath, try signer.key.privateKeyPEM())
        try writePublic(rootCertificatePath, try root.certificate.pem())
        try writePublic(signerCertificatePath, try signer.certificate.pem())
        var trust = [UInt8]()
        if FileManager.default.fileExists(atPath: trustPath), let d = FileManager.default.contents(atPath: trustPath) {
            trust = Array(d)
            if let last = trust.last, last != UInt8(ascii: "\n") { trust.append(UInt8(ascii: "\n")) }
        }
        trust += try root.certificate.pem()
        try writePublic(trustPath, trust)
        return Created(
            files: [rootCertificatePath, rootKeyPath, signerCertificatePath, signerKeyPath, trustPath],
            signerName: signer.certificate.subjectCommonName ?? "", algorithm: algorithm)
    }

    /// Loads the signing identity (the key file must be 0600 or stricter).
    public func signingIdentity(algorithm: SigningAlgorithm? = nil) throws -> SigningIdentity {
        guard hasSigningIdentity else {
            throw C2PAError.invalidArgument(
                "no signing identity in \(directory); run `assay keys init` or pass --cert/--key")
        }
        return try SigningIdentity.load(
            certificatePath: signerCertificatePath, keyPath: signerKeyPath, algorithm: algorithm)
    }

    private func writeSecret(_ path: String, _ bytes: [UInt8]) throws {
        try write(path, bytes, mode: 0o600)
    }

    private func writePublic(_ path: String, _ bytes: [UInt8]) throws {
        try write(path, bytes, mode: 0o644)
    }

    /// Atomic write with the mode set before any byte is written.
    private func write(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, mode)
        guard fd >= 0 else { throw C2PAError.ioFailure("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        _ = fchmod(fd, mode)
        var done = 0
        let ok: Bool = bytes.withUnsafeBytes { b in
            while done < b.count {
                let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw C2PAError.ioFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
