import AssayC2PA
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite(
    "RFC 3161 time-stamps (sigTst2) with a loopback TSA",
    .enabled(if: LoopbackTSA.available, "python3/openssl CLI missing"))
struct TimeStampInteropTests {
    @Test("Assay-signed with a time-stamp: Trusted in Assay, timeStamp.validated + trusted, signing time reported")
    func assayTimeStamped() throws {
        let pki = try TestPKI.shared.get()
        let tsa = try LoopbackTSA(pki: pki)
        defer { tsa.stop() }
        let dir = try TemporaryDirectory()
        let out = try signWithTimeStamp(pki: pki, tsa: tsa, into: dir)
        let r = try ManifestValidator.validate(path: out.path, trust: pki.trust)
        #expect(r.state == .trusted)
        #expect(r.codes(.success).contains("timeStamp.validated"))
        #expect(r.codes(.success).contains("timeStamp.trusted"))
        #expect(r.signer?.time != nil)
        // The TSA root not trusted: still validated, informational untrusted.
        let other = try CertificateFactory.makeRootCA(commonName: "Other", organization: "Other")
        let r2 = try ManifestValidator.validate(path: out.path, trust: TrustSettings(anchors: [other.certificate]))
        #expect(r2.codes(.informational).contains("timeStamp.untrusted"))

        guard Interop.available else {
            print("c2pa-python not installed: the c2pa-python half of this test is skipped")
            return
        }
        let py = try Interop.read(out, anchors: pki.rootPath)
        print(
            "| Assay+TSA | c2pa-python \(py.state ?? py.error ?? "?") success \(py.success) info \(py.informational) |")
        #expect(py.state == "Trusted")
        #expect(Set(py.success) == Set(r.codes(.success)))
    }

    @Test("A signer revoked after a trusted time-stamp of its signature still signed validly; before it, not")
    func revocationAfterTheTimeStamp() throws {
        let pki = try TestPKI.shared.get()
        let tsa = try LoopbackTSA(pki: pki)
        defer { tsa.stop() }
        let dir = try TemporaryDirectory()
        let rootKey = dir.path("root.key").path
        try Data(try pki.root.key.privateKeyPEM()).write(to: URL(fileURLWithPath: rootKey))
        _ = try pki.identity(.es256)  // writes the signer certificate file
        let serial = try RevocationListMaker.serial(ofCertificateAt: pki.certPath(.es256).path)
        let crl = { (name: String, revoked: String) in
            try RevocationList.parsePEMBundle([UInt8](try Data(contentsOf: URL(fileURLWithPath:
                try RevocationListMaker.make(serials: [serial], revoked: revoked, keyPath: rootKey,
                                             certPath: pki.rootPath.path, in: dir.path(name).path)))))
        }
        let input = try TestFixtures.generated("h264_aac.mp4").path
        let stamped = dir.path("stamped.mp4").path, plain = dir.path("plain.mp4").path
        let definition = ManifestDefinition(label: ContentLabel(producer: "p", generator: .init(name: "g", version: "1")))
        try ManifestSigner.sign(inputPath: input, outputPath: stamped, definition: definition,
                                identity: try pki.signingIdentity(.es256), timeStampURL: tsa.url)
        try ManifestSigner.sign(inputPath: input, outputPath: plain, definition: definition,
                                identity: try pki.signingIdentity(.es256))
        var later = pki.trust, earlier = pki.trust
        later.revocationLists = try crl("later", "351231000000Z")  // revoked in 2035
        earlier.revocationLists = try crl("earlier", "200101000000Z")  // revoked in 2020, before signing
        let stampedLater = try ManifestValidator.validate(path: stamped, trust: later)
        #expect(stampedLater.state == .trusted, "\(stampedLater.codes(.failure))")
        #expect(stampedLater.codes(.informational).contains("assay.crl.notRevoked"))
        // Without a time-stamp nothing proves the signature came before the revocation.
        let plainLater = try ManifestValidator.validate(path: plain, trust: later)
        #expect(plainLater.codes(.failure).contains("signingCredential.revoked"))
        let stampedEarlier = try ManifestValidator.validate(path: stamped, trust: earlier)
        #expect(stampedEarlier.codes(.failure).contains("signingCredential.revoked"))
        #expect(stampedEarlier.evidence.state != .trusted)
    }

    @Test(
        "c2pa-python-signed with a time-stamp validates the same in Assay",
        .enabled(if: Interop.available, "c2pa-python not installed"))
    func pythonTimeStamped() throws {
        let pki = try TestPKI.shared.get()
        _ = try pki.identity(.es256)  // writes the signer certificate file
        let tsa = try LoopbackTSA(pki: pki)
        defer { tsa.stop() }
        let dir = try TemporaryDirectory()
        let out = dir.path("py-ts.mp4")
        let r = try Subprocess.run(
            Interop.python,
            [
                Interop.tool, "sign", try TestFixtures.generated("h264_aac.mp4").path,
                out.path, pki.certPath(.es256).path, pki.keyPath(.es256).path,
                "--tsa", tsa.url,
            ])
        #expect(r.status == 0, "\(r.stderrText)")
        let py = try Interop.read(out, anchors: pki.rootPath)
        let ours = try ManifestValidator.validate(path: out.path, trust: pki.trust)
        print(
            "| c2pa-python+TSA | c2pa-python \(py.state ?? py.error ?? "?") \(py.success) | Assay \(ours.state.rawValue) \(ours.codes(.success)) |"
        )
        #expect(ours.state.rawValue == py.state)
        #expect(Set(ours.codes(.success)) == Set(py.success))
        #expect(Set(ours.codes(.failure)) == Set(py.failures))
        #expect(ours.signer?.time != nil)
    }
}

@Suite(
    "Legacy v1 claims with sigTst (TimeStampResp over the claim)",
    .enabled(if: LoopbackTSA.available, "python3/openssl CLI missing"),
    .enabled(if: Interop.available, "c2pa-python not installed"))
struct LegacyTimeStampTests {
    @Test("c2pa-python v1 + TSA validates the same in Assay, including the signing time")
    func legacy() throws {
        let pki = try TestPKI.shared.get()
        _ = try pki.identity(.es256)  // writes the signer certificate file
        let tsa = try LoopbackTSA(pki: pki)
        defer { tsa.stop() }
        let dir = try TemporaryDirectory()
        let out = dir.path("v1-ts.mp4")
        try Interop.sign(
            try TestFixtures.generated("h264_aac.mp4"), out, cert: pki.certPath(.es256), key: pki.keyPath(.es256),
            alg: "es256", claimVersion: 1, tsa: tsa.url)
        let py = try Interop.read(out, anchors: pki.rootPath)
        let ours = try ManifestValidator.validate(path: out.path, trust: pki.trust)
        print("| v1+TSA | c2pa-python \(py.state ?? py.error ?? "?") \(py.success) | Assay \(ours.codes(.success)) |")
        #expect(ours.state.rawValue == py.state)
        #expect(Set(ours.codes(.success)) == Set(py.success))
        #expect(ours.codes(.success).contains("timeStamp.validated"))
        #expect(ours.signer?.time != nil)
    }
}

@Suite(
    "Tampered time-stamps agree with c2pa-python",
    .enabled(if: LoopbackTSA.available, "python3/openssl CLI missing"),
    .enabled(if: Interop.available, "c2pa-python not installed"))
struct TimeStampTamperTests {
    @Test("a byte flipped inside the TimeStampToken")
    func tamperedToken() throws {
        let pki = try TestPKI.shared.get()
        let tsa = try LoopbackTSA(pki: pki)
        defer { tsa.stop() }
        let dir = try TemporaryDirectory()
        let out = try signWithTimeStamp(pki: pki, tsa: tsa, into: dir)
        var b = Array(try Data(contentsOf: out))
        // The token's TSTInfo carries the policy OID 1.2.3.4.1 (06 04 2A 03 04 01): change its last arc.
        let oid: [UInt8] = [0x06, 0x04, 0x2A, 0x03, 0x04, 0x01]
        guard let i = (0..<(b.count - oid.count)).first(where: { Array(b[$0..<($0 + oid.count)]) == oid }) else {
            Issue.record("policy OID not found in the token")
            return
        }
        b[i + 5] = 0x02
        let f = dir.path("tampered.mp4")
        try Data(b).write(to: f)
        let py = try Interop.read(f, anchors: pki.rootPath)
        let ours = try ManifestValidator.validate(path: f.path, trust: pki.trust)
        print(
            "| token flip | c2pa-python \(py.state ?? py.error ?? "?") fail \(py.failures) info \(py.informational) "
                + "| Assay \(ours.state.rawValue) fail \(ours.codes(.failure)) info \(ours.codes(.informational)) |")
        // c2pa-rs reports a broken time-stamp as informational and falls back to the current time.
        #expect(ours.state.rawValue == py.state)
        #expect(Set(ours.codes(.failure)) == Set(py.failures))
        #expect(Set(ours.codes(.informational)) == Set(py.informational))
        #expect(ours.codes(.informational).contains("timeStamp.mismatch"))
    }
}

/// Signs the generated H.264 test clip into `dir/ts.mp4` with an ES256 identity of `pki` and a time-stamp from `tsa`.
private func signWithTimeStamp(pki: TestPKI, tsa: LoopbackTSA, into dir: TemporaryDirectory) throws -> URL {
    let out = dir.path("ts.mp4")
    try ManifestSigner.sign(
        inputPath: try TestFixtures.generated("h264_aac.mp4").path, outputPath: out.path,
        definition: ManifestDefinition(label: ContentLabel(producer: "p", generator: .init(name: "g", version: "1"))),
        identity: try pki.signingIdentity(.es256), timeStampURL: tsa.url)
    return out
}
