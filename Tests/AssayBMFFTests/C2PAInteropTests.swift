import AssayBMFF
import AssayTestSupport
import Foundation
import Testing

/// Interop with c2pa-python (c2pa-rs 0.91.3): files it signs are read and edited by AssayBMFF.
/// Needs `.venv` with c2pa-python (`make pydeps`); the suite is skipped (and says so) without it.
/// The venv's Python, if it can import c2pa.
enum C2PAPython {
    static let path: String? = {
        let p = TestFixtures.packageRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: p),
            let r = try? Subprocess.run(p, ["-c", "import c2pa"]), r.status == 0
        else { return nil }
        return p
    }()
}

@Suite(.enabled(if: C2PAPython.path != nil, "needs .venv with c2pa-python (make pydeps)"))
struct C2PAInteropTests {
    static let script = """
        import sys, json, c2pa
        mode = sys.argv[1]
        if mode == "sign":
            src, dst, cert, key = sys.argv[2:6]
            info = c2pa.C2paSignerInfo(alg=b"es256", sign_cert=open(cert, "rb").read(),
                                       private_key=open(key, "rb").read(), ta_url=None)
            manifest = {"claim_generator_info": [{"name": "assay-bmff-test", "version": "0"}],
                        "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": [{"action": "c2pa.created",
                        "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"}]}}]}
            with open(src, "rb") as s, open(dst, "w+b") as d:
                c2pa.Builder(json.dumps(manifest)).sign(c2pa.Signer.from_info(info), "video/mp4", s, d)
        path = sys.argv[-1] if mode == "state" else sys.argv[3]
        r = c2pa.Reader("video/mp4", open(path, "rb"))
        codes = [f["code"] for f in json.loads(r.json()).get("validation_status", [])]
        print(r.get_validation_state(), " ".join(codes))
        """

    /// A self-signed ES256 end-entity certificate that passes c2pa-rs's profile checks.
    static func makeSigner(in dir: TemporaryDirectory) throws -> (cert: String, key: String) {
        let openssl = try #require(Subprocess.which("openssl"))
        let cert = dir.path("cert.pem").path
        let key = dir.path("key.pem").path
        let r = try Subprocess.run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", cert, "-days", "3650", "-subj", "/CN=assay bmff test",
                "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "keyUsage=critical,digitalSignature",
                "-addext", "extendedKeyUsage=emailProtection", "-addext", "subjectKeyIdentifier=hash",
                "-addext", "authorityKeyIdentifier=keyid:always",
            ])
        #expect(r.status == 0, "\(r.stderrText)")
        return (cert, key)
    }

    /// Runs the helper script; returns c2pa-python's validation state line.
    static func run(_ args: [String]) throws -> String {
        let r = try Subprocess.run(try #require(C2PAPython.path), ["-c", script] + args)
        #expect(r.status == 0, "c2pa-python: \(r.stderrText)")
        return r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: ["h264_aac.mp4", "h264_faststart.mp4", "h264_fragmented.mp4"])
    func readsAndRemovesManifestsWrittenByC2PAPython(name: String) throws {
        let input = try TestFixtures.generated(name)
        let dir = try TemporaryDirectory()
        let (cert, key) = try Self.makeSigner(in: dir)
        let signed = dir.path("signed-\(name)").path
        let state = try Self.run(["sign", input.path, signed, cert, key])
        #expect(state.hasPrefix("Valid"))  // self-signed, not in any trust list

        let src = try FileByteSource(path: signed)
        let tree = try BoxTree.parse(src)
        let originalTree = try BoxTree.parse(try FileByteSource(path: input.path))
        let manifest = try #require(try C2PAManifestBox.find(in: tree, source: src))
        #expect(manifest.box.offset == originalTree.first("ftyp")!.end)  // right after ftyp
        #expect(manifest.purpose == "manifest" && manifest.auxiliaryOffset == 0)
        #expect(try src.read(at: manifest.dataRange.lowerBound + 4, count: 4) == Array("jumb".utf8))
        try tree.checkOffsetTables(in: src)

        // Removing the box undoes c2pa-rs's insertion exactly (except its tfra rewrite, see notes §2).
        let removed = dir.path("removed-\(name)").path
        try BoxEditor(source: src, tree: tree).apply([.remove(manifest.box)], to: removed).commit()
        let back = try Helpers.bytes(URL(fileURLWithPath: removed))
        let original = try Helpers.bytes(input)
        #expect(back.count == original.count)
        for box in originalTree.boxes where box.type != "mfra" {
            #expect(back[Int(box.offset)..<Int(box.end)] == original[Int(box.offset)..<Int(box.end)], "\(box.type)")
        }
        if name != "h264_fragmented.mp4" { #expect(back == original) }
        #expect(try Helpers.frameMD5(signed) == Helpers.frameMD5(input.path))
    }

    @Test func editsThatKeepTheHashedBytesKeepTheManifestValid() throws {
        let input = try TestFixtures.generated("h264_aac.mp4")
        let dir = try TemporaryDirectory()
        let (cert, key) = try Self.makeSigner(in: dir)
        let signed = dir.path("signed.mp4").path
        _ = try Self.run(["sign", input.path, signed, cert, key])
        let src = try FileByteSource(path: signed)
        let tree = try BoxTree.parse(src)
        let manifest = try #require(try C2PAManifestBox.find(in: tree, source: src))
        let boxBytes = try src.read(at: manifest.box.offset, count: Int(manifest.box.size))

        // Replacing the manifest box with its own bytes and appending a `free` box (excluded from
        // the hash) leaves a file c2pa-python still validates.
        let same = dir.path("same.mp4").path
        try BoxEditor(source: src, tree: tree)
            .apply(
                [.replace(manifest.box, with: boxBytes), .insert(BoxBuilder.box("free", [0, 0]), at: .end)], to: same
            )
            .commit()
        #expect(try Self.run(["state", same]).hasPrefix("Valid"))

        // Growing the manifest box by one byte shifts mdat and moves every box offset, which the
        // BMFF hash covers: c2pa-python must now report a mismatch (shows the check above can fail).
        let grown = dir.path("grown.mp4").path
        let bigger = C2PAManifestBox.build(
            data: try src.read(at: manifest.dataRange.lowerBound, count: manifest.dataRange.count) + [0])
        try BoxEditor(source: src, tree: tree).apply([.replace(manifest.box, with: bigger)], to: grown).commit()
        let grownState = try Self.run(["state", grown])
        #expect(grownState.hasPrefix("Invalid") && grownState.contains("assertion.bmffHash.mismatch"), "\(grownState)")
    }
}
