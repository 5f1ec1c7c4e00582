import AssayC2PA
import AssayCore
import AssayTestSupport
import Foundation
import Testing

@testable import Assay

/// Durable credentials from a list-decoded candidate: a present watermark whose payload only the CRC-aided list
/// decoder found (and no second window confirmed) reports it as a candidate; verify takes it as the payload when
/// the repository holds a manifest with that content ID whose soft binding declares it.
@Suite(.serialized) struct CandidatePayloadRecoveryTests {
    let env: LabelEnvironment
    init() throws { env = try LabelEnvironment.shared.get() }

    static func present(candidates: [UInt64]) -> WatermarkEvidence? {
        WatermarkEvidence(present: true, pValue: 1e-12, threshold: 1e-6, candidatePayloads: candidates)
    }

    @Test("a candidate equal to a stored content ID with that soft binding recovers the manifest")
    func repositoryConfirmsTheRightCandidate() throws {
        let out = env.output("labeled.mp4")
        let result = try env.labeler().label(input: try TestFixtures.generated("h264_aac.mp4").path, output: out)
        let verifier = try env.verifier()
        let repo = try #require(verifier.repository)
        let right = result.label.contentID.watermarkPayload
        let wrong = right ^ 0x8000_0000_0000_0001

        // The wrong candidate comes first: it is skipped, the right one is confirmed.
        var w = Self.present(candidates: [wrong, right])
        let report = try #require(Verifier.recoverManifest(watermark: &w, from: repo, trust: verifier.trust))
        #expect(report.evidence.label?.contentID == result.label.contentID)
        #expect(report.evidence.state == .trusted)
        #expect(w?.payload == right)
        #expect(w?.payloadConfirmation == .manifestRepository)
        #expect(w?.candidatePayloads == nil)

        // Only a wrong candidate: nothing is recovered and the evidence is unchanged.
        var none = Self.present(candidates: [wrong])
        let recoveredByWrong = Verifier.recoverManifest(watermark: &none, from: repo, trust: verifier.trust) != nil
        #expect(!recoveredByWrong)
        #expect(none?.payload == nil)
        #expect(none?.candidatePayloads == [wrong])
        #expect(none?.payloadConfirmation == nil)

        // A watermark that is not present is never looked up, whatever it carries.
        var absent: WatermarkEvidence? = WatermarkEvidence(present: false, pValue: 0.5, threshold: 1e-6,
                                                           candidatePayloads: [right])
        let recoveredAbsent = Verifier.recoverManifest(watermark: &absent, from: repo, trust: verifier.trust) != nil
        #expect(!recoveredAbsent)
        #expect(absent?.payload == nil)
    }

    @Test("a stored manifest that declares no watermark does not confirm a candidate")
    func manifestWithoutSoftBindingDoesNotConfirm() throws {
        // carphone is 176x144: label signs it without the mark and without a soft-binding assertion.
        let out = env.output("small.mp4")
        let result = try env.labeler().label(input: TestFixtures.bundled("carphone.mp4").path, output: out)
        let verifier = try env.verifier()
        let repo = try #require(verifier.repository)
        let payload = result.label.contentID.watermarkPayload
        #expect(try repo.manifests(watermarkPayload: payload).count == 1)

        var candidate = Self.present(candidates: [payload])
        let recoveredWithoutSoftBinding = Verifier.recoverManifest(watermark: &candidate, from: repo, trust: verifier.trust) != nil
        #expect(!recoveredWithoutSoftBinding)
        #expect(candidate?.payload == nil)
        // A payload the detector decoded itself is looked up as before (no soft binding needed).
        var decoded: WatermarkEvidence? = WatermarkEvidence(present: true, pValue: 1e-12, threshold: 1e-6, payload: payload)
        let recoveredDecoded = Verifier.recoverManifest(watermark: &decoded, from: repo, trust: verifier.trust) != nil
        #expect(recoveredDecoded)
        #expect(decoded?.payloadConfirmation == nil)
    }

    @Test("the text report says a payload was confirmed by the repository, and counts unconfirmed candidates")
    func textReportNamesTheConfirmation() throws {
        var confirmed = WatermarkEvidence(present: true, pValue: 1e-12, threshold: 1e-6, candidatePayloads: [0xABCD])
        confirmed.confirm(candidate: 0xABCD, by: .manifestRepository)
        let a = TextReport(colour: false).render(VerifyReport(file: .init(path: "a.mp4"),
                                               verdict: Verdict(outcome: .verified, reasons: [], watermark: confirmed),
                                               elapsedSeconds: 0))
        #expect(a.contains("payload 000000000000abcd (list-decoded, confirmed by the repository)"), "\(a)")
        let unconfirmed = WatermarkEvidence(present: true, pValue: 1e-12, threshold: 1e-6, candidatePayloads: [1, 2])
        let b = TextReport(colour: false).render(VerifyReport(file: .init(path: "b.mp4"),
                                               verdict: Verdict(outcome: .untrusted, reasons: [], watermark: unconfirmed),
                                               elapsedSeconds: 0))
        #expect(b.contains("payload not decoded (2 unconfirmed list candidates)"), "\(b)")
    }
}
