import AssayC2PA
import AssayCore
import AssayTestSupport
import AssayWatermark
import Foundation
import Testing

@testable import Assay

/// Durable credentials by matching (session 9): a present watermark whose payload no decoder found keeps its soft
/// bits; verify matches them against the repository's payloads and takes the one match above the threshold when its
/// manifest declares that watermark.
@Suite(.serialized) struct RepositoryMatchRecoveryTests {
    let env: LabelEnvironment
    init() throws { env = try LabelEnvironment.shared.get() }

    /// Present evidence whose soft bits are `payload`'s codeword under noise `sigma` that the L = 64 list cannot
    /// decode (seeded, so the same vector every run).
    static func undecodable(_ payload: UInt64, sigma: Double = 1.1, seed: UInt64 = 11) -> WatermarkEvidence? {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func gaussian() -> Double {
            let u1 = (Double(next() >> 11) + 0.5) / Double(1 << 53), u2 = Double(next() >> 11) / Double(1 << 53)
            return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
        let code = PayloadCodec.encode(payload)
        for _ in 0..<500 {
            let soft = code.map { ($0 == 0 ? 1.0 : -1.0) + sigma * gaussian() }
            guard PayloadCodec.crcValidPaths(soft, listSize: PayloadCodec.maximumListSize).isEmpty else { continue }
            var w = WatermarkEvidence(present: true, pValue: 1e-12, threshold: 1e-6)
            w.payloadSoftBits = [soft]
            return w
        }
        return nil
    }

    @Test("soft bits of a stored payload recover its manifest; matching off, or another payload's bits, do not")
    func matchRecoversTheManifest() throws {
        let out = env.output("matched.mp4")
        let result = try env.labeler().label(input: try TestFixtures.generated("h264_aac.mp4").path, output: out)
        let verifier = try env.verifier()
        let repo = try #require(verifier.repository)
        let right = result.label.contentID.watermarkPayload
        #expect(try repo.watermarkPayloads().contains(right))

        var w = Self.undecodable(right)
        #expect(w != nil)
        var off = w
        let recoveredWithoutMatching = Verifier.recoverManifest(watermark: &off, from: repo, trust: verifier.trust,
                                                                matching: false) != nil
        #expect(!recoveredWithoutMatching)
        #expect(off?.payload == nil)

        // The repository is shared with suites that run in parallel and only ever add to it: the payloads compared
        // are all those stored when the match ran, between the counts before and after it.
        let storedBefore = try repo.watermarkPayloads().count
        let report = try #require(Verifier.recoverManifest(watermark: &w, from: repo, trust: verifier.trust))
        let storedAfter = try repo.watermarkPayloads().count
        #expect(report.evidence.label?.contentID == result.label.contentID)
        #expect(report.evidence.state == .trusted)
        #expect(w?.payload == right)
        #expect(w?.payloadConfirmation == .repositoryMatch)
        let match = try #require(w?.payloadMatch)
        #expect(match.correlation >= match.threshold)
        #expect(match.comparedPayloads >= storedBefore && match.comparedPayloads <= storedAfter)
        #expect(w?.payloadSoftBits == nil)

        // Soft bits of a payload the repository does not hold: nothing is recovered.
        var stranger = Self.undecodable(right ^ 0x0123_4567_89AB_CDEF)
        let recoveredStranger = Verifier.recoverManifest(watermark: &stranger, from: repo, trust: verifier.trust) != nil
        #expect(!recoveredStranger)
        #expect(stranger?.payload == nil)
        #expect(stranger?.payloadConfirmation == nil)

        // The report says how the payload was established.
        let shown = VerifyReport(file: .init(path: "m.mp4"), verdict: Verdict(outcome: .verified, reasons: [], watermark: w),
                                 elapsedSeconds: 0)
        let text = TextReport(colour: false).render(shown)
        #expect(text.contains("(matched against the repository's payloads)"), "\(text)")
        let html = try HTMLReport().render(shown)
        #expect(html.contains("Repository match") && html.contains(String(format: "r = %.3f", match.correlation)))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(try #require(w))) as? [String: Any]
        #expect(json?["payloadConfirmation"] as? String == "repository-match")
        let written = (json?["payloadMatch"] as? [String: Any])?["correlation"] as? Double
        #expect(abs((written ?? 0) - match.correlation) < 1e-12)
        #expect(json?["payloadSoftBits"] == nil)
    }

    @Test("a stored manifest that declares no watermark is not taken by a match")
    func manifestWithoutSoftBindingIsNotMatched() throws {
        // carphone is 176x144: label signs it without the mark and without a soft-binding assertion.
        let out = env.output("small-matched.mp4")
        let result = try env.labeler().label(input: TestFixtures.bundled("carphone.mp4").path, output: out)
        let verifier = try env.verifier()
        let repo = try #require(verifier.repository)
        let payload = result.label.contentID.watermarkPayload
        var w = Self.undecodable(payload)
        let recovered = Verifier.recoverManifest(watermark: &w, from: repo, trust: verifier.trust) != nil
        #expect(!recovered)
        #expect(w?.payload == nil)
    }
}
