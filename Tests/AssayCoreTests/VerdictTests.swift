import AssayCore
import Foundation
import Testing

@Suite struct VerdictTests {
    let id = ContentID(high: 0xdead_beef_0000_0001, low: 2)

    func manifest(_ state: ManifestEvidence.ValidationState, failures: [String] = [],
                  source: ManifestEvidence.Source = .embedded) -> ManifestEvidence
    {
        ManifestEvidence(
            state: state, statuses: failures.map { .init(code: $0, kind: .failure) },
            signer: .init(commonName: "Assay Dev Signer"), softBinding: id, source: source)
    }

    func watermark(payload: UInt64?) -> WatermarkEvidence {
        WatermarkEvidence(present: true, pValue: 1e-30, threshold: 1e-6, payload: payload)
    }

    @Test func trustedManifestIsVerified() {
        let v = Verdict.fuse(manifest: manifest(.trusted), watermark: nil, classifier: nil)
        #expect(v.outcome == .verified)
        #expect(v.outcome.exitCode == 0)
        #expect(v.reasons.first?.contains("Assay Dev Signer") == true)
    }

    @Test func invalidManifestIsTamperedWithCodes() {
        let v = Verdict.fuse(manifest: manifest(.invalid, failures: ["assertion.bmffHash.mismatch"]),
                             watermark: watermark(payload: id.watermarkPayload), classifier: nil)
        #expect(v.outcome == .tampered)
        #expect(v.outcome.exitCode == 1)
        #expect(v.reasons[0].contains("assertion.bmffHash.mismatch"))
    }

    @Test func validButUntrusted() {
        let v = Verdict.fuse(manifest: manifest(.valid, failures: ["signingCredential.untrusted"]), watermark: nil,
                             classifier: nil)
        #expect(v.outcome == .untrusted)
        #expect(v.outcome.exitCode == 4)
    }

    @Test func expiredCredentialIsUntrustedNotTampered() {
        let v = Verdict.fuse(manifest: manifest(.invalid, failures: ["signingCredential.expired"]), watermark: nil,
                             classifier: nil)
        #expect(v.outcome == .untrusted)
        let w = Verdict.fuse(manifest: manifest(.invalid, failures: ["signingCredential.expired", "claimSignature.mismatch"]),
                             watermark: nil, classifier: nil)
        #expect(w.outcome == .tampered)
    }

    @Test func watermarkContradictingManifestIsTampered() {
        let v = Verdict.fuse(manifest: manifest(.trusted), watermark: watermark(payload: 42), classifier: nil)
        #expect(v.outcome == .tampered)
    }

    @Test func recoveredTrustedManifestIsVerified() {
        let v = Verdict.fuse(manifest: manifest(.trusted, source: .recoveredByWatermark),
                             watermark: watermark(payload: id.watermarkPayload), classifier: nil)
        #expect(v.outcome == .verified)
        #expect(v.reasons[0].hasPrefix("manifest recovered by watermark"))
    }

    @Test func watermarkWithoutManifestIsUntrusted() {
        let v = Verdict.fuse(manifest: nil, watermark: watermark(payload: 7), classifier: nil)
        #expect(v.outcome == .untrusted)
    }

    @Test func nothingIsNoProvenanceAndClassifierNeverDecides() {
        let c = ClassifierEvidence(modelID: "m", score: 0.97, decision: .artifacts)
        let v = Verdict.fuse(manifest: nil, watermark: WatermarkEvidence(present: false, pValue: 0.4, threshold: 1e-6),
                             classifier: c)
        #expect(v.outcome == .noProvenance)
        #expect(v.outcome.exitCode == 3)
        #expect(v.reasons.contains { $0.contains("artifacts of neural generation") })
    }

    @Test func exitCodesAreDistinctAndMatchDesign() {
        let codes = Verdict.Outcome.allCases.map(\.exitCode)
        #expect(codes == [0, 1, 2, 3, 4, 5])
    }

    @Test func jsonRoundTripKeepsEverything() throws {
        let label = ContentLabel(contentID: id, producer: "Acme", generator: .init(name: "gen", version: "1"),
                                 created: Date(timeIntervalSince1970: 1_700_000_000))
        var m = manifest(.trusted)
        m.label = label
        let v = Verdict.fuse(
            manifest: m, watermark: watermark(payload: id.watermarkPayload),
            classifier: ClassifierEvidence(modelID: "m", score: nil, decision: .inconclusive, reasons: ["too small"]))
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let data = try enc.encode(v)
        let back = try JSONDecoder().decode(Verdict.self, from: data)
        #expect(back == v)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""decision":"inconclusive""#))
        #expect(text.contains(#""state":"Trusted""#))
    }

    @Test("watermark evidence equals its JSON round trip even while it carries soft bits (not serialised)")
    func softBitsAreNotPartOfEquality() throws {
        var e = WatermarkEvidence(present: true, pValue: 1e-9, threshold: 1e-6, candidatePayloads: [7])
        let plain = e
        e.payloadSoftBits = [[0.5, -0.25]]
        #expect(e == plain)
        #expect(e.hashValue == plain.hashValue)
        let back = try JSONDecoder().decode(WatermarkEvidence.self, from: try JSONEncoder().encode(e))
        #expect(back == e)
        #expect(back.payloadSoftBits == nil)
        // Fields a report carries still count.
        var other = e
        other.candidatePayloads = [8]
        #expect(other != e)
        other = e
        other.pValue = 2e-9
        #expect(other != e)
    }
}
