import AssayBMFF
import AssayCore
import Foundation

/// Finds GB 45438 labels in a file: the MP4 `AIGC` metadata entry, and the XMP `TC260:AIGC`
/// property (element or attribute form) that other tools write.
enum AIGCReader {
    static func findings(scan: ProvenanceScan, manifestContentID: ContentID?) -> [VerifyReport.AIGCFinding] {
        var out: [VerifyReport.AIGCFinding] = []
        if let text = scan.aigcMetadata, let label = try? AIGCLabel.parse(text) {
            out.append(.init(label: label, source: .mp4Metadata, integrity: integrity(label, manifestContentID)))
        }
        for packet in scan.xmpPackets {
            if let json = xmpValue(packet.text), let label = try? AIGCLabel.parse(json) {
                out.append(.init(label: label, source: .xmp, integrity: integrity(label, manifestContentID)))
            }
        }
        return out
    }

    /// `ok` when `ReservedCode1` is Assay's digest of the producer fields (and the ProduceID matches the
    /// manifest's content ID, when there is one); `mismatch` when either check fails; `unchecked` for
    /// labels whose `ReservedCode1` is in a form Assay does not know.
    static func integrity(_ label: AIGCLabel, _ contentID: ContentID?) -> VerifyReport.AIGCFinding.Integrity {
        if let id = contentID, label.produceID.lowercased() != id.hex { return .mismatch }
        guard label.reservedCode1.hasPrefix("sha256:") else { return .unchecked }
        let digest = SHA256Hasher.digest(label.producerFieldsForIntegrity).map { String(format: "%02x", $0) }.joined()
        return label.reservedCode1 == "sha256:" + digest ? .ok : .mismatch
    }

    /// The JSON text of `TC260:AIGC` in an XMP packet, element (`<TC260:AIGC>…</TC260:AIGC>`) or
    /// attribute (`TC260:AIGC="…"`) form, with XML entities decoded.
    static func xmpValue(_ xmp: String) -> String? {
        if let open = xmp.range(of: "<TC260:AIGC>"), let close = xmp.range(of: "</TC260:AIGC>", range: open.upperBound..<xmp.endIndex) {
            return unescape(String(xmp[open.upperBound..<close.lowerBound]))
        }
        for quote in ["\"", "'"] {
            if let start = xmp.range(of: "TC260:AIGC=" + quote),
               let end = xmp.range(of: quote, range: start.upperBound..<xmp.endIndex)
            {
                return unescape(String(xmp[start.upperBound..<end.lowerBound]))
            }
        }
        return nil
    }

    private static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&#34;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
