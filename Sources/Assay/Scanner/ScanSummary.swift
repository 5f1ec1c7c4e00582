import AssayCore
import Foundation

/// Counts over a finished scan: `summary.json`.
public struct ScanSummary: Sendable, Hashable, Codable {
    /// Schema identifier.
    public static let currentSchema = "assay.scan-summary/1"

    /// Buckets every file falls into exactly one of (``aiArtifacts`` is counted in addition).
    public struct Buckets: Sendable, Hashable, Codable {
        /// Embedded manifest, Trusted.
        public var trusted = 0
        /// Embedded manifest, Valid but not trusted.
        public var validUntrusted = 0
        /// Manifest invalid or contradicted by the watermark.
        public var tampered = 0
        /// Manifest stripped, recovered through the watermark.
        public var recoveredByWatermark = 0
        /// Watermark found, no manifest known.
        public var watermarkOnly = 0
        /// No manifest, no watermark.
        public var unsigned = 0
        /// Unreadable, unsupported or failed.
        public var errors = 0
        /// Classifier said `artifacts` (any bucket).
        public var aiArtifacts = 0

        enum CodingKeys: String, CodingKey {
            case trusted, validUntrusted = "valid-untrusted", tampered, recoveredByWatermark = "recovered-by-watermark",
                 watermarkOnly = "watermark-only", unsigned, errors, aiArtifacts = "ai-artifacts"
        }
    }

    /// ``currentSchema``.
    public var schema = ScanSummary.currentSchema
    /// Files with a result.
    public var files = 0
    /// Bytes of those files.
    public var bytes: Int64 = 0
    /// The buckets.
    public var buckets = Buckets()
    /// Files per signer common name.
    public var signers: [String: Int] = [:]
    /// Files per generator (`name version`).
    public var generators: [String: Int] = [:]
    /// Files per exit code.
    public var exitCodes: [String: Int] = [:]

    /// Creates an empty summary.
    public init() {}

    /// The bucket name of one report.
    public static func bucket(of report: VerifyReport) -> String {
        let v = report.verdict
        switch v.outcome {
        case .error, .unsupported: return "errors"
        case .tampered: return "tampered"
        case .noProvenance: return "unsigned"
        case .verified, .untrusted:
            if v.manifest?.source == .recoveredByWatermark { return "recovered-by-watermark" }
            if v.manifest == nil { return "watermark-only" }
            return v.outcome == .verified ? "trusted" : "valid-untrusted"
        }
    }

    /// Adds one file's report.
    public mutating func add(_ report: VerifyReport, size: Int64) {
        files += 1
        bytes += max(0, size)
        exitCodes[String(report.exitCode), default: 0] += 1
        switch Self.bucket(of: report) {
        case "trusted": buckets.trusted += 1
        case "valid-untrusted": buckets.validUntrusted += 1
        case "tampered": buckets.tampered += 1
        case "recovered-by-watermark": buckets.recoveredByWatermark += 1
        case "watermark-only": buckets.watermarkOnly += 1
        case "unsigned": buckets.unsigned += 1
        default: buckets.errors += 1
        }
        if report.verdict.classifier?.decision == .artifacts { buckets.aiArtifacts += 1 }
        if let m = report.verdict.manifest {
            signers[m.signer?.commonName ?? m.signer?.organization ?? "(unknown signer)", default: 0] += 1
            if let g = m.label?.generator { generators[g.description, default: 0] += 1 }
        }
    }

    /// Adds a file that failed before any report existed.
    public mutating func addError(size: Int64) {
        files += 1
        bytes += max(0, size)
        buckets.errors += 1
        exitCodes["2", default: 0] += 1
    }

    /// Adds another summary (shard merge).
    public mutating func merge(_ o: ScanSummary) {
        files += o.files
        bytes += o.bytes
        buckets.trusted += o.buckets.trusted
        buckets.validUntrusted += o.buckets.validUntrusted
        buckets.tampered += o.buckets.tampered
        buckets.recoveredByWatermark += o.buckets.recoveredByWatermark
        buckets.watermarkOnly += o.buckets.watermarkOnly
        buckets.unsigned += o.buckets.unsigned
        buckets.errors += o.buckets.errors
        buckets.aiArtifacts += o.buckets.aiArtifacts
        for (k, v) in o.signers { signers[k, default: 0] += v }
        for (k, v) in o.generators { generators[k, default: 0] += v }
        for (k, v) in o.exitCodes { exitCodes[k, default: 0] += v }
    }
}
