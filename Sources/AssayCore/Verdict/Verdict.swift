/// The fused answer of `verify`: one outcome with reasons, plus the evidence it was fused from.
///
/// ``Verdict/fuse(manifest:watermark:classifier:)`` is a pure function of the evidence, so the
/// policy is unit-tested without media. The outcome's ``Outcome/exitCode`` is the CLI contract of
/// DESIGN.md.
public struct Verdict: Sendable, Hashable, Codable {
    /// The outcome, ordered as the exit codes of DESIGN.md.
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        /// Provenance verified: manifest Trusted, or watermark matched a trusted manifest.
        case verified
        /// Tampered or invalid: hash or signature mismatch, broken manifest, watermark contradicts manifest.
        case tampered
        /// Operational error (unreadable file, internal error).
        case error
        /// No manifest and no watermark; the classifier result is still reported.
        case noProvenance = "no-provenance"
        /// Valid but not trusted (unknown signer, expired), or a watermark with no known manifest.
        case untrusted
        /// Unsupported format.
        case unsupported

        /// The process exit code for this outcome.
        public var exitCode: Int32 {
            switch self {
            case .verified: return 0
            case .tampered: return 1
            case .error: return 2
            case .noProvenance: return 3
            case .untrusted: return 4
            case .unsupported: return 5
            }
        }
    }

    /// The JSON schema identifier written with every encoded verdict.
    public static let schema = "assay.verdict/1"

    /// The outcome.
    public var outcome: Outcome
    /// Human-readable reasons, most important first.
    public var reasons: [String]
    /// Manifest lane evidence (embedded or recovered), if a manifest was found.
    public var manifest: ManifestEvidence?
    /// Watermark lane evidence, if the lane ran.
    public var watermark: WatermarkEvidence?
    /// Classifier lane evidence, if the lane ran.
    public var classifier: ClassifierEvidence?

    /// Creates a verdict directly (errors and unsupported formats; otherwise use ``fuse(manifest:watermark:classifier:)``).
    public init(outcome: Outcome, reasons: [String], manifest: ManifestEvidence? = nil,
                watermark: WatermarkEvidence? = nil, classifier: ClassifierEvidence? = nil)
    {
        self.outcome = outcome
        self.reasons = reasons
        self.manifest = manifest
        self.watermark = watermark
        self.classifier = classifier
    }

    /// Fuses the lanes' evidence into one verdict.
    ///
    /// Policy, in order:
    /// 1. An `Invalid` manifest is `tampered`, unless its only failures are about the signer's
    ///    credential (expired, revoked): then `untrusted`.
    /// 2. A watermark whose payload contradicts the manifest's soft binding is `tampered`
    ///    (a transplanted manifest).
    /// 3. A `Trusted` manifest (embedded or recovered by watermark) is `verified`; `Valid` is `untrusted`.
    /// 4. A watermark with no manifest known for its payload is `untrusted`: keyed detection says the
    ///    clip was labeled, but nothing signed says by whom.
    /// 5. Otherwise `no-provenance`. The classifier never decides the outcome; its finding is a reason.
    public static func fuse(manifest: ManifestEvidence?, watermark: WatermarkEvidence?,
                            classifier: ClassifierEvidence?) -> Verdict
    {
        var reasons: [String] = []
        let outcome: Outcome
        let recovered = manifest?.source == .recoveredByWatermark

        if let m = manifest, m.state == .invalid, !m.failureCodes.isEmpty,
            m.failureCodes.allSatisfy(credentialOnlyFailures.contains)
        {
            // The content and the signature are intact; only the signer's credential lapsed.
            outcome = .untrusted
            reasons.append("manifest signed with a credential that is no longer valid: "
                + m.failureCodes.joined(separator: ", "))
        } else if let m = manifest, m.state == .invalid {
            outcome = .tampered
            let codes = m.failureCodes
            reasons.append("manifest invalid" + (codes.isEmpty ? "" : ": " + codes.joined(separator: ", ")))
        } else if let m = manifest, let w = watermark, w.present, let p = w.payload, let sb = m.softBinding,
            sb.watermarkPayload != p
        {
            outcome = .tampered
            reasons.append(
                "watermark payload \(hex64(p)) does not match the manifest's soft binding \(hex64(sb.watermarkPayload))")
        } else if let m = manifest {
            let via = recovered ? "manifest recovered by watermark" : "manifest"
            switch m.state {
            case .trusted:
                outcome = .verified
                reasons.append("\(via): Trusted" + signerSuffix(m))
            case .valid:
                outcome = .untrusted
                let codes = m.failureCodes
                reasons.append("\(via): Valid but not trusted" + signerSuffix(m)
                    + (codes.isEmpty ? "" : " (" + codes.joined(separator: ", ") + ")"))
            case .invalid:
                outcome = .tampered  // handled above; kept for exhaustiveness
            }
        } else if let w = watermark, w.present {
            outcome = .untrusted
            if let p = w.payload {
                reasons.append("watermark found (content ID prefix \(hex64(p))), but no manifest is known for it")
            } else {
                reasons.append("watermark present but its payload could not be decoded")
            }
        } else {
            outcome = .noProvenance
            reasons.append("no manifest and no watermark found")
        }

        if let w = watermark, w.present, manifest != nil, !recovered {
            reasons.append("watermark present (p = \(formatP(w.pValue)))")
        }
        if let c = classifier {
            switch c.decision {
            case .artifacts:
                reasons.append("classifier: artifacts of neural generation (score \(formatScore(c.score)))")
            case .noArtifactsFound:
                reasons.append("classifier: no artifacts found (score \(formatScore(c.score)))")
            case .inconclusive:
                reasons.append("classifier: inconclusive" + (c.reasons.first.map { " (\($0))" } ?? ""))
            }
        }
        return Verdict(outcome: outcome, reasons: reasons, manifest: manifest, watermark: watermark,
                       classifier: classifier)
    }

    /// Failure codes about the signer's credential alone (expired, revoked): C2PA calls the manifest
    /// Invalid, DESIGN.md's contract calls the clip untrusted (exit 4), not tampered.
    public static let credentialOnlyFailures: Set<String> = [
        "signingCredential.expired", "signingCredential.revoked", "signingCredential.untrusted",
    ]

    private static func signerSuffix(_ m: ManifestEvidence) -> String {
        guard let name = m.signer?.commonName ?? m.signer?.organization else { return "" }
        return ", signed by \(name)"
    }
}

/// 16 lower-case hex digits.
func hex64(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 16 - s.count)) + s
}

/// A p-value in short scientific form.
func formatP(_ p: Double) -> String {
    if p <= 0 { return "0" }
    if p >= 0.001 { return String(Int((p * 1000).rounded())) == "1000" ? "1" : "0.\(pad3(Int((p * 1000).rounded())))" }
    let exponent = Int((log10Approx(p)).rounded(.down))
    return "1e\(exponent)"
}

private func pad3(_ v: Int) -> String {
    let s = String(v)
    return String(repeating: "0", count: max(0, 3 - s.count)) + s
}

private func log10Approx(_ x: Double) -> Double {
    // log10 via the exponent and a short series; exact enough for display.
    var e = 0
    var m = x
    while m < 1 { m *= 10; e -= 1 }
    while m >= 10 { m /= 10; e += 1 }
    return Double(e)
}

private func formatScore(_ s: Double?) -> String {
    guard let s else { return "n/a" }
    return String(Double(Int((s * 100).rounded())) / 100)
}
