import AssayBMFF
@testable import AssayC2PA
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite("Validator on Assay-signed and hostile files")
struct ValidatorTests {
    static func signed(_ alg: SigningAlgorithm = .es256, label: ContentLabel? = nil) throws -> (
        TemporaryDirectory, URL, ContentLabel
    ) {
        let pki = try TestPKI.shared.get()
        let dir = try TemporaryDirectory()
        let out = dir.path("signed.mp4")
        let l =
            label
            ?? ContentLabel(
                producer: "Acme", generator: .init(name: "gen", version: "2.0"),
                promptDigest: String(repeating: "0f", count: 32))
        try ManifestSigner.sign(
            inputPath: try TestFixtures.generated("h264_aac.mp4").path, outputPath: out.path,
            definition: ManifestDefinition(label: l, title: "signed.mp4"),
            identity: try pki.signingIdentity(alg))
        return (dir, out, l)
    }

    @Test("sign → validate: Trusted, the label reads back, report is c2pa-shaped")
    func roundTrip() throws {
        let pki = try TestPKI.shared.get()
        let (dir, out, label) = try Self.signed()
        defer { withExtendedLifetime(dir) {} }
        let r = try ManifestValidator.validate(path: out.path, trust: pki.trust)
        #expect(r.state == .trusted)
        let e = r.evidence
        #expect(e.label?.contentID == label.contentID)
        #expect(e.label?.producer == "Acme")
        #expect(e.label?.generator == label.generator)
        #expect(e.label?.promptDigest == label.promptDigest)
        #expect(e.softBinding == label.contentID)
        #expect(e.signer?.algorithm == "ES256")
        let obj = r.jsonObject()
        #expect(obj["validation_state"] as? String == "Trusted")
        #expect(obj["active_manifest"] as? String == r.activeManifest?.label)
        let vr = (obj["validation_results"] as? [String: Any])?["activeManifest"] as? [String: Any]
        #expect((vr?["failure"] as? [Any])?.isEmpty == true)
        // Without anchors: Valid + signingCredential.untrusted (tolerated).
        let untrusted = try ManifestValidator.validate(path: out.path, trust: TrustSettings())
        #expect(untrusted.state == .valid)
        #expect(untrusted.codes(.failure) == ["signingCredential.untrusted"])
    }

    @Test("the signed file still decodes with ffmpeg and the input is untouched")
    func decodes() throws {
        let input = try TestFixtures.generated("h264_aac.mp4")
        let before = try Data(contentsOf: input)
        let (dir, out, _) = try Self.signed()
        defer { withExtendedLifetime(dir) {} }
        #expect(try Data(contentsOf: input) == before)
        guard let ffmpeg = Subprocess.which("ffmpeg") else { return }
        let r = try Subprocess.run(ffmpeg, ["-v", "error", "-i", out.path, "-f", "null", "-"])
        #expect(r.status == 0)
        #expect(r.stderrText.isEmpty)
    }

    @Test("random corruption of the manifest box never crashes or hangs")
    func fuzzManifestBox() throws {
        let pki = try TestPKI.shared.get()
        let (dir, out, _) = try Self.signed()
        let bytes = Array(try Data(contentsOf: out))
        let tree = try BoxTree.parse(MemoryByteSource(bytes))
        guard let box = tree.boxes.first(where: { $0.userType == KnownBoxes.c2paUUID }) else {
            Issue.record("no manifest box")
            return
        }
        var rng = SystemRandomNumberGenerator()
        var outcomes = [String: Int]()
        for i in 0..<300 {
            var b = bytes
            let flips = 1 + i % 4
            for _ in 0..<flips {
                let at = Int.random(in: Int(box.offset + 8)..<Int(box.end), using: &rng)
                b[at] = UInt8.random(in: 0...255, using: &rng)
            }
            let f = dir.path("fuzz.mp4")
            try Data(b).write(to: f)
            do {
                let r = try ManifestValidator.validate(path: f.path, trust: pki.trust)
                outcomes[r.state.rawValue, default: 0] += 1
            } catch let e as C2PAError {
                outcomes["C2PAError.\(e.code)", default: 0] += 1
            } catch {
                outcomes["\(type(of: error))", default: 0] += 1
            }
        }
        print("| fuzz outcomes (300 runs) | \(outcomes.sorted { $0.key < $1.key }) |")
        #expect(outcomes.values.reduce(0, +) == 300)
    }

    static func file(with storeBoxes: [[UInt8]]) -> [UInt8] {
        var ftyp = [UInt8]()
        JUMBF.box("ftyp", Array("isom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8), into: &ftyp)
        var mdat = [UInt8]()
        JUMBF.box("mdat", [UInt8](repeating: 7, count: 64), into: &mdat)
        return ftyp + storeBoxes.flatMap { $0 } + mdat
    }

    @Test(
        "hostile containers give typed errors or Invalid",
        arguments: [
            "two manifest boxes", "garbage jumbf", "truncated box header", "empty purpose", "deep jumbf", "no manifest",
        ])
    func hostileContainers(kind: String) throws {
        let pki = try TestPKI.shared.get()
        let garbage = C2PABox.wrap(jumbf: [0, 0, 0, 9] + Array("jumb".utf8) + [1])
        var inner = JUMBFSuperbox(
            description: JUMBFDescription(type: JUMBF.c2paUUID("c2pa"), label: "c2pa"), children: [])
        for _ in 0..<64 {
            inner = JUMBFSuperbox(
                description: JUMBFDescription(type: JUMBF.c2paUUID("c2pa"), label: "c2pa"),
                children: [.superbox(inner)])
        }
        let bytes: [UInt8]
        switch kind {
        case "two manifest boxes": bytes = Self.file(with: [garbage, garbage])
        case "garbage jumbf": bytes = Self.file(with: [garbage])
        case "truncated box header": bytes = Self.file(with: [Array(C2PABox.wrap(jumbf: []).prefix(30))])
        case "empty purpose":
            var b = [UInt8]()
            JUMBF.box("uuid", KnownBoxes.c2paUUID + [0, 0, 0, 0], into: &b)
            bytes = Self.file(with: [b])
        case "deep jumbf": bytes = Self.file(with: [C2PABox.wrap(jumbf: inner.bytes())])
        default: bytes = Self.file(with: [])
        }
        do {
            let r = try ManifestValidator.validate(
                source: MemoryByteSource(bytes, name: "hostile.mp4"), trust: pki.trust)
            #expect(r.state == .invalid)
        } catch let e as C2PAError {
            if kind == "no manifest" {
                #expect(e.code == .manifestNotFound)
            } else {
                #expect(e.code != .manifestNotFound)
            }
            #expect(e.location != nil || e.code == .manifestNotFound)
        } catch let e as BMFFError {
            // The container layer (AssayBMFF) reports broken boxes itself, with file offsets.
            #expect(["truncated box header", "empty purpose"].contains(kind), "unexpected BMFF error \(e)")
            #expect(e.location.offset != nil)
        }
    }

    @Test("an ingredient that references its own manifest (a cycle) is Invalid, not a hang")
    func ingredientCycle() throws {
        let pki = try TestPKI.shared.get()
        let label = "urn:c2pa:00000000-0000-4000-8000-000000000001"
        var def = ManifestDefinition(label: ContentLabel(producer: "x", generator: .init(name: "g", version: "1")))
        def.assertions.append(
            .init(
                label: Assertions.ingredientLabel,
                content: .textMap([
                    ("relationship", .text("parentOf")),
                    (
                        "activeManifest",
                        HashedURI(url: "self#jumbf=/c2pa/\(label)", hash: [UInt8](repeating: 0, count: 32)).cbor
                    ),
                ])))
        let builder = StoreBuilder(
            label: label, definition: def, identity: try pki.signingIdentity(.es256), parent: nil,
            inputTitle: "x.mp4")
        let jumbf = try builder.build(hash: [UInt8](repeating: 0, count: 32))
        let bytes = Self.file(with: [C2PABox.wrap(jumbf: jumbf)])
        let r = try ManifestValidator.validate(source: MemoryByteSource(bytes), trust: pki.trust)
        #expect(r.state == .invalid)
        #expect(r.evidence.failureCodes.contains("claim.malformed"))
    }

    @Test("tampering an Assay-signed file is detected", arguments: ["mdat", "claim", "assertion", "signature"])
    func tamperOwn(what: String) throws {
        let pki = try TestPKI.shared.get()
        let (dir, out, _) = try Self.signed()
        var b = Array(try Data(contentsOf: out))
        let tree = try BoxTree.parse(MemoryByteSource(b))
        let box = try #require(tree.boxes.first { $0.userType == KnownBoxes.c2paUUID })
        func find(_ s: String) -> Int? {
            let n = Array(s.utf8)
            return (Int(box.offset)..<(Int(box.end) - n.count)).first { Array(b[$0..<($0 + n.count)]) == n }
        }
        let expected: String
        switch what {
        case "mdat":
            let m = try #require(tree.first("mdat"))
            b[Int(m.offset + m.size / 3)] ^= 0x10
            expected = "assertion.bmffHash.mismatch"
        case "claim":
            let i = try #require(find("xmp:iid:"))
            b[i + 9] = b[i + 9] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            expected = "claimSignature.mismatch"
        case "assertion":
            let i = try #require(find("Acme"))
            b[i] = UInt8(ascii: "X")
            expected = "assertion.hashedURI.mismatch"
        default:
            // The signature bstr sits right before the end of the COSE map... flip inside it via its position:
            // the COSE is the last content of the box; the final byte belongs to the signature.
            b[Int(box.end) - 1] ^= 0x01
            expected = "claimSignature.mismatch"
        }
        let f = dir.path("t.mp4")
        try Data(b).write(to: f)
        let r = try ManifestValidator.validate(path: f.path, trust: pki.trust)
        #expect(r.state == .invalid)
        #expect(r.codes(.failure).contains(expected))
    }
}
