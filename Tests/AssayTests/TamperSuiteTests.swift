import Assay
import AssayBMFF
import AssayC2PA
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// Table-driven tamper suite: one labeled clip, every region damaged in turn, each case checked for
/// its outcome and status code. Only the untouched clip and edits the C2PA spec excludes from the
/// hard binding may read Trusted. Prints the table.
@Suite(.serialized) struct TamperSuiteTests {
    struct Case {
        var name: String
        var mutate: ([UInt8], Layout) throws -> [UInt8]
        var outcome: Set<Verdict.Outcome>
        var code: String?
        var trustedAllowed = false
    }

    /// Where things are in the labeled file.
    struct Layout {
        var ftyp: Box
        var manifest: Box
        var moov: Box
        var mdat: Box
        var bytes: [UInt8]
        /// Offset of a byte inside the JUMBF content that follows `label`'s description box.
        func inside(label: String, skip: Int = 40) -> Int {
            let needle = Array(label.utf8) + [0]
            let m = Int(manifest.offset)
            let region = bytes[m..<Int(manifest.end)]
            guard let i = region.firstRange(of: needle)?.lowerBound else { return m + 64 }
            return min(Int(manifest.end) - 1, i + needle.count + skip)
        }
    }

    let env: LabelEnvironment
    init() throws { env = try LabelEnvironment.shared.get() }

    static func flipByte(_ b: [UInt8], _ at: Int) -> [UInt8] {
        var c = b
        c[at] ^= 0x20
        return c
    }

    @Test func everyRegionAndEveryTrickIsCaught() throws {
        let labeled = env.output("tamper-source.mp4")
        let label = try env.labeler().label(input: try TestFixtures.generated("h264_faststart.mp4").path, output: labeled)
        let other = env.output("tamper-other.mp4")
        try env.labeler().label(input: try TestFixtures.generated("h264_aac.mp4").path, output: other)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: labeled)))
        let source = MemoryByteSource(bytes, name: labeled)
        let tree = try BoxTree.parse(source)
        let layout = Layout(ftyp: tree.first("ftyp")!, manifest: try C2PAManifestBox.find(in: tree, source: source)!.box,
                            moov: tree.first("moov")!, mdat: tree.first("mdat")!, bytes: bytes)
        let otherBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: other)))
        let otherSource = MemoryByteSource(otherBytes)
        let otherBox = try C2PAManifestBox.find(in: try BoxTree.parse(otherSource), source: otherSource)!.box
        let otherManifest = Array(otherBytes[Int(otherBox.offset)..<Int(otherBox.end)])

        func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
            let n = UInt32(8 + payload.count)
            return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + Array(type.utf8) + payload
        }
        let m = Int(layout.manifest.offset), mEnd = Int(layout.manifest.end)
        var cases: [Case] = [
            Case(name: "untouched", mutate: { b, _ in b }, outcome: [.verified], code: nil, trustedAllowed: true),
            Case(name: "ftyp brand byte (outside the hard binding by spec)", mutate: { b, l in Self.flipByte(b, Int(l.ftyp.offset) + 9) },
                 outcome: [.verified], code: nil, trustedAllowed: true),
            // ftyp's size becomes 0 ("to the end of the file"): the whole file is one ftyp box, so neither
            // the manifest nor the frames can be found. Nothing is claimed: no provenance.
            Case(name: "ftyp size field", mutate: { b, l in Self.flipByte(b, Int(l.ftyp.offset) + 3) },
                 outcome: [.tampered, .unsupported, .noProvenance], code: nil),
            Case(name: "assertion c2pa.actions.v2", mutate: { b, l in Self.flipByte(b, l.inside(label: "c2pa.actions.v2")) },
                 outcome: [.tampered], code: "assertion.hashedURI.mismatch"),
            Case(name: "assertion c2pa.soft-binding", mutate: { b, l in Self.flipByte(b, l.inside(label: "c2pa.soft-binding")) },
                 outcome: [.tampered], code: "assertion.hashedURI.mismatch"),
            Case(name: "assertion com.assay.label", mutate: { b, l in Self.flipByte(b, l.inside(label: "com.assay.label")) },
                 outcome: [.tampered], code: "assertion.hashedURI.mismatch"),
            Case(name: "assertion c2pa.hash.bmff.v3", mutate: { b, l in Self.flipByte(b, l.inside(label: "c2pa.hash.bmff.v3")) },
                 outcome: [.tampered], code: "assertion.hashedURI.mismatch"),
            Case(name: "claim", mutate: { b, l in Self.flipByte(b, l.inside(label: "c2pa.claim.v2", skip: 30)) },
                 outcome: [.tampered], code: "claimSignature.mismatch"),
            Case(name: "signature bytes", mutate: { b, _ in Self.flipByte(b, mEnd - 10) },
                 outcome: [.tampered], code: "claimSignature.mismatch"),
            Case(name: "moov (mvhd)", mutate: { b, l in Self.flipByte(b, Int(l.moov.offset) + 40) },
                 outcome: [.tampered], code: "assertion.bmffHash.mismatch"),
            Case(name: "mdat", mutate: { b, l in Self.flipByte(b, Int(l.mdat.offset) + Int(l.mdat.size) / 2) },
                 outcome: [.tampered], code: "assertion.bmffHash.mismatch"),
            Case(name: "trailing box appended", mutate: { b, _ in b + box("junk", [1, 2, 3, 4]) },
                 outcome: [.tampered], code: "assertion.bmffHash.mismatch"),
            Case(name: "trailing garbage (not a box)", mutate: { b, _ in b + [0xde, 0xad, 0xbe] },
                 outcome: [.tampered, .unsupported], code: nil),
            Case(name: "manifest box moved to the end", mutate: { b, _ in Array(b[0..<m]) + Array(b[mEnd...]) + Array(b[m..<mEnd]) },
                 outcome: [.tampered], code: "assertion.bmffHash.mismatch"),
            Case(name: "manifest box duplicated", mutate: { b, _ in Array(b[0..<mEnd]) + Array(b[m..<mEnd]) + Array(b[mEnd...]) },
                 outcome: [.tampered], code: nil),
            Case(name: "manifest transplanted from another labeled file",
                 mutate: { b, _ in Array(b[0..<m]) + otherManifest + Array(b[mEnd...]) }, outcome: [.tampered], code: nil),
        ]
        for cut in [100, 1000, m + 50, mEnd + 20, bytes.count / 2, bytes.count - 300, bytes.count - 1] {
            cases.append(Case(name: "truncated at \(cut)", mutate: { b, _ in Array(b[0..<cut]) },
                              outcome: [.tampered, .unsupported, .error], code: nil))
        }

        let verifier = try env.verifier()
        var table = ["| case | outcome | failure codes |", "|---|---|---|"]
        for c in cases {
            let path = env.output("tampered.mp4")
            try Data(try c.mutate(bytes, layout)).write(to: URL(fileURLWithPath: path))
            let r = verifier.verify(path: path, displayPath: c.name)
            let codes = r.verdict.manifest?.failureCodes ?? []
            table.append("| \(c.name) | \(r.verdict.outcome.rawValue) | \(codes.joined(separator: ", ")) |")
            #expect(c.outcome.contains(r.verdict.outcome), "\(c.name): \(r.verdict.outcome) \(r.verdict.reasons)")
            if let code = c.code { #expect(codes.contains(code), "\(c.name): \(codes)") }
            if !c.trustedAllowed {
                #expect(r.verdict.manifest?.state != .trusted || r.verdict.manifest?.source == .recoveredByWatermark,
                        "\(c.name) must not read Trusted")
            }
        }
        print(table.joined(separator: "\n"))
        #expect(label.manifestCount == 1)
    }

    @Test func anotherIdentityAndExpiredOrWrongCertificates() throws {
        let input = try TestFixtures.generated("h264_aac.mp4").path
        // Re-signed by an attacker's own identity: intact, but not trusted (4).
        let attacker = try TemporaryDirectory()
        let store = KeyStore(directory: attacker.url.path)
        _ = try store.initialize(organization: "Attacker")
        var o = env.options()
        o.certificatePath = store.signerCertificatePath
        o.keyPath = store.signerKeyPath
        let resigned = env.output("resigned.mp4")
        try Labeler(options: o).label(input: input, output: resigned)
        let r = try env.verifier().verify(path: resigned, displayPath: resigned)
        #expect(r.verdict.outcome == .untrusted, "\(r.verdict.reasons)")
        #expect(r.verdict.manifest?.failureCodes.contains("signingCredential.untrusted") == true)

        // A certificate that has expired since signing: the content is intact, the credential is not.
        let root = try CertificateFactory.makeRootCA(commonName: "Temporary Root", organization: "Test Org")
        let short = try CertificateFactory.makeSigningCertificate(commonName: "Short-lived", organization: "Test Org",
                                                                  algorithm: .es256, issuer: root, days: 0)
        let identity = try SigningIdentity(chain: [short.certificate], key: short.key)
        let signed = env.output("short-lived.mp4")
        try ManifestSigner.sign(inputPath: input, outputPath: signed, definition: ManifestDefinition(
            label: ContentLabel(producer: "Test Org", generator: .init(name: "g", version: "1"))), identity: identity)
        sleep(2)
        let expired = try env.verifier().verify(path: signed, displayPath: signed)
        #expect(expired.verdict.manifest?.failureCodes.contains("signingCredential.expired") == true,
                "\(expired.verdict.manifest?.failureCodes ?? [])")
        #expect(expired.verdict.outcome == .untrusted)
        // A file signed with a certificate whose EKU the verifier's policy does not allow (the signer's
        // emailProtection + documentSigning, checked against an `allowed_ekus.txt` that lists serverAuth
        // only): the credential is invalid for signing, so the manifest is Invalid, never Trusted.
        let strict = try TemporaryDirectory()
        let strictConfig = strict.path("config/assay").path
        try FileManager.default.createDirectory(atPath: strictConfig, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: env.environment["XDG_CONFIG_HOME"]! + "/assay/trust.pem",
                                         toPath: strictConfig + "/trust.pem")
        try Data("# TLS server certificates only\n1.3.6.1.5.5.7.3.1\n".utf8)
            .write(to: URL(fileURLWithPath: strictConfig + "/allowed_ekus.txt"))
        var strictEnvironment = env.environment
        strictEnvironment["XDG_CONFIG_HOME"] = strict.path("config").path
        let labeled = env.output("eku.mp4")
        try Labeler(options: env.options()).label(input: input, output: labeled)
        let strictVerifier = try Verifier(options: VerifyOptions(watermark: false, classifier: false,
                                                                 environment: strictEnvironment))
        let wrongEKU = strictVerifier.verify(path: labeled, displayPath: labeled)
        #expect(wrongEKU.verdict.manifest?.failureCodes.contains("signingCredential.invalid") == true,
                "\(wrongEKU.verdict.manifest?.failureCodes ?? [])")
        #expect(wrongEKU.verdict.outcome == .tampered && wrongEKU.verdict.manifest?.state != .trusted)
        // The same file under the default EKU policy is Trusted: the EKU alone made the difference.
        #expect(try env.verifier(watermark: false).verify(path: labeled, displayPath: labeled).verdict.outcome
                == .verified)
        // Signing with an expired certificate is refused, and so is a certificate without an allowed EKU.
        #expect(throws: (any Error).self) {
            try ManifestSigner.sign(inputPath: input, outputPath: self.env.output("never.mp4"), definition: ManifestDefinition(
                label: ContentLabel(producer: "x", generator: .init(name: "g", version: "1"))), identity: identity)
        }
    }
}
