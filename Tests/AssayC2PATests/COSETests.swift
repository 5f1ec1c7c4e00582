@testable import AssayC2PA
import Testing

@Suite("COSE_Sign1 and OpenSSL")
struct COSETests {
    @Test("sign and verify with every algorithm; tampering is detected", arguments: SigningAlgorithm.allCases)
    func signVerify(alg: SigningAlgorithm) throws {
        let pki = try TestPKI.shared.get()
        let id = try pki.identity(alg)
        let payload = Array("claim bytes".utf8)
        let cose = try COSESign1.sign(payload: payload, algorithm: alg, chain: [id.certificate.der], key: id.key)
        let parsed = try COSESign1(bytes: cose)
        #expect(parsed.algorithm == alg)
        #expect(parsed.certificateChain == [id.certificate.der])
        if let n = alg.ecCoordinateSize { #expect(parsed.signature.count == 2 * n) }  // raw r||s, not DER
        let key = try Certificate(der: parsed.certificateChain[0]).publicKey()
        let tbs = COSESign1.toBeSigned(protectedBytes: parsed.protectedBytes, payload: payload)
        #expect(key.verify(parsed.signature, message: tbs, algorithm: alg))
        let bad = COSESign1.toBeSigned(protectedBytes: parsed.protectedBytes, payload: payload + [0])
        #expect(!key.verify(parsed.signature, message: bad, algorithm: alg))
        var flipped = parsed.signature
        flipped[flipped.count / 2] ^= 1
        #expect(!key.verify(flipped, message: tbs, algorithm: alg))
    }

    @Test("padding reaches the requested size exactly")
    func padding() throws {
        let pki = try TestPKI.shared.get()
        let id = try pki.identity(.es256)
        let plain = try COSESign1.sign(payload: [1], algorithm: .es256, chain: [id.certificate.der], key: id.key)
        for extra in [1, 2, 23, 24, 25, 255, 256, 300, 70000] {
            let padded = try COSESign1.sign(
                payload: [1], algorithm: .es256, chain: [id.certificate.der], key: id.key,
                padTo: plain.count + extra)
            #expect(padded.count == plain.count + extra)
            #expect((try? COSESign1(bytes: padded)) != nil)
        }
    }

    @Test(
        "garbage COSE is a typed error",
        arguments: [
            [UInt8](), [0xd2], [0xd2, 0x83, 0x40, 0xa0, 0xf6], [0xd3, 0x84, 0x40, 0xa0, 0xf6, 0x40],
            [0x84, 0x01, 0xa0, 0xf6, 0x40],
            [0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0x01, 0xf6, 0x40],
        ])
    func garbage(bytes: [UInt8]) {
        #expect(throws: C2PAError.self) { _ = try COSESign1(bytes: bytes) }
    }

    @Test("garbage certificates are a typed error")
    func garbageCertificates() throws {
        #expect(throws: C2PAError.self) { _ = try Certificate(der: [0x30, 0x82, 0xff, 0xff, 0x01]) }
        #expect(throws: C2PAError.self) { _ = try Certificate(der: []) }
        #expect(throws: C2PAError.self) { _ = try Certificate.parsePEMBundle(Array("not a pem".utf8)) }
        #expect(throws: C2PAError.self) {
            _ = try CryptoKey.privateKey(
                pem: Array("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8))
        }
    }

    @Test("generated signing certificates meet the C2PA profile; the root does not")
    func profile() throws {
        let pki = try TestPKI.shared.get()
        for alg in SigningAlgorithm.allCases {
            #expect(
                try pki.identity(alg).certificate.profileProblems(allowedEKUs: ExtendedKeyUsage.defaultAllowed, at: 0)
                    .isEmpty)
        }
        let rootProblems = pki.root.certificate.profileProblems(allowedEKUs: ExtendedKeyUsage.defaultAllowed, at: 0)
        #expect(rootProblems.contains { $0.contains("CA") })
        #expect(rootProblems.contains { $0.contains("EKU") })
    }

    @Test("a key that does not fit the algorithm or the certificate is refused")
    func keyMismatch() throws {
        let pki = try TestPKI.shared.get()
        let es = try pki.identity(.es256)
        let ed = try pki.identity(.ed25519)
        #expect(throws: C2PAError.self) { _ = try SigningIdentity(chain: [es.certificate], key: ed.key) }
        #expect(throws: C2PAError.self) {
            _ = try SigningIdentity(chain: [es.certificate], key: es.key, algorithm: .es384)
        }
        #expect((try? SigningIdentity(chain: [es.certificate], key: es.key)) != nil)
    }

    @Test("group/world-readable key files are refused")
    func keyPermissions() throws {
        let pki = try TestPKI.shared.get()
        _ = try pki.identity(.es256)
        let path = pki.keyPath(.es256).path
        #expect((try? CryptoKey.privateKey(file: path)) != nil)
        let dir = try AssayTestSupport.TemporaryDirectory()
        let open = dir.path("open.key")
        try FileManager.default.copyItem(atPath: path, toPath: open.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: open.path)
        #expect {
            _ = try CryptoKey.privateKey(file: open.path)
        } throws: { ($0 as? C2PAError)?.code == .insecureKeyFile }
    }
}

import AssayTestSupport
import Foundation
