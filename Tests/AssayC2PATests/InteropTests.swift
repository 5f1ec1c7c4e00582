import AssayBMFF
import AssayC2PA
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@Suite(
    "Interop with c2pa-python",
    .enabled(if: Interop.available, "c2pa-python not installed (run scripts/install-deps.sh python)"))
struct InteropTests {
    static let inputs = ["h264_aac.mp4", "h264_faststart.mp4", "h264_fragmented.mp4", "h264_aac.mov"]

    func label() -> ContentLabel {
        ContentLabel(
            producer: "Assay Tests", generator: .init(name: "assay-test", version: "0.1"),
            promptDigest: String(repeating: "ab", count: 32))
    }

    @Test("Assay-signed files read Trusted in c2pa-python", arguments: InteropTests.inputs)
    func assaySignedReadsTrusted(input: String) throws {
        let pki = try TestPKI.shared.get()
        let dir = try TemporaryDirectory()
        let src = try TestFixtures.generated(input)
        let out = dir.path("signed-" + input)
        try ManifestSigner.sign(
            inputPath: src.path, outputPath: out.path,
            definition: ManifestDefinition(label: label(), title: input),
            identity: try pki.signingIdentity(.es256))
        let r = try Interop.read(out, anchors: pki.rootPath)
        print("| \(input) | ES256 | c2pa-python: \(r.state ?? "error") | failures \(r.failures) \(r.error ?? "")")
        #expect(r.error == nil)
        #expect(r.state == "Trusted")
        #expect(r.failures.isEmpty)
        let ours = try ManifestValidator.validate(path: out.path, trust: pki.trust)
        #expect(ours.state == .trusted)
        #expect(ours.codes(.failure).isEmpty)
    }

    @Test("All seven algorithms read Trusted in c2pa-python", arguments: SigningAlgorithm.allCases)
    func algorithms(alg: SigningAlgorithm) throws {
        let pki = try TestPKI.shared.get()
        let dir = try TemporaryDirectory()
        let src = try TestFixtures.generated("h264_aac.mp4")
        let out = dir.path("signed-\(alg.rawValue).mp4")
        try ManifestSigner.sign(
            inputPath: src.path, outputPath: out.path,
            definition: ManifestDefinition(label: label()), identity: try pki.signingIdentity(alg))
        let r = try Interop.read(out, anchors: pki.rootPath)
        print("| h264_aac.mp4 | \(alg.rawValue) | c2pa-python: \(r.state ?? "error") | \(r.failures) \(r.error ?? "")")
        #expect(r.state == "Trusted")
        let ours = try ManifestValidator.validate(path: out.path, trust: pki.trust)
        #expect(ours.state == .trusted)
    }
}

@Suite(
    "History (ingredients) with c2pa-python",
    .enabled(if: Interop.available, "c2pa-python not installed (run scripts/install-deps.sh python)"))
struct HistoryInteropTests {
    @Test("re-labeling a signed file keeps the parent manifest as a parentOf ingredient")
    func relabelKeepsHistory() throws {
        let pki = try TestPKI.shared.get()
        _ = try pki.identity(.es256)
        let dir = try TemporaryDirectory()
        let first = dir.path("first.mp4")
        try Interop.sign(
            try TestFixtures.generated("h264_aac.mp4"), first, cert: pki.certPath(.es256),
            key: pki.keyPath(.es256), alg: "es256")
        let second = dir.path("second.mp4")
        let label = ContentLabel(producer: "Assay Tests", generator: .init(name: "assay-test", version: "0.1"))
        let result = try ManifestSigner.sign(
            inputPath: first.path, outputPath: second.path,
            definition: ManifestDefinition(label: label, title: "second.mp4"),
            identity: try pki.signingIdentity(.es256))
        #expect(result.manifestCount == 2)
        let py = try Interop.read(second, anchors: pki.rootPath)
        print("| relabel | c2pa-python \(py.state ?? py.error ?? "?") \(py.failures) success \(py.success) |")
        #expect(py.state == "Trusted")
        let ours = try ManifestValidator.validate(path: second.path, trust: pki.trust)
        print("| relabel | Assay \(ours.state.rawValue) \(ours.codes(.failure)) success \(ours.codes(.success)) |")
        #expect(ours.state == .trusted)
        #expect(ours.store.manifests.count == 2)
        #expect(ours.evidence.label?.contentID == label.contentID)
        #expect(ours.evidence.softBinding == label.contentID)
        // The parent's validation results are recorded in the ingredient (as c2pa-rs does).
        let recorded = ours.activeManifest?.assertionCBOR("c2pa.ingredient.v3")?["validationResults"]?["activeManifest"]
        let codes = (recorded?["success"]?.arrayValue ?? []).compactMap { $0["code"]?.textValue }
        #expect(codes.contains("claimSignature.validated"))
        #expect(codes.contains("assertion.bmffHash.match"))
    }
}
