import AssayC2PA
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// PEM bundles (trust anchors, certificate chains, revocation lists) that lose an object must not load as
/// if complete: a damaged object is a typed error naming the file and the offset of its `-----BEGIN` line.
@Suite("PEM bundles")
struct PEMBundleTests {
    /// `pem` with one base64 character in the middle of its body replaced by a character base64 lacks.
    static func damaged(_ pem: [UInt8]) -> [UInt8] {
        var out = pem
        let body = out.indices.filter { out[$0] == UInt8(ascii: "A") || out[$0] == UInt8(ascii: "M") }
        out[body[body.count / 2]] = UInt8(ascii: "!")
        return out
    }

    @Test("a damaged certificate after a good one is an error at its offset, not a shorter bundle")
    func damagedCertificate() throws {
        let pki = try TestPKI.shared.get()
        _ = try pki.identity(.es256)  // writes the signer certificate file
        let root = try Array(Data(contentsOf: pki.rootPath))
        let signer = try Array(Data(contentsOf: pki.certPath(.es256)))
        #expect(try Certificate.parsePEMBundle(root + signer + Array("# trailing comment\n".utf8)).count == 2)
        do {
            _ = try Certificate.parsePEMBundle(root + Self.damaged(signer) + root)
            Issue.record("a bundle with a damaged certificate loaded")
        } catch let e as C2PAError {
            #expect(e.code == .invalidCertificate)
            #expect(e.location?.offset == Int64(root.count))
        }
    }

    @Test("a damaged revocation list is an error naming the file and offset")
    func damagedRevocationList() throws {
        let pki = try TestPKI.shared.get()
        _ = try pki.identity(.es256)  // writes the signer certificate file
        let dir = try TemporaryDirectory()
        let rootKey = dir.path("root.key").path
        try Data(try pki.root.key.privateKeyPEM()).write(to: URL(fileURLWithPath: rootKey))
        let serial = try RevocationListMaker.serial(ofCertificateAt: pki.certPath(.es256).path)
        let crl = try Array(Data(contentsOf: URL(fileURLWithPath: RevocationListMaker.make(
            serials: [serial], revoked: "240101000000Z", keyPath: rootKey,
            certPath: pki.rootPath.path, in: dir.path("ca").path))))
        #expect(try RevocationList.parsePEMBundle(crl + crl).count == 2)
        let bundle = dir.path("crls.pem")
        try Data(crl + Self.damaged(crl)).write(to: bundle)
        do {
            _ = try TrustSettings.resolve(trustPath: nil, revocationListPaths: [bundle.path],
                                          environment: ["XDG_CONFIG_HOME": dir.path("config").path])
            Issue.record("a damaged revocation list loaded")
        } catch let e as C2PAError {
            #expect(e.code == .invalidCertificate)
            #expect(e.location?.path == bundle.path)
            #expect(e.location?.offset == Int64(crl.count))
        }
    }
}
