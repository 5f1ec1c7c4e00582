import AssayC2PA
import AssayTestSupport
import Foundation

/// A development PKI for tests: one root and one signing certificate per algorithm, written as PEM
/// files (keys 0600) into a temporary directory.
final class TestPKI: @unchecked Sendable {
    let dir: TemporaryDirectory
    let root: CertificateFactory.Identity
    private var identities: [SigningAlgorithm: CertificateFactory.Identity] = [:]
    private let lock = NSLock()

    init() throws {
        dir = try TemporaryDirectory(prefix: "assay-pki")
        root = try CertificateFactory.makeRootCA(commonName: "Assay Test Root", organization: "Assay Tests")
        try Data(try root.certificate.pem()).write(to: rootPath)
    }

    var rootPath: URL { dir.path("root.pem") }

    func identity(_ alg: SigningAlgorithm) throws -> CertificateFactory.Identity {
        lock.lock()
        defer { lock.unlock() }
        if let i = identities[alg] { return i }
        let i = try CertificateFactory.makeSigningCertificate(
            commonName: "Assay Test Signer \(alg.rawValue)", organization: "Assay Tests", algorithm: alg, issuer: root)
        identities[alg] = i
        try Data(try i.certificate.pem()).write(to: certPath(alg))
        let kp = keyPath(alg)
        guard FileManager.default.createFile(
            atPath: kp.path, contents: Data(try i.key.privateKeyPEM()),
            attributes: [.posixPermissions: 0o600])
        else { throw InteropError(message: "cannot write a test key file") }
        return i
    }

    func certPath(_ alg: SigningAlgorithm) -> URL { dir.path("signer-\(alg.rawValue).pem") }
    func keyPath(_ alg: SigningAlgorithm) -> URL { dir.path("signer-\(alg.rawValue).key") }

    func signingIdentity(_ alg: SigningAlgorithm) throws -> SigningIdentity {
        let i = try identity(alg)
        return try SigningIdentity(chain: [i.certificate], key: i.key, algorithm: alg)
    }

    var trust: TrustSettings { TrustSettings(anchors: [root.certificate]) }

    /// One PKI per test process (key generation for RSA-4096 is slow).
    static let shared: Result<TestPKI, Error> = Result { try TestPKI() }
}
